"""What a citizen reads when looking up a dossier goes wrong or must wait (pure wording)."""

from __future__ import annotations

import math

NOT_FOUND = (
    "Không tìm thấy hồ sơ với thông tin đã nhập. Ông/bà vui lòng kiểm tra lại mã hồ sơ trên Giấy tiếp nhận "
    "hồ sơ và hẹn trả kết quả và 4 số cuối của số điện thoại đã đăng ký khi nộp hồ sơ."
)
# The answer to a code without the phone digits: the same for every code, known or not.
ASK_DIGITS = (
    "Để xem tình trạng hồ sơ {code}, ông/bà vui lòng cho biết thêm 4 số cuối của số điện thoại đã đăng ký khi "
    "nộp hồ sơ (ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả)."
)


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def too_many_attempts(seconds: int) -> str:
    return (
        "Ông/bà đã nhập sai quá nhiều lần. Vui lòng thử lại sau khoảng "
        f"{_minutes(seconds)} phút, hoặc hỏi cán bộ tại quầy tiếp nhận hồ sơ để được hỗ trợ."
    )


def code_locked(seconds: int) -> str:
    return (
        "Mã hồ sơ này đã bị nhập sai số điện thoại nhiều lần nên tạm khóa tra cứu để bảo vệ thông tin của người nộp. "
        f"Ông/bà vui lòng thử lại sau khoảng {_minutes(seconds)} phút, hoặc mang Giấy tiếp nhận hồ sơ đến quầy "
        "tiếp nhận hồ sơ để cán bộ tra cứu giúp."
    )


def locked_text(seconds: int, scope: str) -> str:
    return code_locked(seconds) if scope == "code" else too_many_attempts(seconds)


def ask_digits(code: str) -> str:
    return ASK_DIGITS.format(code=code.strip()[:64])
