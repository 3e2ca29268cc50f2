"""Dossier-lookup examples: made-up dossier codes in the provincial format, with and without the phone's last four
digits, and the digits alone.
"""

from __future__ import annotations

import random

from .leaks import comparable
from .sentences import RATES, Segment, dedupe, fill, render, vary

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
    return dedupe(lookup), dedupe(digits)
