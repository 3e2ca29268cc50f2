"""What a citizen who asked for an officer is told (pure wording)."""

from __future__ import annotations

TOO_MANY_REQUESTS = (
    "Thiết bị này vừa gửi nhiều yêu cầu gặp cán bộ. Ông/bà vui lòng chờ cán bộ liên hệ, hoặc đến thẳng quầy tiếp "
    "nhận hồ sơ."
)


def next_step_text(channel: str, number: int, commune: str, *, created: bool) -> str:
    if created:
        intro = f"Đã ghi nhận yêu cầu gặp cán bộ số {number}."
    else:
        intro = f"Yêu cầu gặp cán bộ số {number} của ông/bà đã được ghi nhận trước đó và đang chờ xử lý."
    if channel == "kiosk":
        return (
            f"{intro} Cán bộ tiếp nhận hồ sơ của {commune} sẽ đến hỗ trợ ông/bà tại máy kiosk trong ít phút; "
            "ông/bà vui lòng chờ tại đây hoặc đến thẳng quầy tiếp nhận."
        )
    where = "qua Zalo" if channel == "zalo" else "qua cửa sổ trò chuyện này"
    return (
        f"{intro} Cán bộ tiếp nhận hồ sơ của {commune} sẽ trả lời ông/bà {where} trong giờ hành chính. "
        "Nếu cần gấp, ông/bà có thể đến trực tiếp quầy tiếp nhận hồ sơ và báo số yêu cầu."
    )
