"""The channel table: how a procedure is submitted, with its time limits and fees."""

from __future__ import annotations

import json
import re
from typing import Any

from ..schema import ChannelKind, TimeUnit
from ..text import fold
from .base import (
    _AMOUNT,
    _FEE_RE,
    _NOTE_AMOUNT_RE,
    _PROVINCE_RE,
    _ROW_RE,
    _TIME_RE,
    CHANNEL_WORDS,
    DUPLICATE_CHANNEL,
    FEE_IMPLAUSIBLE,
    FEE_MISMATCH,
    FEE_ONE_CASE,
    FEE_UNIT_UNKNOWN,
    FEE_UNITS,
    FEE_UNKNOWN,
    NO_CHANNELS,
    NO_FEE,
    NO_TIME,
    NOTE_ONLINE,
    TABLE_HEADER,
    TIERS_UNPARSED,
    TIME_FEE_JOINED,
    TIME_NO_UNIT,
    TIME_NOT_SET,
    TIME_UNITS,
    TIME_UNKNOWN,
)
from .text_helpers import _amount, _clean, _Collector, _matching_paren, _one_line

# ---- channels, time limits and fees -----------------------------------------------------------------------


UNKNOWN_TIME_LIMIT = {"unit": TimeUnit.UNKNOWN.value}


def _parse_time(row: str, label: str, col: _Collector) -> tuple[dict | None, str]:
    """Parse the time cell at the start of a row; return (time_limit or None, rest of the row). A record that
    states no time limit gives the `unknown` limit (a gap, not a problem)."""
    m = _TIME_RE.match(row)
    if m is None:
        col.problem(TIME_UNKNOWN, f"{label}: {row[:60]!r}")
        # free text up to a fee cell, if any
        fee = re.search(r"Miễn phí|Không có thông tin|(?:" + _AMOUNT + r")\s?(?:Việt Nam Đồng|VNĐ)", row)
        return None, row[fee.start() :] if fee else ""
    rest = row[m.end() :]
    if m.group("none"):
        col.gap(NO_TIME, label)
        return dict(UNKNOWN_TIME_LIMIT), rest
    if m.group("notset"):
        col.gap(TIME_NOT_SET, label)
        return dict(UNKNOWN_TIME_LIMIT), rest
    value = int(m.group("num"))
    unit_word = m.group("unit")
    if unit_word is None:
        if not _FEE_RE.match(rest) and _FEE_RE.match(row):
            # "120 VNĐ": a bare time glued to an amount; where one ends is unknowable.
            col.problem(TIME_FEE_JOINED, f"{label}: {row[:40]!r}")
            return None, ""
        # A bare number: the unit is taken from the row's description when it says so ("… 3 ngày làm việc").
        folded = fold(rest)
        if re.search(rf"(?<!\d)0?{value} ngay lam viec", folded):
            return {"unit": TimeUnit.WORKING_DAYS.value, "value": value}, rest
        if re.search(rf"(?<!\d)0?{value} ngay(?! lam)", folded):
            return {"unit": TimeUnit.DAYS.value, "value": value}, rest
        col.problem(TIME_NO_UNIT, f"{label}: a bare {value}, left unknown")
        return dict(UNKNOWN_TIME_LIMIT), rest
    unit = TIME_UNITS.get(unit_word)
    if unit is None or value < 1:
        col.problem(TIME_UNKNOWN, f"{label}: {value} {unit_word}")
        return None, rest
    return {"unit": unit.value, "value": value}, rest


def _split_fee_cell(rest: str) -> tuple[re.Match | None, str, str]:
    """The fee match, the fee note (parenthesised text right after it) and the row's description."""
    m = _FEE_RE.match(rest)
    if m is None:
        return None, "", rest
    after = rest[m.end() :]
    note = ""
    if after.startswith("("):
        end = _matching_paren(after, 0)
        closed = after[end - 1] == ")"
        note, after = (after[1 : end - 1] if closed else after[1:end]), after[end:]
    return m, note.strip(), after.strip()


def _fee_unit(text: str) -> str | None:
    """'trang' → page; 'lần đăng ký' → registration (the most specific known segment, last first); a charge per
    person ('người/lần đăng ký') is counted per person."""
    segments = [re.sub(r"\s+", " ", fold(seg)).strip(" ./;:,") for seg in text.split("/")]
    if "nguoi" in segments:
        return "person"
    for seg in reversed([s for s in segments if s]):
        words = seg.split(" ")
        for n in (3, 2, 1):
            unit = FEE_UNITS.get(" ".join(words[:n]))
            if unit:
                return unit
    return None


def _note_amounts(text: str) -> list[tuple[int, str | None]]:
    return [(_amount(m.group(1)), m.group(2)) for m in _NOTE_AMOUNT_RE.finditer(text)]


def _page_tiers(text: str) -> dict | None | bool:
    """Per-page tiers from a note like '2.000 đồng/trang; từ trang thứ 3 trở lên thu 1.000 đồng/trang, tối
    đa … 200.000 đồng/bản'. Returns the rule, None when no tiers are mentioned, False when they are mentioned
    but unreadable."""
    f = fold(text)
    if "trang thu" not in f:
        return None
    base = re.search(rf"({_AMOUNT})\s?(?:dong|d)\s?/\s?trang", f)
    nxt = re.search(rf"tu trang thu (\d+) tro (?:len|di)\D{{0,20}}?({_AMOUNT})\s?(?:dong|d)\s?/\s?trang", f)
    if not base or not nxt or base.start() > nxt.start():
        return False
    start = int(nxt.group(1))
    if start < 2:
        return False
    rule: dict[str, Any] = {
        "kind": "per_page_tiered",
        "tiers": [
            {"from_page": 1, "to_page": start - 1, "amount": _amount(base.group(1))},
            {"from_page": start, "amount": _amount(nxt.group(2))},
        ],
    }
    cap = re.search(rf"toi da[^.;]{{0,40}}?({_AMOUNT})\s?(?:dong|d)\s?/\s?ban", f)
    if cap:
        rule["cap_per_copy"] = _amount(cap.group(1))
    return rule


def _note_text(note: str) -> str | None:
    note = _one_line(note).strip(" ()")
    return note or None


def _parse_fee(rest: str, label: str, province_key: str, col: _Collector) -> tuple[dict | None, bool]:
    """Parse the fee cell; return (fee rule or None, is_foreign_currency)."""
    m, note, desc = _split_fee_cell(rest)
    if m is None:
        if not rest.strip():
            col.gap(NO_FEE, label)
            return {"kind": "unknown"}, False
        col.problem(FEE_UNKNOWN, f"{label}: {rest[:60]!r}")
        return None, False
    if m.group("none"):
        col.gap(NO_FEE, label)
        return {"kind": "unknown"}, False
    if m.group("currency") == "USD":
        return None, True

    note_f = fold(note)
    all_text = note + " " + desc
    province = bool(_PROVINCE_RE.search(note_f))
    fee_note = _note_text(note)
    # a bare "(/trang)" note is a unit, not a note for citizens
    per_word = None
    if note.startswith("/"):
        per_word = note[1:]
        fee_note = None

    if m.group("free"):
        if province:
            col.note(f"{label}: the table says free but the note leaves the amount to the province (HĐND).")
            return _drop_none({"kind": "province", "key": province_key, "note": fee_note}), False
        return _drop_none({"kind": "free", "note": fee_note}), False

    amount = _amount(m.group("amount"))
    tiers = _page_tiers(all_text)
    if tiers is False:
        col.problem(TIERS_UNPARSED, label)
        return None, False
    if isinstance(tiers, dict):
        base = tiers["tiers"][0]["amount"]
        if base != amount:
            col.problem(FEE_MISMATCH, f"{label}: table {amount}, page tiers start at {base}")
            return None, False
        if fee_note:
            tiers["note"] = fee_note
        return tiers, False

    mentioned = _note_amounts(all_text)
    if amount < 1000:
        col.problem(FEE_IMPLAUSIBLE, f"{label}: {amount} đồng" + (f" (note: {note[:50]!r})" if note else ""))
        return None, False
    if mentioned and amount not in {a for a, _ in mentioned} and not province:
        shown = ", ".join(f"{a:,}" for a, _ in mentioned[:3])
        col.problem(FEE_MISMATCH, f"{label}: table {amount:,}, note {shown}")
        return None, False

    per = None
    if per_word is None:
        per_word = next((u for a, u in mentioned if a == amount and u), None)
    if per_word:
        per = _fee_unit(per_word)
        if per is None:
            col.problem(FEE_UNIT_UNKNOWN, f"{label}: '/{per_word}'")
            return None, False
    else:
        col.note(f"{label}: the portal gives no unit for the {amount:,} đồng fee; drafted per case.")
    fixed = _drop_none({"kind": "fixed", "amount": amount, "per": per or "case"})
    if province:
        col.note(f"{label}: the note leaves the amount to the province (HĐND); {amount:,} đồng is the default.")
        return _drop_none({"kind": "province", "key": province_key, "default": fixed, "note": fee_note}), False
    if fee_note:
        fixed["note"] = fee_note
    return fixed, False


def _online_kind(desc: str) -> ChannelKind | None:
    f = fold(desc)
    if "mot phan" in f:
        return ChannelKind.ONLINE_PARTIAL
    if "toan trinh" in f:
        return ChannelKind.ONLINE_FULL
    return None


def _province_key(field_name: str, code: str) -> str:
    """A fee key for province files, from the field and the national code: 'ho_tich.1_004827'."""
    field_slug = re.sub(r"[^a-z0-9]+", "_", fold(field_name)).strip("_") or "tthc"
    code_slug = re.sub(r"[^a-z0-9]+", "_", fold(".".join(code.split(".")[:2]))).strip("_") or "unknown"
    return f"{field_slug}.{code_slug}"


# Case labels for rows of one channel, from words in the row (folded) → the label we show (our own wording).
CASE_WORDS: tuple[tuple[str, str], ...] = (
    ("theo danh sach", "đăng ký theo danh sách"),
    ("ho gia dinh", "cá nhân, hộ gia đình"),
    ("ca nhan", "cá nhân, hộ gia đình"),
    ("to chuc", "tổ chức"),
    ("cap lai", "cấp lại"),
    ("cap doi", "cấp đổi"),
    ("lan dau", "lần đầu"),
    ("thanh pho truc thuoc trung uong", "thành phố trực thuộc trung ương"),
    ("khu vuc i", "khu vực I"),
    ("khu vuc ii", "khu vực II"),
    ("khu vuc iii", "khu vực III"),
    ("nong thon", "nông thôn"),
    ("do thi", "đô thị"),
    ("xac minh", "cần xác minh"),
)


# Case labels that never cover every applicant: a channel whose single row is one of these lacks the others.
PARTIAL_CASES = frozenset({"đăng ký theo danh sách"})
OTHER_CASES = "các trường hợp khác"


def _case_label(row: str, used: set[str], n: int) -> str:
    f = fold(row)
    for word, label in CASE_WORDS:
        if word in f and label not in used:
            return label
    return f"trường hợp {n}"


def _merge_rows(kind: ChannelKind, rows: list[tuple[dict | None, dict | None, str]], col: _Collector) -> dict:
    """One channel from its table rows: the same values once; different fees become cases (labelled from the
    rows' words), different time limits a range (the longest case as the maximum)."""
    distinct: list[tuple[dict | None, dict | None, str]] = []
    for row in rows:
        if all((row[0], row[1]) != (d[0], d[1]) for d in distinct):
            distinct.append(row)
    if len(distinct) == 1:
        time_limit, fee, text = distinct[0]
        label = _case_label(text, set(), 1)
        if fee is not None and label in PARTIAL_CASES:
            # The crawl kept one row of several: a fee for one case only must not read as the fee for everyone.
            col.gap(FEE_ONE_CASE, f"{kind.label}: {label}; the fee of the other cases is not in the record")
            others = {"label": OTHER_CASES, "fee": {"kind": "unknown"}}
            fee = {"kind": "cases", "cases": [{"label": label, "fee": fee}, others]}
        return {"kind": kind.value, "time_limit": time_limit, "fee": fee}
    used: set[str] = set()
    labels = []
    for n, (_, _, text) in enumerate(distinct, 1):
        label = _case_label(text, used, n)
        used.add(label)
        labels.append(label)
    fees = [fee for _, fee, _ in distinct]
    if any(f is None for f in fees):
        col.problem(DUPLICATE_CHANNEL, f"{kind.label}: a row's fee could not be read")
        return {"kind": kind.value, "time_limit": distinct[0][0], "fee": None}
    unique_fees = {json.dumps(f, sort_keys=True) for f in fees}
    if len(unique_fees) == 1:
        fee = fees[0]
    elif any(f.get("kind") == "cases" for f in fees):  # type: ignore[union-attr]
        col.problem(DUPLICATE_CHANNEL, f"{kind.label}: nested cases")
        fee = None
    else:
        fee = {"kind": "cases", "cases": [{"label": lbl, "fee": f} for lbl, f in zip(labels, fees, strict=True)]}
        col.note(f"{kind.label}: {len(fees)} fee rows, kept as cases ({', '.join(labels)}).")
    times = [t for t, _, _ in distinct]
    known = [t for t in times if t and t.get("unit") not in (None, TimeUnit.UNKNOWN.value)]
    time_limit = times[0]
    if len({json.dumps(t, sort_keys=True) for t in known}) > 1:
        units = {t["unit"] for t in known}
        if len(units) == 1 and all("value" in t for t in known):
            shortest = min(known, key=lambda t: t["value"])
            longest = max(known, key=lambda t: t["value"])
            longest_label = labels[times.index(longest)]
            time_limit = {
                **shortest,
                "max_value": longest["value"],
                "max_unit": longest["unit"],
                "max_condition": longest_label,
            }
        else:
            col.problem(DUPLICATE_CHANNEL, f"{kind.label}: time limits in different units")
    return {"kind": kind.value, "time_limit": time_limit, "fee": fee}


def _parse_channels(text: str, code: str, field_name: str, col: _Collector) -> list[dict]:
    text = _clean(text)
    if text.startswith(TABLE_HEADER):
        text = text[len(TABLE_HEADER) :]
    starts = list(_ROW_RE.finditer(text))
    if not starts:
        col.problem(NO_CHANNELS)
        return []
    province_key = _province_key(field_name, code)
    rows: dict[ChannelKind, list[tuple[dict | None, dict | None, str]]] = {}
    online_assumed = False
    for i, m in enumerate(starts):
        word = m.group(1)
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        row = text[m.end() : end]
        label = word
        before = len(col.problems)
        time_limit, rest = _parse_time(row, label, col)
        if time_limit is not None and time_limit["unit"] == TimeUnit.DAYS.value:
            n = time_limit["value"]
            if re.search(rf"(?<!\d)0?{n} ngày làm việc", row):
                col.note(f"{label}: the table says {n} Ngày but the description says {n} ngày làm việc.")
        fee, foreign = _parse_fee(rest, label, province_key, col) if rest or time_limit else (None, False)
        if foreign:
            col.note(f"{label}: a row priced in USD (for missions abroad) was left out.")
            del col.problems[before:]
            del col.kinds[before:]
            continue
        kind = CHANNEL_WORDS[word]
        if kind is ChannelKind.ONLINE_FULL:
            detected = _online_kind(rest)
            if detected is None:
                online_assumed = True
            else:
                kind = detected
        rows.setdefault(kind, []).append((time_limit, fee, row))
    channels = [_merge_rows(kind, kind_rows, col) for kind, kind_rows in rows.items()]
    if any((c["fee"] or {}).get("kind") == "province" for c in channels):
        col.note(f"Province fee key '{province_key}' is derived from the code; rename it to the catalogue's style.")
    if online_assumed:
        col.note(NOTE_ONLINE)
    if not channels:
        col.problem(NO_CHANNELS)
    return channels


def _drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}
