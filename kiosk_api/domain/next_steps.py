"""What the citizen should do next, in Vietnamese, for a dossier in a given state (pure function)."""

from __future__ import annotations

from datetime import date

from .channels import DossierChannel
from .dates import format_date
from .status import DossierStatus

RECEIPT = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"


def next_steps(
    status: DossierStatus,
    *,
    channel: DossierChannel,
    appointment_date: date | None,
    result_date: date | None = None,
    returned_date: date | None = None,
    days_overdue: int = 0,
    commune_name: str = "UBND xã",
) -> list[str]:
    """Short Vietnamese sentences telling the citizen what happens next and what to bring."""
    desk = f"quầy tiếp nhận hồ sơ của {commune_name}"
    due = format_date(appointment_date) if appointment_date else None
    steps: list[str] = []

    if days_overdue > 0 and due:
        steps.append(
            f"Hồ sơ đã quá hạn {days_overdue} ngày so với ngày hẹn trả kết quả ({due}). Theo quy định, "
            "cơ quan giải quyết phải gửi ông/bà phiếu xin lỗi và hẹn lại ngày trả kết quả bằng văn bản."
        )
        steps.append(
            f"Nếu chưa nhận được phiếu xin lỗi và hẹn lại, ông/bà vui lòng liên hệ {desk} "
            "hoặc gửi phản ánh, kiến nghị để được giải quyết."
        )
        return steps

    match status:
        case DossierStatus.RECEIVED | DossierStatus.IN_PROGRESS:
            if due:
                steps.append(f"Ngày hẹn trả kết quả: {due}. Ông/bà chưa cần làm gì thêm.")
            else:
                steps.append("Ông/bà chưa cần làm gì thêm; cán bộ sẽ báo khi có kết quả.")
            steps.append(f"Khi đến nhận kết quả, ông/bà mang theo {RECEIPT} và căn cước.")
        case DossierStatus.WAITING_SUPPLEMENT:
            steps.append(
                f"Hồ sơ cần bổ sung giấy tờ. Ông/bà vui lòng liên hệ {desk}, mang theo {RECEIPT}, "
                "để được hướng dẫn cụ thể những giấy tờ cần bổ sung."
            )
            steps.append("Ngày trả kết quả sẽ được hẹn lại sau khi hồ sơ được bổ sung đầy đủ.")
        case DossierStatus.RESULT_READY:
            if channel is DossierChannel.POST:
                steps.append(
                    "Kết quả sẽ được gửi qua dịch vụ bưu chính đến địa chỉ ông/bà đã đăng ký; "
                    f"ông/bà cũng có thể đến nhận trực tiếp tại {desk}."
                )
            else:
                steps.append(f"Mời ông/bà đến {desk} để nhận kết quả trong giờ hành chính.")
            steps.append(
                f"Mang theo {RECEIPT} và căn cước (hoặc giấy tờ tùy thân có ảnh còn giá trị). "
                "Nếu nhờ người khác nhận thay, người đó mang theo giấy ủy quyền và giấy tờ tùy thân của mình."
            )
        case DossierStatus.RETURNED:
            when = f" ngày {format_date(returned_date)}" if returned_date else ""
            steps.append(
                f"Kết quả đã được trả{when}. Nếu chưa nhận được hoặc thấy thông tin có sai sót, "
                f"ông/bà vui lòng liên hệ {desk}."
            )
            steps.append("Mời ông/bà đánh giá mức độ hài lòng về việc giải quyết hồ sơ.")
        case DossierStatus.REFUSED:
            steps.append(
                "Hồ sơ không được giải quyết; lý do được nêu trong văn bản trả lời gửi ông/bà. "
                f"Nếu cần giải thích thêm hoặc muốn nộp lại hồ sơ, ông/bà vui lòng liên hệ {desk}."
            )
        case DossierStatus.WITHDRAWN:
            steps.append("Hồ sơ đã được rút theo đề nghị của ông/bà. Nếu vẫn cần giải quyết, ông/bà nộp hồ sơ mới.")
    return steps
