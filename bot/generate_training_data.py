"""Generate the catalogue-driven part of the bot's NLU data: bot/data/nlu/generated.yml.

Run with the project's main virtual environment (it imports procedures_kb, Pydantic 2):

    .venv/bin/python bot/generate_training_data.py [--per-intent 250] [--seed 3] [--out PATH]

For every procedure in the catalogue and every question intent (ask_procedure, ask_documents, ask_fee, ask_time,
ask_where, ask_conditions, ask_legal) it writes examples built from sentence templates and the procedure's name
and aliases, annotated `[làm giấy khai sinh]{"entity": "procedure", "value": "1.001193"}` so that the entity
synonym mapper turns any name into the procedure code. Examples are varied the way citizens type: without
diacritics, with Zalo shorthand ("dk", "ko", "k", "j", "bn", "đc"), polite particles ("ạ", "a", "nhé"), opening
phrases ("cho em hỏi", "bác ơi") and one-letter typos. It also writes dossier-lookup examples with made-up dossier
codes in the provincial format and phone digits, a `synonym` entry per procedure (all names and aliases, with and
without diacritics) and a `lookup` table of procedure names used as features by the RegexFeaturizer.

The output is deterministic for a given catalogue and seed. Adding a procedure to the catalogue and running this
script and `rasa train` again is all the bot needs to recognise it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from motcua.codes import DOSSIER_CODE_IN_TEXT
from motcua.text import nfc, strip_marks
from procedures_kb import load_catalogue
from procedures_kb.schema import Procedure

ROOT = Path(__file__).resolve().parents[1]

BOT = Path(__file__).resolve().parent
OUT = BOT / "data" / "nlu" / "generated.yml"
HANDWRITTEN = BOT / "data" / "nlu" / "handwritten.yml"
# Public evaluation sets (with held-out twins) must never leak into training data: generated examples that
# happen to equal one of their sentences (after folding) are dropped, hand-written ones are reported.
EVAL_DIR = ROOT.parent / "shared" / "eval"

# ---- templates --------------------------------------------------------------------------------------------
# {p}: a procedure name or alias (the annotated entity); {do}: "làm " / "xin " before a name that starts with a
# noun ("giấy chứng tử"), nothing before one that starts with a verb ("đăng ký khai sinh", "làm giấy khai sinh").

TEMPLATES: dict[str, list[str]] = {
    "ask_procedure": [
        "{p}",
        "thủ tục {p}",
        "tôi muốn {do}{p}",
        "hướng dẫn {do}{p}",
        "hướng dẫn giúp tôi thủ tục {p}",
        "{do}{p} thì làm thế nào",
        "{do}{p} như thế nào",
        "cách {do}{p}",
        "muốn {do}{p} thì phải làm sao",
        "tôi muốn hỏi về {p}",
        "hỏi thủ tục {p}",
        "các bước {do}{p}",
        "quy trình {p}",
        "trình tự {do}{p} ra sao",
        "thủ tục {p} gồm những bước nào",
        "mình cần {do}{p}",
        "tư vấn giúp em vụ {p}",
        "tôi cần tư vấn {p}",
        "{p} thì làm sao",
        "thông tin về thủ tục {p}",
        "em định {do}{p} mà chưa biết bắt đầu từ đâu",
        "nhà tôi cần {do}{p}",
        "giờ {do}{p} thì phải làm gì",
        "chỉ giúp tôi {do}{p}",
        "tôi muốn {do}{p} cho {who}",
        "hướng dẫn {do}{p} cho {who} với",
    ],
    "ask_documents": [
        "{p} cần những giấy tờ gì",
        "{do}{p} cần giấy tờ gì",
        "thủ tục {p} cần chuẩn bị hồ sơ gì",
        "hồ sơ {p} gồm những gì",
        "muốn {do}{p} thì mang theo gì",
        "đi {do}{p} phải mang những giấy tờ gì",
        "{p} cần mang gì",
        "{p} thì nộp những giấy tờ nào",
        "giấy tờ để {do}{p}",
        "tôi cần chuẩn bị gì để {do}{p}",
        "{do}{p} có cần mang căn cước không",
        "thành phần hồ sơ {p}",
        "{p} cần bản chính hay bản sao",
        "{do}{p} phải có những giấy gì",
        "{p} cần những gì",
        "hồ sơ {do}{p} có những gì",
        "{do}{p} cần tờ khai gì",
        "{p} phải nộp mấy bộ hồ sơ",
        "chuẩn bị giấy tờ gì khi {do}{p}",
        "{do}{p} cần photo những gì",
        "muốn {do}{p} thì cần giấy tờ gì ạ",
        "{p} có cần giấy xác nhận gì không",
        "{do}{p} cho {who} cần giấy tờ gì",
        "{do}{p} cho {who} thì mang những gì",
    ],
    "ask_fee": [
        "{p} lệ phí bao nhiêu",
        "{p} mất bao nhiêu tiền",
        "{p} có mất phí không",
        "phí {p} là bao nhiêu",
        "{do}{p} tốn bao nhiêu tiền",
        "{p} có phải nộp lệ phí không",
        "{p} có miễn phí không",
        "{do}{p} hết bao nhiêu tiền",
        "lệ phí {p}",
        "tiền {do}{p} là bao nhiêu",
        "{p} thu phí bao nhiêu",
        "chi phí {do}{p}",
        "{p} có tốn tiền không",
        "{do}{p} phải đóng tiền không",
        "{p} mất phí bao nhiêu",
        "{do}{p} phải nộp bao nhiêu tiền",
        "{p} có thu tiền không",
        "giá {do}{p} bao nhiêu",
        "{p} nộp phí bao nhiêu",
        "{do}{p} mất tiền không",
        "{p} 3 bản thì hết bao nhiêu",
        "lệ phí {do}{p} có đắt không",
        "{do}{p} cho {who} mất bao nhiêu tiền",
    ],
    "ask_time": [
        "{p} mất bao lâu",
        "{p} bao nhiêu ngày thì xong",
        "{p} mấy ngày có kết quả",
        "{do}{p} trong bao lâu",
        "thời gian giải quyết {p}",
        "{p} có lấy ngay được không",
        "bao giờ thì có kết quả {p}",
        "{p} bao lâu thì lấy được",
        "{p} có làm trong ngày không",
        "thời hạn giải quyết {p} là bao lâu",
        "{do}{p} mấy hôm thì xong",
        "{p} đợi bao lâu",
        "nộp hồ sơ {p} bao lâu thì có",
        "{do}{p} có nhanh không",
        "{p} chờ mấy ngày",
        "{p} bao nhiêu ngày làm việc",
        "{do}{p} có phải chờ lâu không",
        "{p} sáng nộp chiều lấy được không",
        "{p} khi nào có kết quả",
        "{do}{p} xong trong mấy ngày",
        "{do}{p} cho {who} bao lâu thì xong",
    ],
    "ask_where": [
        "{p} nộp ở đâu",
        "{do}{p} ở đâu",
        "{p} có làm online được không",
        "{p} nộp trực tuyến được không",
        "đi đâu để {do}{p}",
        "{p} làm ở xã hay ở tỉnh",
        "{p} gửi qua bưu điện được không",
        "nộp hồ sơ {p} ở chỗ nào",
        "{p} nộp trên cổng dịch vụ công được không",
        "{do}{p} qua mạng được không",
        "cách nộp hồ sơ {p}",
        "{p} làm trên VNeID được không",
        "{do}{p} thì đến đâu",
        "{p} nộp ở xã được không",
        "{do}{p} có phải lên tỉnh không",
        "{p} nộp ở bộ phận nào",
        "ở đâu nhận hồ sơ {p}",
        "{do}{p} có phải đến tận nơi không",
        "{p} nộp ở đâu cho nhanh",
        "{do}{p} ở quầy nào",
        "{do}{p} cho {who} thì nộp ở đâu",
    ],
    "ask_conditions": [
        "{p} cần điều kiện gì",
        "ai được {do}{p}",
        "điều kiện để {do}{p}",
        "{p} có yêu cầu gì không",
        "trường hợp nào được {do}{p}",
        "tôi có đủ điều kiện {do}{p} không",
        "{p} cần những điều kiện nào",
        "đối tượng nào được {do}{p}",
        "{do}{p} cần đáp ứng điều kiện gì",
        "yêu cầu điều kiện của thủ tục {p}",
        "người như thế nào thì được {do}{p}",
        "{p} có giới hạn độ tuổi không",
        "muốn {do}{p} thì phải đủ điều kiện gì",
        "{p} ai được hưởng",
        "{do}{p} có điều kiện gì không",
        "{do}{p} cho {who} cần điều kiện gì",
    ],
    "ask_legal": [
        "{p} theo quy định nào",
        "căn cứ pháp lý của {p}",
        "{p} theo luật nào",
        "văn bản quy định về {p}",
        "{p} theo nghị định nào",
        "cơ sở pháp lý {p}",
        "thông tư nào quy định {p}",
        "{p} căn cứ vào văn bản nào",
        "luật nào quy định {p}",
        "{p} quy định ở đâu trong luật",
        "văn bản pháp luật về {p}",
        "{p} dựa trên luật gì",
        "nghị định hướng dẫn {p}",
    ],
}

# Words a name can start with that need a verb in front ("làm giấy chứng tử", "xin trợ cấp …").
NOUN_STARTS = {
    "giấy", "trợ", "tiền", "hộ", "mẫu", "bản", "hợp", "văn", "mai", "lương", "chế", "người", "thẻ", "phụ",
    "danh", "di", "giám", "con", "hồ", "sổ", "phiếu", "trích", "thông", "liên",
}  # fmt: skip
NOUN_VERBS = ["làm ", "làm ", "xin "]
# Who the procedure is for: outside the entity ("[làm giấy khai sinh] cho con").
WHO = ["con", "bé", "cháu", "bố", "mẹ", "vợ", "chồng", "ông nội", "bà ngoại", "em trai", "mẹ chồng", "gia đình"]

OPENERS = [
    "cho em hỏi ", "cho tôi hỏi ", "cho mình hỏi ", "bác ơi ", "chị ơi ", "anh ơi ", "ad ơi ", "xin hỏi ",
    "cho hỏi ", "em hỏi chút ", "cháu hỏi ", "ủy ban ơi ", "cán bộ ơi cho hỏi ",
]  # fmt: skip
CLOSERS = [" ạ", " a", " ạ?", " nhé", " vậy", " ah", " với", " thế", " nhỉ", "?", " ạ.", "??"]

# Zalo shorthand, applied on whole words (both the accented and the accent-free spelling).
SHORTHAND_SUBS: list[tuple[str, list[str]]] = [
    ("đăng ký", ["dk", "đk", "dky", "đăng kí", "dang ki"]),
    ("không", ["ko", "k", "hok", "kg", "khum"]),
    ("gì", ["j", "gi"]),
    ("bao nhiêu", ["bn", "bnhieu", "bao nhieu"]),
    ("được", ["đc", "dc", "đươc"]),
    ("như thế nào", ["ntn", "nhu the nao"]),
    ("căn cước", ["cccd", "cmnd"]),
    ("hộ khẩu", ["hk"]),
    ("giấy khai sinh", ["gks"]),
    ("với", ["vs"]),
    ("rồi", ["r"]),
    ("mới", ["ms"]),
    ("người", ["ng"]),
    ("hồ sơ", ["hs"]),
]

# Common Vietnamese typing slips (on folded or accented text alike).
# (old, new, where): "start" / "end" of a syllable, or anywhere.
TYPO_SUBS = [("s", "x", "start"), ("x", "s", "start"), ("ch", "tr", "start"), ("tr", "ch", "start"),
             ("nh", "ng", "end"), ("ng", "nh", "end"), ("i", "y", "end"), ("y", "i", "end"), ("d", "gi", "start"),
             ("gi", "d", "start"), ("l", "n", "start"), ("ă", "a", "any"), ("ư", "u", "any"), ("ơ", "o", "any"),
             ("c", "k", "start"), ("ph", "f", "start")]  # fmt: skip


def _typo_options(word: str) -> list[tuple[str, str]]:
    """Spelling slips that apply to a word: (old word, new word)."""
    out = []
    for old, new, where in TYPO_SUBS:
        if where == "start" and word.startswith(old):
            out.append((word, new + word[len(old) :]))
        elif where == "end" and word.endswith(old):
            out.append((word, word[: -len(old)] + new))
        elif where == "any" and old in word:
            out.append((word, word.replace(old, new, 1)))
    return out


# ---- dossier lookups -----------------------------------------------------------------------------------------

LOOKUP_TEMPLATES = [
    "tra cứu hồ sơ {code}",
    "hồ sơ {code} xong chưa",
    "kiểm tra giúp tôi hồ sơ {code}",
    "{code}",
    "mã hồ sơ {code}",
    "mã hồ sơ của tôi là {code}",
    "hồ sơ mã {code} đến đâu rồi",
    "hồ sơ {code} đã có kết quả chưa",
    "tình trạng hồ sơ {code}",
    "xem giúp hồ sơ {code}",
    "hồ sơ {code} giải quyết tới đâu rồi",
    "cho hỏi hồ sơ {code} bao giờ lấy được",
    "hồ sơ {code} sao lâu thế",
    "hồ sơ {code} trễ hẹn rồi",
    "em nộp hồ sơ {code} tuần trước giờ sao rồi",
    "{code} đã xong chưa ạ",
    "tra hồ sơ {code}",
    "hồ sơ số {code} xử lý chưa",
    "giấy hẹn ghi mã {code}",
    "hồ sơ {code} của bà tôi thế nào rồi",
]
LOOKUP_WITH_DIGITS_TEMPLATES = [
    "hồ sơ {code} số điện thoại đuôi {d4}",
    "{code} {d4}",
    "tra cứu {code}, 4 số cuối điện thoại {d4}",
    "mã {code} sđt đuôi {d4}",
    "hồ sơ {code}, bốn số cuối là {d4}",
    "{code} - {d4}",
    "kiểm tra hồ sơ {code} số cuối điện thoại {d4}",
]
DIGITS_TEMPLATES = [
    "{d4}",
    "4 số cuối là {d4}",
    "số đuôi {d4}",
    "sđt đuôi {d4} ạ",
    "bốn số cuối điện thoại của tôi là {d4}",
    "{d4} ạ",
    "đuôi {d4}",
    "số điện thoại đuôi {d4}",
    "4 số cuối {d4}",
    "số cuối là {d4} nhé",
    "của tôi là {d4}",
    "{d4} a",
]


# ---- out of scope: everyday questions the desk does not answer (prices, weather, news, entertainment …) -------

OOS_TEMPLATES = {
    "price": [
        "giá {x} hôm nay bao nhiêu",
        "{x} bây giờ bao nhiêu tiền một cân",
        "giá {x} tăng hay giảm",
        "hôm nay {x} giá thế nào",
        "{x} dạo này lên giá chưa",
        "mua {x} ở đâu rẻ",
        "bán {x} được bao nhiêu",
    ],
    "weather": [
        "thời tiết {x} ra sao",
        "{x} có mưa không",
        "{x} trời có rét không",
        "dự báo thời tiết {x}",
        "{x} có bão không",
    ],
    "ask": [
        "{x}",
        "cho tôi hỏi {x}",
        "bạn biết {x} không",
        "ad ơi {x}",
    ],
}
OOS_FILLERS = {
    "price": ["lúa", "gạo", "vàng", "xăng", "phân đạm", "thịt lợn", "cà phê", "hồ tiêu", "sầu riêng", "lợn hơi",
              "trứng gà", "cá tra", "ngô", "sắn", "xi măng", "sắt thép", "điện thoại", "xe máy", "đô la", "cao su"],
    "weather": ["hôm nay", "ngày mai", "cuối tuần này", "tuần sau", "tối nay", "sáng mai", "ở hà nội", "ở quê tôi"],
    "ask": ["kể chuyện cười cho tôi nghe", "hát cho tôi một bài", "ai vô địch bóng đá năm nay", "tối nay xem phim gì",
            "chữa đau dạ dày thế nào", "cách trồng rau sạch", "lợn bị sốt thì làm sao", "cách nấu thịt kho",
            "bạn có người yêu chưa", "hôm nay ngày bao nhiêu âm lịch", "xổ số hôm nay về số mấy",
            "tình hình thế giới thế nào", "làm sao để giảm cân", "mạng wifi bị chậm", "điện thoại bị đơ",
            "học tiếng anh ở đâu", "mua vé máy bay đi sài gòn", "phòng khám nào tốt", "đi du lịch đà lạt",
            "thi đại học năm nay môn gì", "giải bài toán lớp 5", "viết giúp tôi bài văn",
            "lịch cúp điện tuần này", "trận bóng tối nay mấy giờ", "cách làm giàu ở nông thôn"],
}  # fmt: skip


def out_of_scope_examples(seed: int, banned: frozenset[str] = frozenset()) -> list[str]:
    rng = random.Random(f"{seed}:out_of_scope")
    rates = {**RATES, "shorthand": 0.15, "typo": 0.05}
    out: list[str] = []
    for kind, templates in OOS_TEMPLATES.items():
        fillers = OOS_FILLERS[kind]
        for i, filler in enumerate(fillers):
            for template in rng.sample(templates, k=min(2, len(templates))) if kind != "ask" else [templates[i % 4]]:
                text = template.replace("{x}", filler)
                segs = vary([Segment(text)], rng, rates)
                out.append(render(segs))
    return [x for x in _dedupe(out) if comparable(x) not in banned]


@dataclass
class Segment:
    text: str
    entity: str | None = None
    value: str | None = None


def phrase_of(label: str) -> str:
    """A name or alias as citizens type it: lower case, acronyms (KT3, CT07, VNeID) kept."""
    words = []
    for w in label.split():
        keep = sum(ch.isupper() for ch in w) >= 2
        words.append(w if keep else w.lower())
    return nfc(" ".join(words))


def phrases(p: Procedure) -> list[str]:
    """The procedure's name (when short enough to be typed) and aliases, deduplicated."""
    seen: dict[str, None] = {}
    labels = [p.name] if len(p.name.split()) <= 10 else []
    for label in [*labels, *p.aliases]:
        phrase = phrase_of(label)
        if "[" in phrase or "]" in phrase:
            continue
        seen.setdefault(phrase, None)
    return list(seen)


def verb_for(phrase: str, rng: random.Random) -> str:
    first = phrase.split()[0] if phrase else ""
    return rng.choice(NOUN_VERBS) if first in NOUN_STARTS else ""


def render(segments: list[Segment]) -> str:
    out = []
    for s in segments:
        if s.entity is None:
            out.append(s.text)
            continue
        if s.value is None:
            out.append(f'[{s.text}]{{"entity": "{s.entity}"}}')
        else:
            out.append(f"[{s.text}]{json.dumps({'entity': s.entity, 'value': s.value}, ensure_ascii=False)}")
    return "".join(out)


def plain(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments)


def fill(template: str, slots: dict[str, Segment]) -> list[Segment]:
    """Split a template on its {placeholders} into text and entity segments."""
    segments: list[Segment] = []
    rest = template
    while rest:
        start = rest.find("{")
        if start < 0:
            segments.append(Segment(rest))
            break
        end = rest.index("}", start)
        if start:
            segments.append(Segment(rest[:start]))
        key = rest[start + 1 : end]
        seg = slots[key]
        segments.append(Segment(seg.text, seg.entity, seg.value))
        rest = rest[end + 1 :]
    return [s for s in segments if s.text]


def _sub_words(text: str, old: str, new: str) -> str:
    """Replace whole-word occurrences of `old` (a word or phrase) in `text`."""
    padded = f" {text} "
    replaced = padded.replace(f" {old} ", f" {new} ")
    return replaced[1:-1] if replaced != padded else text


def vary(segments: list[Segment], rng: random.Random, rates: dict[str, float]) -> list[Segment]:
    """Apply the ways citizens type: no diacritics, shorthand, a typo, openers and particles."""
    segs = [Segment(s.text, s.entity, s.value) for s in segments]
    if rng.random() < rates["shorthand"]:
        subs = [(old, rng.choice(new)) for old, new in SHORTHAND_SUBS]
        rng.shuffle(subs)
        for seg in segs:
            if seg.entity not in (None, "procedure"):
                continue
            for old, new in subs[:4]:
                seg.text = _sub_words(seg.text, old, new)
    if rng.random() < rates["typo"]:
        candidates = [i for i, s in enumerate(segs) if s.entity in (None, "procedure") and len(s.text) > 3]
        if candidates:
            seg = segs[rng.choice(candidates)]
            words = seg.text.split(" ")
            idx = [i for i, w in enumerate(words) if len(w) >= 3]
            if idx:
                i = rng.choice(idx)
                w = words[i]
                options = _typo_options(w)
                if options and rng.random() < 0.6:
                    w = rng.choice(options)[1]
                else:
                    j = rng.randrange(len(w) - 1)
                    w = w[:j] + w[j + 1] + w[j] + w[j + 2 :] if rng.random() < 0.5 else w[:j] + w[j + 1 :]
                words[i] = w
                seg.text = " ".join(words)
    if rng.random() < rates["opener"]:
        segs.insert(0, Segment(rng.choice(OPENERS)))
    if rng.random() < rates["closer"]:
        segs.append(Segment(rng.choice(CLOSERS)))
    if rng.random() < rates["no_diacritics"]:
        for seg in segs:
            if seg.entity in (None, "procedure"):
                seg.text = strip_marks(seg.text)
    elif rng.random() < rates["capitalise"] and segs:
        first = segs[0]
        first.text = first.text[:1].upper() + first.text[1:]
    return [s for s in segs if s.text]


RATES = {"shorthand": 0.3, "typo": 0.12, "opener": 0.25, "closer": 0.3, "no_diacritics": 0.45, "capitalise": 0.3}


_CODE_RE = re.compile(DOSSIER_CODE_IN_TEXT.pattern + r"|\{code\}")
_ANNOTATION_RE = re.compile(r"\[([^\]]+)\](\{[^}]*\}|\([^)]*\))")


def comparable(text: str) -> str:
    """Folded words only, dossier codes replaced: how two sentences are compared for leaks."""
    text = _CODE_RE.sub(" CODE ", _ANNOTATION_RE.sub(r"\1", text))
    return " ".join(re.findall(r"\w+", strip_marks(text).lower()))


def eval_sentences(directory: Path = EVAL_DIR) -> set[str]:
    out: set[str] = set()
    for path in sorted(directory.glob("*.yml")) if directory.is_dir() else []:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for case in data.get("cases", []) if isinstance(data, dict) else []:
            if isinstance(case, dict) and isinstance(case.get("text"), str):
                out.add(comparable(case["text"]))
    return out


def leaked_handwritten(banned: set[str], path: Path = HANDWRITTEN) -> list[str]:
    if not banned or not path.exists():
        return []
    return [
        line.strip()[2:]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("- ") and comparable(line.strip()[2:]) in banned
    ]


def question_examples(
    procedures: list[Procedure], per_intent: int, seed: int, banned: frozenset[str] = frozenset()
) -> dict[str, list[str]]:
    """Per question intent: examples cycling over procedures (each alias in turn), templates and variations."""
    out: dict[str, list[str]] = {}
    for intent, templates in TEMPLATES.items():
        rng = random.Random(f"{seed}:{intent}")
        # A procedure known only by a long portal name (imported, no aliases) gets no examples: citizens never type
        # such names, and kiosk_api's search still finds it from the message's words.
        names = {p.code: ph for p in procedures if (ph := phrases(p))}
        for code in names:
            rng.shuffle(names[code])
        order = sorted((p for p in procedures if p.code in names), key=lambda p: (-p.popularity, p.code))
        seen: set[str] = set()
        examples: list[str] = []
        turn = 0
        attempts = 0
        while len(examples) < per_intent and attempts < per_intent * 20:
            attempts += 1
            p = order[turn % len(order)]
            plist = names[p.code]
            phrase = plist[(turn // len(order) + hash_index(intent, len(plist))) % len(plist)]
            turn += 1
            template = rng.choice(templates)
            if "{who}" in template and " cho " in f" {phrase} ":
                template = rng.choice([t for t in templates if "{who}" not in t])
            segs = fill(
                template,
                {
                    "p": Segment(phrase, "procedure", p.national_code),
                    "do": Segment(verb_for(phrase, rng)),
                    "who": Segment(rng.choice(WHO)),
                },
            )
            segs = vary(segs, rng, RATES)
            key = plain(segs).lower()
            if key in seen or comparable(key) in banned:
                continue
            seen.add(key)
            examples.append(render(segs))
        out[intent] = examples
    return out


def hash_index(intent: str, n: int) -> int:
    """A stable offset per intent so that each intent starts on a different alias."""
    return sum(map(ord, intent)) % max(n, 1)


def dossier_code(rng: random.Random) -> str:
    unit = rng.choice(
        [
            f"000.00.{rng.randint(1, 40):02d}.H{rng.randint(10, 99)}",
            f"000.{rng.randint(10, 99)}.{rng.randint(1, 40):02d}.H{rng.randint(10, 99)}",
            f"H{rng.randint(10, 99)}.{rng.randint(1, 99):02d}.{rng.randint(1, 40):02d}",
            f"G{rng.randint(10, 99)}.{rng.randint(1, 99):02d}",
        ]
    )
    day = f"{rng.randint(22, 26):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    code = f"{unit}-{day}-{rng.randint(1, 9999):04d}"
    return code.lower() if rng.random() < 0.1 else code


def last4(rng: random.Random) -> str:
    return f"{rng.randint(0, 9999):04d}"


def dossier_examples(seed: int, banned: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
    rng = random.Random(f"{seed}:dossier")
    lookup: list[str] = []
    rates = {**RATES, "shorthand": 0.2, "typo": 0.05}
    for i in range(70):
        template = LOOKUP_TEMPLATES[i % len(LOOKUP_TEMPLATES)]
        segs = fill(template, {"code": Segment(dossier_code(rng), "dossier_code")})
        lookup.append(render(vary(segs, rng, rates)))
    for i in range(21):
        template = LOOKUP_WITH_DIGITS_TEMPLATES[i % len(LOOKUP_WITH_DIGITS_TEMPLATES)]
        segs = fill(
            template,
            {"code": Segment(dossier_code(rng), "dossier_code"), "d4": Segment(last4(rng), "phone_last4")},
        )
        lookup.append(render(vary(segs, rng, rates)))
    digits: list[str] = []
    for i in range(48):
        template = DIGITS_TEMPLATES[i % len(DIGITS_TEMPLATES)]
        segs = fill(template, {"d4": Segment(last4(rng), "phone_last4")})
        digits.append(render(vary(segs, rng, rates)))
    lookup = [x for x in lookup if comparable(x) not in banned]
    return _dedupe(lookup), _dedupe(digits)


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def synonyms(procedures: list[Procedure]) -> dict[str, list[str]]:
    """Every name and alias (lower case, with and without diacritics, common shorthand) -> procedure code."""
    out: dict[str, list[str]] = {}
    for p in procedures:
        labels: dict[str, None] = {}
        for phrase in phrases(p) + [phrase_of(p.name)]:
            for variant in (phrase, _sub_words(phrase, "đăng ký", "đk"), _sub_words(phrase, "đăng ký", "đăng kí")):
                labels.setdefault(variant.lower(), None)
                labels.setdefault(strip_marks(variant).lower(), None)
        labels.pop(p.national_code, None)
        out[p.national_code] = list(labels)
    return out


def lookup_table(procedures: list[Procedure]) -> list[str]:
    names: dict[str, None] = {}
    for p in procedures:
        for phrase in phrases(p):
            names.setdefault(phrase.lower(), None)
            names.setdefault(strip_marks(phrase).lower(), None)
    return list(names)


def yaml_block(items: list[str]) -> str:
    return "".join(f"      - {item}\n" for item in items)


def build(per_intent: int, seed: int, province: str | None = None) -> str:
    catalogue = load_catalogue(province=province)
    procedures = list(catalogue.procedures)
    banned = frozenset(eval_sentences())
    questions = question_examples(procedures, per_intent, seed, banned)
    lookups, digits = dossier_examples(seed, banned)
    parts = [
        "# GENERATED by bot/generate_training_data.py from the procedure catalogue — do not edit by hand.\n",
        f"# {len(procedures)} procedures, catalogue fingerprint {catalogue.fingerprint[:16]}, seed {seed}.\n",
        'version: "3.1"\n',
        "nlu:\n",
    ]
    for intent, examples in questions.items():
        parts.append(f"  - intent: {intent}\n    examples: |\n{yaml_block(examples)}")
    parts.append(f"  - intent: lookup_dossier\n    examples: |\n{yaml_block(lookups)}")
    parts.append(f"  - intent: inform_phone_last4\n    examples: |\n{yaml_block(digits)}")
    parts.append(f"  - intent: out_of_scope\n    examples: |\n{yaml_block(out_of_scope_examples(seed, banned))}")
    for code, labels in synonyms(procedures).items():
        parts.append(f'  - synonym: "{code}"\n    examples: |\n{yaml_block(labels)}')
    parts.append(f"  - lookup: procedure\n    examples: |\n{yaml_block(lookup_table(procedures))}")
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-intent", type=int, default=250, help="examples per question intent (default 250)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--province", default=None, help="province id (only changes fees, not names)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    text = build(args.per_intent, args.seed, args.province)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not args.out.exists() or args.out.read_text(encoding="utf-8") != text:
        args.out.write_text(text, encoding="utf-8")
    n = text.count("\n      - ")
    print(f"{args.out}: {n} lines of examples, synonyms and lookups")
    leaks = leaked_handwritten(set(eval_sentences()))
    for leak in leaks:
        print(f"{HANDWRITTEN.name}: equals an evaluation sentence, rewrite it: {leak}", file=sys.stderr)
    return 1 if leaks else 0


if __name__ == "__main__":
    raise SystemExit(main())
