"""The question intents' examples: sentence templates per intent, filled with the procedures' names and aliases in
turn and varied the way citizens type.
"""

from __future__ import annotations

import random

from procedures_kb.schema import Procedure

from .leaks import comparable
from .names import phrases
from .sentences import RATES, Segment, fill, plain, render, vary

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


def verb_for(phrase: str, rng: random.Random) -> str:
    first = phrase.split()[0] if phrase else ""
    return rng.choice(NOUN_VERBS) if first in NOUN_STARTS else ""


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
