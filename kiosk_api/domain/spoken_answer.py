"""An answer rendered for the ear (what the kiosk reads aloud), from the text shown on the screen. Pure, no I/O.

A listener cannot look back, so: the direct answer first (answers already start with it), short sentences, a
numbered list read as "Thứ nhất, …. Thứ hai, …." with at most MAX_ITEMS items and then where the rest is (a bullet
of the short card, "• Lệ phí: …", is read as a sentence of its own), no legal
references in brackets, and the whole at most about MAX_WORDS words (some 25 seconds), the rest left on the
screen. Numbers, dates and codes are spelled out afterwards by speech_text.normalise_for_speech.
"""

from __future__ import annotations

import re

MAX_ITEMS = 3
MAX_WORDS = 70  # about 25 seconds at the voices' pace (measured: espeak-ng at 170 wpm, Piper at its own)
ORDINALS = ("Thứ nhất", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm")
REST_OF_PAPERS = "Các giấy tờ khác ở trên màn hình."
REST_OF_ITEMS = "Các mục khác ở trên màn hình."
REST_OF_ANSWER = "Phần còn lại ở trên màn hình."

_ITEM = re.compile(r"^\s*\d{1,2}[.)]\s+(.+)$")
_BULLET = re.compile(r"^\s*[•\-*–]\s+")
_BRACKETS = re.compile(r"\s*\((?:[^()]*)\)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _item_text(text: str) -> str:
    text = _BRACKETS.sub("", text).strip().rstrip(".;,:")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _sentences(lines: list[str]) -> list[str]:
    """The lines as sentences to read: each list as ordinal sentences (cut after MAX_ITEMS), the rest as is."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _ITEM.match(lines[i])
        if match is None:
            line = _BRACKETS.sub("", _BULLET.sub("", lines[i])).strip()
            if line:
                out += [s for s in _SENTENCE.split(line) if s.strip()]
            i += 1
            continue
        heading = lines[i - 1].lower() if i else ""
        items = []
        while i < len(lines) and (m := _ITEM.match(lines[i])):
            items.append(_item_text(m.group(1)))
            i += 1
        for n, item in enumerate(items[:MAX_ITEMS]):
            out.append(f"{ORDINALS[n]}, {item}.")
        if len(items) > MAX_ITEMS:
            out.append(REST_OF_PAPERS if "giấy tờ" in heading or "hồ sơ" in heading else REST_OF_ITEMS)
    return out


def for_the_ear(text: str, max_words: int = MAX_WORDS) -> list[str]:
    """The sentences to read aloud for `text`, in order, at most about `max_words` words (always the first)."""
    spoken: list[str] = []
    words = 0
    sentences = _sentences(text.replace("\r", "").split("\n"))
    for sentence in sentences:
        sentence = sentence if sentence.endswith((".", "!", "?", ":")) else sentence + "."
        n = len(sentence.split())
        if spoken and words + n > max_words:
            if sentence not in (REST_OF_PAPERS, REST_OF_ITEMS):
                spoken.append(REST_OF_ANSWER)
            else:
                spoken.append(sentence)
            break
        spoken.append(sentence)
        words += n
    return spoken
