"""Phản ánh, kiến nghị (reports and petitions): submitted by citizens, handled by staff.

Staff endpoints (/api/staff/feedback) need a staff login. They show the citizen's contact; nothing here logs
the content, the answer or the contact (ids and statuses only).
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from motcua.vocabulary import PetitionKind

from ..deps import CalendarDep, ClientDep, SecretDep, SessionDep, SettingsDep, StaffDep, TodayDep, current_staff
from ..domain.dates import format_date
from ..errors import ApiError
from ..schemas.common import PageNumber, RowId, error_responses
from ..schemas.staff import Message
from ..security import client_key_hash
from . import service as feedback_service
from .schemas import (
    FeedbackRequest,
    FeedbackResponse,
    FeedbackStatus,
    FeedbackUpdate,
    StaffFeedback,
    StaffFeedbackPage,
)

router = APIRouter(prefix="/api", tags=["feedback"])
staff = APIRouter(
    prefix="/api/staff/feedback",
    tags=["feedback"],
    dependencies=[Depends(current_staff)],
    responses=error_responses(401),
)
log = logging.getLogger(__name__)

KIND_WORDS: dict[str, str] = {PetitionKind.COMPLAINT: "phản ánh", PetitionKind.SUGGESTION: "kiến nghị"}


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
        "quầy tiếp nhận hồ sơ."
    )


TOO_MANY_PETITIONS = (
    "Thiết bị này vừa gửi nhiều phản ánh, kiến nghị. Ông/bà vui lòng thử lại sau, hoặc gửi trực tiếp tại quầy "
    "tiếp nhận hồ sơ."
)


@router.post("/feedback", response_model=FeedbackResponse, responses=error_responses(422, 429))
def submit_feedback(
    body: FeedbackRequest,
    client: ClientDep,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    today: TodayDep,
    calendar: CalendarDep,
) -> FeedbackResponse:
    """Register a phản ánh or kiến nghị; the answer is due KIOSK_FEEDBACK_WORKING_DAYS working days later.
    At most KIOSK_PETITIONS_PER_HOUR per client (address, kiosk session or chat user)."""
    try:
        row = feedback_service.submit(
            session,
            kind=body.kind,
            content=body.content,
            contact=body.contact or None,
            channel=body.channel,
            today=today,
            working_days=settings.feedback_working_days,
            calendar=calendar,
            client_key=client_key_hash(secret, "petition", client),
            per_hour=settings.petitions_per_hour,
        )
    except feedback_service.TooManyPetitions:
        raise ApiError(429, "too_many_petitions", TOO_MANY_PETITIONS) from None
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


@staff.get("", response_model=StaffFeedbackPage, responses=error_responses(422))
def list_feedback(
    session: SessionDep,
    today: TodayDep,
    status: Annotated[list[FeedbackStatus] | None, Query(description="Repeat to select several")] = None,
    overdue: Annotated[bool | None, Query(description="Only overdue (true) or not overdue (false)")] = None,
    page: PageNumber = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> StaffFeedbackPage:
    """Feedback with deadlines: open items first, earliest deadline (so the overdue) first; then the rest."""
    total, rows = feedback_service.list_feedback(
        session, today=today, statuses=status, overdue=overdue, page=page, page_size=page_size
    )
    items = feedback_service.staff_views(session, rows, today=today)
    return StaffFeedbackPage(total=total, page=page, page_size=page_size, items=items)


def _not_found(feedback_id: int) -> ApiError:
    return ApiError(404, "not_found", f"Không có phản ánh, kiến nghị số {feedback_id}.")


@staff.delete("/spam", response_model=Message)
def purge_spam(user: StaffDep, session: SessionDep) -> Message:
    """Delete every item marked as spam (audit-logged)."""
    removed = feedback_service.purge_spam(session, user=user)
    log.info("feedback spam purged by %s: %d items", user.username, removed)
    return Message(detail=f"Đã xóa {removed} phản ánh, kiến nghị rác.")


@staff.post("/{feedback_id}/spam", response_model=Message, responses=error_responses(404))
def mark_spam(feedback_id: RowId, user: StaffDep, session: SessionDep) -> Message:
    """Mark an item as spam: it leaves the lists, the counts and indicator 8 (audit-logged)."""
    try:
        feedback_service.mark_spam(session, feedback_id, user=user)
    except feedback_service.FeedbackNotFound:
        raise _not_found(feedback_id) from None
    log.info("feedback %d marked as spam by %s", feedback_id, user.username)
    return Message(detail=f"Đã đánh dấu số {feedback_id} là tin rác.")


@staff.get("/{feedback_id}", response_model=StaffFeedback, responses=error_responses(404))
def get_feedback(feedback_id: RowId, session: SessionDep, today: TodayDep) -> StaffFeedback:
    """One phản ánh or kiến nghị."""
    try:
        row = feedback_service.get(session, feedback_id)
    except feedback_service.FeedbackNotFound:
        raise _not_found(feedback_id) from None
    return feedback_service.staff_views(session, [row], today=today)[0]


@staff.patch("/{feedback_id}", response_model=StaffFeedback, responses=error_responses(404, 409, 422))
def update_feedback(
    feedback_id: RowId, change: FeedbackUpdate, user: StaffDep, session: SessionDep, today: TodayDep
) -> StaffFeedback:
    """Assign (moi → dang_xu_ly), answer (→ da_tra_loi, answered_at) and/or close (da_tra_loi → da_dong,
    closed_at). A change not allowed from the current status answers 409; repeating a change already made
    (same officer, same answer, already closed) is a no-op. Each change is audit-logged."""
    if change.assigned_to is None and change.answer is None and not change.close:
        raise ApiError(422, "empty_change", "Cần ít nhất một thay đổi: assigned_to, answer hoặc close.")
    try:
        row, changed = feedback_service.update_feedback(
            session,
            feedback_id,
            user=user,
            assign_to=change.assigned_to,
            answer=change.answer,
            close=change.close,
        )
    except feedback_service.FeedbackNotFound:
        raise _not_found(feedback_id) from None
    except feedback_service.UnknownStaff:
        raise ApiError(422, "unknown_staff", "Không có cán bộ đang hoạt động với tên đăng nhập này.") from None
    except feedback_service.FeedbackConflict as exc:
        raise ApiError(409, "invalid_transition", str(exc)) from None
    if changed:
        log.info("feedback %d -> %s by %s", row.id, row.status, user.username)
    return feedback_service.staff_views(session, [row], today=today)[0]
