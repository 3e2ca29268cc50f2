"""Examples of the out_of_scope intent: everyday questions the desk does not answer (prices, weather, news,
entertainment …)."""

from __future__ import annotations

import random

from .leaks import comparable
from .sentences import RATES, Segment, dedupe, render, vary

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
    return [x for x in dedupe(out) if comparable(x) not in banned]
