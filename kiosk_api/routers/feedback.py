"""Phản ánh, kiến nghị (reports and petitions) submitted by citizens."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from ..deps import SessionDep, SettingsDep, TodayDep
from ..domain.dates import format_date
from ..schemas.common import error_responses
from ..schemas.feedback import FeedbackRequest, FeedbackResponse
from ..services import feedback as feedback_service

router = APIRouter(prefix="/api", tags=["feedback"])
log = logging.getLogger(__name__)

KIND_WORDS = {"phan_anh": "phản ánh", "kien_nghi": "kiến nghị"}


def received_text(kind: str, number: int, deadline_text: str, working_days: int, commune: str, contact: bool) -> str:
    word = KIND_WORDS[kind]
    text = (
        f"{commune} đã tiếp nhận {word} số {number} của ông/bà. Chúng tôi sẽ xem xét và trả lời chậm nhất "
        f"ngày {deadline_text} ({working_days} ngày làm việc)."
    )
    if contact:
        return text + " Câu trả lời sẽ được gửi theo thông tin liên hệ ông/bà đã để lại."
    return (
        text + f" Ông/bà chưa để lại thông tin liên hệ: vui lòng ghi nhớ số {number} để hỏi kết quả tại "
        "Bộ phận Một cửa."
    )


@router.post("/feedback", response_model=FeedbackResponse, responses=error_responses(422))
def submit_feedback(
    body: FeedbackRequest, session: SessionDep, settings: SettingsDep, today: TodayDep
) -> FeedbackResponse:
    """Register a phản ánh or kiến nghị; the answer is due KIOSK_FEEDBACK_WORKING_DAYS working days later."""
    row = feedback_service.submit(
        session,
        kind=body.kind,
        content=body.content,
        contact=body.contact or None,
        channel=body.channel,
        today=today,
        working_days=settings.feedback_working_days,
    )
    assert row.deadline is not None
    log.info("feedback received: id=%d kind=%s channel=%s", row.id, row.kind, body.channel)
    text = received_text(
        row.kind,
        row.id,
        format_date(row.deadline),
        settings.feedback_working_days,
        settings.commune_name,
        contact=row.contact is not None,
    )
    return FeedbackResponse(id=row.id, text=text, deadline=row.deadline)
