"""Wording cues in a citizen's message, read on folded text with Zalo shorthand expanded (pure functions): which
aspect of a procedure it asks about, whether it asks which papers, and the requests the chat recognises without
the NLU (an officer, a dossier lookup, a greeting).

One table says, for each aspect, the words that ask about it and the wording that asks about it beyond doubt:

- `detect_aspects` / `detect_aspect` read the words, in the table's order ("mất bao nhiêu ngày" asks for the
  time, "mất bao nhiêu" for the fee), to answer without the NLU;
- `aspect_cue` reads the wording beyond doubt, and gives an aspect only when exactly one is cued: it then
  overrides the aspect the NLU guessed from the intent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from motcua.codes import DOSSIER_CODE_IN_TEXT

from procedures_kb.search import expand_shorthand
from procedures_kb.text import fold_spaced, words

from .buttons import Aspect


def _words_re(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b")


@dataclass(frozen=True)
class AspectWords:
    aspect: Aspect
    asks: re.Pattern[str]  # words that ask about it
    clearly: re.Pattern[str] | None = None  # wording that asks about it beyond doubt


# Checked in this order: "mất bao nhiêu ngày" asks for the time, "mất bao nhiêu" for the fee.
ASPECT_WORDS: tuple[AspectWords, ...] = (
    AspectWords(
        Aspect.LEGAL,
        _words_re("can cu", "phap ly", "luat nao", "nghi dinh", "thong tu", "van ban phap", "quy dinh nao"),
    ),
    AspectWords(Aspect.CONDITIONS, _words_re("dieu kien", "duoc phep", "ai duoc", "truong hop nao")),
    AspectWords(
        Aspect.TIME,
        _words_re(
            "bao lau",
            "may ngay",
            "bao nhieu ngay",
            "may hom",
            "thoi han",
            "thoi gian",
            "khi nao",
            "bao gio",
            "lau khong",
            "trong ngay",
            "lay ngay",
        ),
        re.compile(
            r"\b(bao lau|may ngay|bao nhieu ngay|may hom|bao nhieu hom|thoi han|khi nao (co|lay|xong|nhan|duoc)"
            r"|bao gio (co|lay|xong|nhan|duoc)|lay ngay duoc|trong ngay (co|duoc|lay))\b"
        ),
    ),
    AspectWords(
        Aspect.FEE,
        _words_re("le phi", "phi", "tien", "bao nhieu", "mien phi", "mat tien", "ton tien", "gia bao"),
        re.compile(
            r"\b(le phi|phi (bao nhieu|la bao nhieu|het)|bao nhieu tien|het bao nhieu|ton tien|mat tien"
            r"|ton bao nhieu|mat phi|co mat phi|tien le phi|nop phi|thu phi|mien phi)\b"
        ),
    ),
    AspectWords(
        Aspect.WHERE,
        _words_re("o dau", "cho nao", "noi nop", "nop o", "nop tai", "nop truc tuyen", "nop online", "den dau"),
        re.compile(r"\b(o dau|nop dau|cho nao|nop (online|truc tuyen|qua mang)|qua buu dien|buu chinh)\b"),
    ),
    AspectWords(
        Aspect.DOCUMENTS,
        _words_re(
            "giay to",
            "can gi",
            "can nhung gi",
            "mang gi",
            "mang theo",
            "ho so gom",
            "gom nhung gi",
            "gom gi",
            "may bo",
            "chuan bi",
            "to khai",
            "can mang",
            "thanh phan",
        ),
        re.compile(
            r"\b(can (nhung )?(gi|giay to)|giay to (gi|nao)|mang (theo )?(nhung )?(gi|giay)"
            r"|chuan bi (nhung )?(gi|giay)|ho so gom|gom (nhung )?gi|nop may bo|can nop (nhung )?gi"
            r"|thanh phan ho so)\b"
        ),
    ),
)

# "Chưa … bao giờ" is "never" ("xe chưa đăng ký bao giờ", "chưa bao giờ có giấy khai sinh"), not "when".
_NEVER = re.compile(r"\bchua bao gio\b|\bchua (?:\w+ ){1,6}?bao gio\b(?! (?:co|lay|xong|nhan|duoc|moi|thi)\b)")

_WHICH_PAPERS = re.compile(
    r"\b(giay to (gi|nao)|nhung giay to|can (nhung )?gi|(mang|chuan bi|nop) (theo )?(nhung )?gi|ho so gom"
    r"|gom (nhung )?gi|thanh phan ho so)\b"
)


def _cue_text(text: str) -> str:
    """The folded words the wording cues are read on, Zalo shorthand expanded ("can giay to j", "mat bn tien")."""
    return " ".join(expand_shorthand(words(text)))


def detect_aspects(text: str, limit: int = 2) -> list[str]:
    """The aspects a free-text question asks about, first the one detect_aspect gives; another only where its words
    are not part of the first's ("mất bao nhiêu ngày" asks only the time, "hết bao lâu, bao nhiêu tiền" both)."""
    folded = _NEVER.sub(" # ", _cue_text(text))
    found: list[str] = []
    for entry in ASPECT_WORDS:
        if len(found) < limit and entry.asks.search(folded):
            found.append(entry.aspect.value)
            folded = entry.asks.sub(" # ", folded)
    return found


def detect_aspect(text: str) -> str:
    """Which aspect a free-text question asks about (for answering without the NLU): documents, fee, time,
    where, conditions, legal, or overview when nothing specific is asked."""
    return next(iter(detect_aspects(text, 1)), Aspect.OVERVIEW.value)


def aspect_cues(text: str) -> list[str]:
    """Every aspect ("time", "fee", "documents", "where") the wording clearly asks about."""
    folded = _NEVER.sub(" # ", _cue_text(text))
    return [e.aspect.value for e in ASPECT_WORDS if e.clearly is not None and e.clearly.search(folded)]


def aspect_cue(text: str) -> str | None:
    """The one aspect the wording clearly asks about, else None (none, or several)."""
    cued = aspect_cues(text)
    return cued[0] if len(cued) == 1 else None


def asks_which_papers(text: str) -> bool:
    """The wording asks which papers ("cần chuẩn bị những giấy tờ gì", "hồ sơ gồm"), not only names them ("mang
    giấy tờ lên xã một mình được không")."""
    return _WHICH_PAPERS.search(_cue_text(text)) is not None


# ---- requests the fallback recognises without the NLU -------------------------------------------

_OFFICER_WORDS = _words_re("can bo", "nhan vien", "cong chuc", "nguoi that", "tong dai vien")
_CONTACT_WORDS = _words_re("gap", "noi chuyen", "goi", "ket noi", "lien he", "lien lac", "chuyen", "tro chuyen")
# "hồ sơ số 12…", not "hồ sơ sổ đỏ" (both fold to "ho so so").
_DOSSIER_WORDS = _words_re(
    "tra cuu ho so", "ho so cua toi", r"ho so so(?! do\b| hong\b)", "ma ho so", "kiem tra ho so", "ho so toi"
)
_GREETING_WORDS = frozenset("xin chao chao ban alo hello hi a em anh chi ad admin oi tro ly shop".split())


def wants_officer(text: str) -> bool:
    """'cho tôi nói chuyện với cán bộ', 'gặp nhân viên'."""
    folded = fold_spaced(text)
    return bool(_OFFICER_WORDS.search(folded) and _CONTACT_WORDS.search(folded))


def mentions_dossier(text: str) -> bool:
    """A dossier code or 'tra cứu hồ sơ' in the message."""
    folded = fold_spaced(text)
    return bool(DOSSIER_CODE_IN_TEXT.search(folded) or _DOSSIER_WORDS.search(folded))


def is_greeting(text: str) -> bool:
    tokens = re.findall(r"[0-9a-z]+", fold_spaced(text))
    return bool(tokens) and set(tokens) <= _GREETING_WORDS and bool({"chao", "alo", "hello", "hi"} & set(tokens))


# How citizens ask for each aspect of the card (our wording; matched like a fact's questions).
ASPECT_QUESTIONS: dict[str, tuple[str, ...]] = {
    "documents": (
        "cần giấy tờ gì",
        "hồ sơ gồm những gì",
        "phải mang theo những giấy tờ gì",
        "chuẩn bị hồ sơ thế nào",
    ),
    "fee": ("lệ phí bao nhiêu", "hết bao nhiêu tiền", "có mất tiền không", "phí làm là bao nhiêu"),
    "time": ("mất bao lâu", "mấy ngày thì có kết quả", "bao giờ thì xong", "thời hạn giải quyết là bao lâu"),
    "where": ("nộp hồ sơ ở đâu", "làm ở đâu", "nộp ở cơ quan nào", "đến đâu để làm"),
    "conditions": ("cần điều kiện gì", "điều kiện để được làm là gì"),
    "legal": ("căn cứ pháp lý là gì", "theo luật nào", "văn bản nào quy định"),
}

# Words that ask rather than name, kept even when a procedure's name has them ("bao lâu", "ở đâu", "được không").
