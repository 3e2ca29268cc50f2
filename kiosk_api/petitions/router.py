"""Phản ánh, kiến nghị (reports and petitions): submitted by citizens, handled by staff.

Staff endpoints (/api/staff/petitions) need a staff login. They show the citizen's contact; nothing here logs
the content, the answer or the contact (ids and statuses only).
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from motcua.vocabulary import PetitionKind, PetitionStatus

from ..deps import (
    CalendarDep,
    ClientDep,
    ScopeDep,
    SecretDep,
    SessionDep,
    SettingsDep,
    StaffDep,
    TodayDep,
    current_staff,
)
from ..domain.dates import format_date
from ..errors import ApiError
from ..schemas.common import PageNumber, RowId, error_responses
from ..schemas.staff import Message
from ..security import client_key_hash
from . import service as petition_service
from .schemas import (
    PetitionRequest,
    PetitionResponse,
    PetitionUpdate,
    StaffPetition,
    StaffPetitionPage,
)

router = APIRouter(prefix="/api", tags=["petitions"])
staff = APIRouter(
    prefix="/api/staff/petitions",
    tags=["petitions"],
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


@router.post("/petitions", response_model=PetitionResponse, responses=error_responses(422, 429))
def submit_petition(
    body: PetitionRequest,
    client: ClientDep,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    today: TodayDep,
    calendar: CalendarDep,
) -> PetitionResponse:
    """Register a phản ánh or kiến nghị; the answer is due KIOSK_PETITION_WORKING_DAYS working days later.
    At most KIOSK_PETITIONS_PER_HOUR per client (address, kiosk session or chat user)."""
    try:
        row = petition_service.submit(
            session,
            kind=body.kind,
            content=body.content,
            contact=body.contact or None,
            channel=body.channel,
            today=today,
            working_days=settings.petition_working_days,
            calendar=calendar,
            client_key=client_key_hash(secret, "petition", client),
            per_hour=settings.petitions_per_hour,
        )
    except petition_service.TooManyPetitions:
        raise ApiError(429, "too_many_petitions", TOO_MANY_PETITIONS) from None
    assert row.deadline is not None
    log.info("petition received: id=%d kind=%s channel=%s", row.id, row.kind, body.channel)
    text = received_text(
        row.kind,
        row.id,
        format_date(row.deadline),
        settings.petition_working_days,
        settings.commune_name,
        contact=row.contact is not None,
    )
    return PetitionResponse(id=row.id, text=text, deadline=row.deadline)


@staff.get("", response_model=StaffPetitionPage, responses=error_responses(422))
def list_petitions(
    session: SessionDep,
    scope: ScopeDep,
    today: TodayDep,
    status: Annotated[list[PetitionStatus] | None, Query(description="Repeat to select several")] = None,
    overdue: Annotated[bool | None, Query(description="Only overdue (true) or not overdue (false)")] = None,
    page: PageNumber = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> StaffPetitionPage:
    """Petition with deadlines: open items first, earliest deadline (so the overdue) first; then the rest."""
    total, rows = petition_service.list_petitions(
        session, scope=scope, today=today, statuses=status, overdue=overdue, page=page, page_size=page_size
    )
    items = petition_service.staff_views(session, rows, today=today)
    return StaffPetitionPage(total=total, page=page, page_size=page_size, items=items)


def _not_found(petition_id: int) -> ApiError:
    return ApiError(404, "not_found", f"Không có phản ánh, kiến nghị số {petition_id}.")


@staff.delete("/spam", response_model=Message)
def purge_spam(user: StaffDep, session: SessionDep, scope: ScopeDep) -> Message:
    """Delete every item marked as spam, of the officer's unit (audit-logged)."""
    removed = petition_service.purge_spam(session, user=user, scope=scope)
    log.info("petition spam purged by %s: %d items", user.username, removed)
    return Message(detail=f"Đã xóa {removed} phản ánh, kiến nghị rác.")


@staff.post("/{petition_id}/spam", response_model=Message, responses=error_responses(403, 404))
def mark_spam(petition_id: RowId, user: StaffDep, session: SessionDep, scope: ScopeDep) -> Message:
    """Mark an item as spam: it leaves the lists, the counts and indicator 8 (audit-logged)."""
    try:
        petition_service.mark_spam(session, petition_id, user=user, scope=scope)
    except petition_service.PetitionNotFound:
        raise _not_found(petition_id) from None
    log.info("petition %d marked as spam by %s", petition_id, user.username)
    return Message(detail=f"Đã đánh dấu số {petition_id} là tin rác.")


@staff.get("/{petition_id}", response_model=StaffPetition, responses=error_responses(403, 404))
def get_petition(petition_id: RowId, session: SessionDep, scope: ScopeDep, today: TodayDep) -> StaffPetition:
    """One phản ánh or kiến nghị (403 for another unit's)."""
    try:
        row = petition_service.get(session, petition_id, scope=scope)
    except petition_service.PetitionNotFound:
        raise _not_found(petition_id) from None
    return petition_service.staff_views(session, [row], today=today)[0]


@staff.patch("/{petition_id}", response_model=StaffPetition, responses=error_responses(403, 404, 409, 422))
def update_petition(
    petition_id: RowId, change: PetitionUpdate, user: StaffDep, session: SessionDep, scope: ScopeDep, today: TodayDep
) -> StaffPetition:
    """Assign (moi → dang_xu_ly), answer (→ da_tra_loi, answered_at) and/or close (da_tra_loi → da_dong,
    closed_at). A change not allowed from the current status answers 409; repeating a change already made
    (same officer, same answer, already closed) is a no-op. Each change is audit-logged."""
    if change.assigned_to is None and change.answer is None and not change.close:
        raise ApiError(422, "empty_change", "Cần ít nhất một thay đổi: assigned_to, answer hoặc close.")
    try:
        row, changed = petition_service.update_petition(
            session,
            petition_id,
            user=user,
            scope=scope,
            assign_to=change.assigned_to,
            answer=change.answer,
            close=change.close,
        )
    except petition_service.PetitionNotFound:
        raise _not_found(petition_id) from None
    except petition_service.UnknownStaff:
        raise ApiError(422, "unknown_staff", "Không có cán bộ đang hoạt động với tên đăng nhập này.") from None
    except petition_service.PetitionConflict as exc:
        raise ApiError(409, "invalid_transition", str(exc)) from None
    if changed:
        log.info("petition %d -> %s by %s", row.id, row.status, user.username)
    return petition_service.staff_views(session, [row], today=today)[0]
