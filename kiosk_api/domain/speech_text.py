"""Text normalisation for speech: what the synthesiser should say, and word error rate for recognition.

espeak-ng reads digits, abbreviations and symbols badly in Vietnamese, so answers are spelled out first:

- numbers in Vietnamese words with the usual rules (mốt, tư, lăm, linh, mươi/mười, nghìn, triệu, tỷ),
  thousands separators ("2.000") and decimal commas ("17,1" → "mười bảy phẩy một");
- money ("2.000 đồng", "50.000đ", "100.000 VNĐ") → "hai nghìn đồng" …;
- dates ("14/3/2024", "2024-03-14", "3/2024") and times ("8:30", "7h30", "14 giờ");
- dossier codes, procedure codes, phone and ID numbers read digit by digit (letters spelled the Vietnamese way);
- abbreviations of public administration (UBND, HĐND, CCCD, TTHC, BHYT, NĐ-CP …) and symbols (%, ông/bà, –).

Pure functions only (no I/O); `normalise_for_speech` is the entry point.
"""

from __future__ import annotations

import re
import unicodedata

from motcua.codes import DOSSIER_CODE_IN_TEXT, PROCEDURE_CODE_IN_TEXT

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu")
LETTERS = {
    "a": "a", "ă": "á", "â": "ớ", "b": "bê", "c": "xê", "d": "dê", "đ": "đê", "e": "e", "ê": "ê", "f": "ép",
    "g": "giê", "h": "hát", "i": "i", "j": "gi", "k": "ca", "l": "e lờ", "m": "em mờ", "n": "en nờ", "o": "o",
    "ô": "ô", "ơ": "ơ", "p": "pê", "q": "quy", "r": "e rờ", "s": "ét xì", "t": "tê", "u": "u", "ư": "ư",
    "v": "vê", "w": "vê kép", "x": "ích xì", "y": "i dài", "z": "dét",
}  # fmt: skip

# Abbreviations as written in answers and notices → words. Matched as whole tokens, case-sensitive.
ABBREVIATIONS = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "CCCD": "căn cước công dân",
    "CMND": "chứng minh nhân dân",
    "TTHC": "thủ tục hành chính",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "GCN": "giấy chứng nhận",
    "QSDĐ": "quyền sử dụng đất",
    "GPXD": "giấy phép xây dựng",
    "NĐ-CP": "Nghị định của Chính phủ",
    "NĐ": "Nghị định",
    "QĐ": "Quyết định",
    "TT-BTC": "Thông tư của Bộ Tài chính",
    "TT-BTP": "Thông tư của Bộ Tư pháp",
    "TT-BCA": "Thông tư của Bộ Công an",
    "QH": "Quốc hội",
    "CP": "Chính phủ",
    "BTP": "Bộ Tư pháp",
    "BCA": "Bộ Công an",
    "BTC": "Bộ Tài chính",
    "TP": "thành phố",
    "TX": "thị xã",
    "MTTQ": "Mặt trận Tổ quốc",
    "SĐT": "số điện thoại",
    "ĐT": "điện thoại",
    "STT": "số thứ tự",
    "VNĐ": "đồng",
    "VND": "đồng",
    "QR": "quy a",
    "PDF": "pê đê ép",
    "Zalo": "Da lô",
    "kiosk": "ki ốt",
    "Kiosk": "Ki ốt",
    "CSDL": "cơ sở dữ liệu",
    "VNeID": "vê en ê i đê",
    "DVC": "dịch vụ công",
    "TTPVHCC": "Trung tâm Phục vụ hành chính công",
    "VPĐKĐĐ": "Văn phòng đăng ký đất đai",
    "HKD": "hộ kinh doanh",
    "BHTN": "bảo hiểm thất nghiệp",
    "TNCN": "thu nhập cá nhân",
    "ĐKKD": "đăng ký kinh doanh",
    "KT-XH": "kinh tế xã hội",
    "km": "ki lô mét",
    "m2": "mét vuông",
    "m²": "mét vuông",
    "kg": "ki lô gam",
}
_ABBR_RE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(k) for k in sorted(ABBREVIATIONS, key=len, reverse=True)) + r")(?![\w-])"
)


# ---- numbers ------------------------------------------------------------------------------------


def _below_thousand(n: int, *, full: bool) -> str:
    """0 < n < 1000 in words; `full` reads the hundreds even when zero ("không trăm linh năm")."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(DIGITS[units])
        return " ".join(words)
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1:
        words.append("một" if tens == 1 else "mốt")
    elif units == 4:
        words.append("bốn" if tens == 1 else "tư")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return " ".join(words)


def number_words(n: int) -> str:
    """An integer in Vietnamese words: 21 → "hai mươi mốt", 105 → "một trăm linh năm",
    1.050 → "một nghìn không trăm năm mươi", 2.500.000 → "hai triệu năm trăm nghìn", 10^9 → "một tỷ"."""
    if n < 0:
        return "âm " + number_words(-n)
    if n == 0:
        return DIGITS[0]
    billions, rest = divmod(n, 1_000_000_000)
    parts: list[str] = []
    if billions:
        parts += [number_words(billions), "tỷ"]
    groups = [(rest // 1_000_000) % 1000, (rest // 1000) % 1000, rest % 1000]
    for i, group in enumerate(groups):
        if not group:
            continue
        parts.append(_below_thousand(group, full=bool(parts)))
        if SCALES[2 - i]:
            parts.append(SCALES[2 - i])
    return " ".join(parts)


def digits_words(s: str) -> str:
    """Read a string digit by digit, letters spelled, separators named: "H56-01" → "hát năm sáu gạch không một"."""
    out: list[str] = []
    for ch in s:
        if ch.isdigit():
            out.append(DIGITS[int(ch)])
        elif ch.lower() in LETTERS:
            out.append(LETTERS[ch.lower()])
        elif ch == ".":
            out.append("chấm")
        elif ch in "-–":
            out.append("gạch")
        elif ch == "/":
            out.append("xẹt")
    return " ".join(out)


def _decimal_words(integer: str, fraction: str) -> str:
    int_part = number_words(int(integer.replace(".", "")))
    frac = fraction.rstrip("0") or "0"
    # Short fractions read as a number ("phẩy năm", "phẩy hai mươi lăm"), long ones digit by digit.
    frac_words = number_words(int(frac)) if len(frac) <= 2 and not frac.startswith("0") else digits_words(frac)
    return f"{int_part} phẩy {frac_words}"


# ---- dates and times ----------------------------------------------------------------------------


def _valid_date(d: int, m: int, y: int | None) -> bool:
    return 1 <= d <= 31 and 1 <= m <= 12 and (y is None or 1000 <= y <= 2999)


def month_words(m: int) -> str:
    return "tư" if m == 4 else number_words(m)


def date_words(d: int | None, m: int, y: int | None) -> str:
    """ "ngày mười bốn tháng ba năm hai nghìn không trăm hai mươi tư" (any part may be absent except the month)."""
    parts = []
    if d is not None:
        parts.append(f"ngày {number_words(d)}")
    parts.append(f"tháng {month_words(m)}")
    if y is not None:
        parts.append(f"năm {number_words(y)}")
    return " ".join(parts)


def time_words(h: int, mi: int | None) -> str:
    out = f"{number_words(h)} giờ"
    if mi:
        out += f" {number_words(mi)} phút"
    return out


# ---- the normaliser -----------------------------------------------------------------------------

# Dossier codes (000.00.06.H56-261120-0101) and procedure codes (1.004873, 1.001193.000.00.00.H56).
# Legal document numbers: 63/2010/NĐ-CP, 123/QĐ-UBND.
_DOCUMENT_RE = re.compile(r"(?<![\w/])(\d+)/(?:(\d{4})/)?([A-ZĐ][A-ZĐa-z]*(?:-[A-ZĐ][A-ZĐa-z]*)*)(?![\w/])")
# Phone numbers (0xxx…, +84…) and ID numbers: digit by digit, grouped as written.
_PHONE_RE = re.compile(r"(?<![\d.,])(?:\+84|0)\d{2,3}(?:[ .]?\d{3}){2}\d?(?![\d])")
_LONG_DIGITS_RE = re.compile(r"(?<![\d.,])0\d+(?![\d.,]*\d)|(?<![\d.,])\d{9,}(?![\d])")
_DATE_DMY_RE = re.compile(r"(?<![\d/])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d/])")
_DATE_ISO_RE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_DATE_DM_RE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])")
_MONTH_YEAR_RE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{4})(?![\d/])")
_TIME_RE = re.compile(r"(?<![\d:])(\d{1,2})(?::|h|\s?giờ\s?)(\d{2})?(?:\s?phút)?(?![\d:])(?!\w)")
_MONEY_SUFFIX_RE = re.compile(r"(?<=\d)\s?(?:đồng|VNĐ|VND|vnđ|vnd|đ)(?![\w])")
_PERCENT_RE = re.compile(r"(\d)\s?%")
_RANGE_RE = re.compile(r"(?<=\d)\s?[–-]\s?(?=\d)")
_NUMBER_RE = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?![\d])")
_SPACES_RE = re.compile(r"[ \t]+")


def _sub_dossier(m: re.Match[str]) -> str:
    return f" {digits_words(m.group(0))} "


def _sub_document(m: re.Match[str]) -> str:
    number, year, kind = m.groups()
    expanded = " ".join(ABBREVIATIONS.get(part, digits_words(part)) for part in kind.split("-"))
    if kind in ABBREVIATIONS:
        expanded = ABBREVIATIONS[kind]
    out = f"số {number_words(int(number))}"
    if year:
        out += f" năm {number_words(int(year))}"
    return f"{out} {expanded}"


def _sub_phone(m: re.Match[str]) -> str:
    groups = re.split(r"[ .]", m.group(0).replace("+84", "cộng tám tư "))
    return " " + ", ".join(digits_words(g) if not g.startswith("cộng") else g.strip() for g in groups if g) + " "


def _sub_dmy(m: re.Match[str]) -> str:
    d, mo, y = (int(g) for g in m.groups())
    return date_words(d, mo, y) if _valid_date(d, mo, y) else m.group(0).replace("/", " trên ")


def _sub_iso(m: re.Match[str]) -> str:
    y, mo, d = (int(g) for g in m.groups())
    return date_words(d, mo, y) if _valid_date(d, mo, y) else m.group(0)


def _sub_dm(m: re.Match[str]) -> str:
    d, mo = (int(g) for g in m.groups())
    return date_words(d, mo, None) if _valid_date(d, mo, None) else f"{m.group(1)} trên {m.group(2)}"


def _sub_month_year(m: re.Match[str]) -> str:
    mo, y = (int(g) for g in m.groups())
    return date_words(None, mo, y) if _valid_date(1, mo, y) else f"{m.group(1)} trên {m.group(2)}"


def _sub_time(m: re.Match[str]) -> str:
    h, mi = int(m.group(1)), int(m.group(2)) if m.group(2) else None
    if h > 24 or (mi is not None and mi > 59):
        return m.group(0)
    return time_words(h, mi)


def _sub_number(m: re.Match[str]) -> str:
    integer, fraction = m.group(1), m.group(2)
    if fraction is not None:
        return _decimal_words(integer, fraction)
    return number_words(int(integer.replace(".", "")))


def _dedupe_prefix(text: str, word: str) -> str:
    """ "ngày ngày mười bốn" → "ngày mười bốn" (the date words repeat a "ngày"/"tháng" already written)."""
    return re.sub(rf"\b({word})\s+{word}\b", r"\1", text, flags=re.IGNORECASE)


def normalise_for_speech(text: str) -> str:
    """The text as the synthesiser should read it: NFC, codes, dates, times, money, numbers and abbreviations
    spelled out in Vietnamese words, symbols the voice cannot read replaced or dropped."""
    t = unicodedata.normalize("NFC", text)
    t = t.replace("\r", "")
    # Codes first: they contain digits, dots and dashes that the number rules would misread.
    t = DOSSIER_CODE_IN_TEXT.sub(_sub_dossier, t)
    t = PROCEDURE_CODE_IN_TEXT.sub(_sub_dossier, t)
    t = _DOCUMENT_RE.sub(_sub_document, t)
    t = _PHONE_RE.sub(_sub_phone, t)
    t = _DATE_ISO_RE.sub(_sub_iso, t)
    t = _DATE_DMY_RE.sub(_sub_dmy, t)
    t = _MONTH_YEAR_RE.sub(_sub_month_year, t)
    t = _DATE_DM_RE.sub(_sub_dm, t)
    t = _TIME_RE.sub(_sub_time, t)
    t = _LONG_DIGITS_RE.sub(_sub_dossier, t)
    for word in ("ngày", "tháng", "năm"):
        t = _dedupe_prefix(t, word)
    t = _MONEY_SUFFIX_RE.sub(" đồng", t)
    t = _PERCENT_RE.sub(r"\1 phần trăm", t)
    t = _RANGE_RE.sub(" đến ", t)
    t = _NUMBER_RE.sub(_sub_number, t)
    t = _ABBR_RE.sub(lambda m: ABBREVIATIONS[m.group(1)], t)
    t = re.sub(r"\b(ông|Ông)/(bà)\b", r"\1 \2", t)
    t = re.sub(r"(đồng)\s*/\s*(?=\w)", r"\1 một ", t)  # "8.000 đồng/trang" → "… đồng một trang"
    t = re.sub(r"(?<=\w)/(?=\w)", " hoặc ", t)
    t = t.replace("&", " và ").replace("+", " cộng ")
    t = re.sub(r"\s*[—–]\s*", ", ", t)
    t = re.sub(r"[«»\"“”•*#_<>\[\]{}|~^]", " ", t)
    t = re.sub(r"\s*\n\s*", ".\n", t.strip())
    t = re.sub(r"([.,:;!?])\.(?=\n)", r"\1", t)
    t = _SPACES_RE.sub(" ", t)
    t = re.sub(r" ([.,:;!?])", r"\1", t)
    return t.strip()


_SENTENCE_END_RE = re.compile(r"(?<=[.!?:;])\s+|\n+")


def split_for_speech(text: str, max_chars: int = 220) -> list[str]:
    """Sentences (and long sentences cut at commas) so the first one can be spoken while the rest is made."""
    out: list[str] = []
    for sentence in _SENTENCE_END_RE.split(text):
        sentence = sentence.strip()
        while len(sentence) > max_chars:
            cut = sentence.rfind(",", 0, max_chars)
            cut = cut if cut > 0 else sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > 0 else max_chars
            out.append(sentence[: cut + 1].strip())
            sentence = sentence[cut + 1 :].strip()
        if sentence:
            out.append(sentence)
    return out


# ---- word error rate ----------------------------------------------------------------------------

_PUNCT_RE = re.compile(r"[^\w\s]", re.UNICODE)


def wer_words(text: str) -> list[str]:
    """Words for scoring: numbers spelled out (a reference's "19" matches a recogniser's "mười chín"),
    NFC, lower-case, punctuation removed."""
    spoken = normalise_for_speech(text)
    return _PUNCT_RE.sub(" ", unicodedata.normalize("NFC", spoken).lower()).split()


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edits, reference word count): Levenshtein distance over words (substitutions, insertions, deletions)."""
    ref, hyp = wer_words(reference), wer_words(hypothesis)
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1], len(ref)


def word_error_rate(reference: str, hypothesis: str) -> float:
    edits, n = word_errors(reference, hypothesis)
    return edits / n if n else float(bool(wer_words(hypothesis)))
