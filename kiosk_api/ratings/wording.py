"""What citizens read about a rating besides the form's questions (`form.py`): the thanks for each satisfaction
level, why a ballot or a token is refused, the counter's name and the instructions printed on a rating slip.
One source for the QR rating pages, the JSON API (and through it the kiosk and the chat bot) and the slips.
Pure: no I/O.
"""

from __future__ import annotations

import re
from datetime import date

from motcua.vocabulary import Satisfaction

from ..domain.dates import format_date

THANKS: dict[str, str] = {
    Satisfaction.VERY_SATISFIED: (
        "Cảm ơn ông/bà đã đánh giá «Rất hài lòng»! Ý kiến của ông/bà giúp chúng tôi phục vụ tốt hơn."
    ),
    Satisfaction.SATISFIED: "Cảm ơn ông/bà đã đánh giá «Hài lòng»! Chúng tôi sẽ cố gắng phục vụ ngày càng tốt hơn.",
    Satisfaction.NEUTRAL: (
        "Cảm ơn ông/bà đã đánh giá. Chúng tôi ghi nhận và sẽ cố gắng cải thiện chất lượng phục vụ; nếu có góp ý "
        "cụ thể, ông/bà có thể gửi phản ánh, kiến nghị."
    ),
    Satisfaction.DISSATISFIED: (
        "Cảm ơn ông/bà đã đánh giá, chúng tôi rất tiếc vì ông/bà chưa hài lòng. Lãnh đạo sẽ xem xét ý kiến này; "
        "ông/bà có thể gửi phản ánh, kiến nghị hoặc gặp trực tiếp cán bộ để được giải quyết."
    ),
}
PETITION_REGISTERED = (
    "Ý kiến của ông/bà đã được chuyển thành phản ánh, kiến nghị (số {id}) và sẽ được trả lời chậm nhất vào "
    "ngày {deadline}."
)
ALREADY_RATED = (
    "Hồ sơ này đã được đánh giá rồi: mỗi hồ sơ chỉ được đánh giá một lần. Cảm ơn ông/bà! Nếu có ý kiến thêm, "
    "ông/bà vui lòng gửi phản ánh, kiến nghị."
)
TOO_MANY_COUNTER_BALLOTS = (
    "Thiết bị này vừa gửi nhiều phiếu đánh giá quầy. Cảm ơn ông/bà! Mỗi lượt phục vụ chỉ cần một phiếu; "
    "ông/bà vui lòng thử lại sau, hoặc gửi phản ánh, kiến nghị nếu có ý kiến thêm."
)
BALLOT_ALREADY_SENT = "Phiếu đánh giá này đã được gửi rồi. Cảm ơn ông/bà!"
NEEDS_TOKEN = (
    "Để đánh giá việc giải quyết một hồ sơ, ông/bà vui lòng quét mã QR trên Giấy tiếp nhận hồ sơ và hẹn trả kết "
    "quả, hoặc tra cứu hồ sơ bằng mã hồ sơ và 4 số cuối điện thoại trước. Ông/bà cũng có thể đánh giá chung về "
    "sự phục vụ mà không cần mã hồ sơ."
)
TOKEN_INVALID = (
    "Mã đánh giá không đúng hoặc không đầy đủ. Ông/bà vui lòng quét lại mã QR trên phiếu, hoặc hỏi cán bộ tại "
    "quầy tiếp nhận hồ sơ để được hỗ trợ."
)
TOKEN_EXPIRED = (
    "Mã đánh giá đã hết hạn (mã chỉ dùng được đến ngày {expires}). Ông/bà vẫn có thể đánh giá tại máy tra cứu "
    "ở quầy tiếp nhận hồ sơ hoặc gửi phản ánh, kiến nghị."
)
DOSSIER_GONE = (
    "Không tìm thấy hồ sơ của mã đánh giá này. Ông/bà vui lòng hỏi cán bộ tại quầy tiếp nhận hồ sơ để được hỗ trợ."
)
UNKNOWN_COUNTER = "Không có quầy này. Ông/bà vui lòng quét lại mã QR dán tại quầy."
SLIP_INSTRUCTION_DOSSIER = (
    "Quét mã để đánh giá mức độ hài lòng của ông/bà về việc giải quyết hồ sơ này. Mỗi hồ sơ được đánh giá một lần."
)
SLIP_INSTRUCTION_COUNTER = "Quét mã để đánh giá mức độ hài lòng của ông/bà về sự phục vụ tại quầy này."


def token_expired(expires_iso: str) -> str:
    """The message for an expired token; `expires_iso` is the expiry day TokenExpired carries (2026-11-20)."""
    try:
        day = format_date(date.fromisoformat(expires_iso))
    except ValueError:
        return TOKEN_EXPIRED.split(" (")[0] + "."
    return TOKEN_EXPIRED.format(expires=day)


def counter_label(counter_id: str) -> str:
    """'2' or 'quay-2' → 'Quầy số 2'; any other id → 'Quầy <id>'."""
    match = re.fullmatch(r"(?:quay[-_]?)?(\d{1,3})", counter_id, flags=re.IGNORECASE)
    return f"Quầy số {int(match.group(1))}" if match else f"Quầy {counter_id}"
