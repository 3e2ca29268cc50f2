"""An example sentence as segments (plain text and annotated entities), the ways citizens type that vary it (no
diacritics, Zalo shorthand, a typing slip, openers and particles), and its rendering in Rasa's markup.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from motcua.text import strip_marks

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


@dataclass
class Segment:
    text: str
    entity: str | None = None
    value: str | None = None


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


def sub_words(text: str, old: str, new: str) -> str:
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
                seg.text = sub_words(seg.text, old, new)
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


def dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
