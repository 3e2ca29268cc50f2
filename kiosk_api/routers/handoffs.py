"""Citizens asking for an officer, and the staff queue of those requests."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ..deps import ClientDep, ScopeDep, SecretDep, SessionDep, SettingsDep, StaffDep, current_staff
from ..domain import officer
from ..domain.officer import next_step_text
from ..errors import ApiError
from ..models import HandoffRequest
from ..schemas.common import RowId, error_responses
from ..schemas.handoffs import HandoffCreate, HandoffCreated, HandoffOut, HandoffStatus, HandoffUpdate
from ..schemas.staff import Message
from ..security import client_key_hash, sender_hash
from ..services import handoffs as handoff_service

log = logging.getLogger(__name__)

public = APIRouter(prefix="/api", tags=["handoffs"])
staff = APIRouter(
    prefix="/api/staff/handoffs",
    tags=["handoffs"],
    dependencies=[Depends(current_staff)],
    responses=error_responses(401),
)


def handoff_out(row: HandoffRequest) -> HandoffOut:
    return HandoffOut(
        id=row.id,
        channel=row.channel,
        topic=row.topic,
        status=HandoffStatus(row.status),
        status_label=handoff_service.STATUS_LABELS[row.status],
        created_at=row.created_at,
        handled_by=row.handled_by,
        handled_at=row.handled_at,
    )


@public.post("/handoffs", response_model=HandoffCreated, responses=error_responses(422, 429))
def request_officer(
    body: HandoffCreate, client: ClientDep, session: SessionDep, settings: SettingsDep, secret: SecretDep
) -> HandoffCreated:
    """Ask for an officer. A sender with an open request gets that request (same number) back; new requests are
    limited to KIOSK_HANDOFFS_PER_HOUR per client (address, kiosk session or chat user)."""
    try:
        row, created = handoff_service.request_officer(
            session,
            channel=body.channel,
            sender_hash=sender_hash(secret, body.channel, body.sender),
            topic=body.topic,
            client_key=client_key_hash(secret, "handoff", client),
            per_hour=settings.handoffs_per_hour,
        )
    except handoff_service.TooManyRequests:
        raise ApiError(429, "too_many_requests", officer.TOO_MANY_REQUESTS) from None
    log.info("handoff %s: id=%d channel=%s", "requested" if created else "repeated", row.id, row.channel)
    return HandoffCreated(id=row.id, text=next_step_text(row.channel, row.id, settings.commune_name, created=created))


@staff.get("", response_model=list[HandoffOut], responses=error_responses(422))
def list_handoffs(
    session: SessionDep,
    scope: ScopeDep,
    status: Annotated[
        list[HandoffStatus] | None, Query(description="Repeat to select several; default: cho and dang_ho_tro")
    ] = None,
) -> list[HandoffOut]:
    """Requests waiting or being handled (or the selected statuses), the longest-waiting first, of the officer's
    unit (a province officer: every unit, or `?unit=`)."""
    rows = handoff_service.list_requests(session, status or handoff_service.OPEN, scope=scope)
    return [handoff_out(r) for r in rows]


@staff.delete("/spam", response_model=Message)
def purge_spam(user: StaffDep, session: SessionDep, scope: ScopeDep) -> Message:
    """Delete every request marked as spam, of the officer's unit (audit-logged)."""
    removed = handoff_service.purge_spam(session, user=user, scope=scope)
    log.info("handoff spam purged by %s: %d requests", user.username, removed)
    return Message(detail=f"Đã xóa {removed} yêu cầu rác.")


@staff.post("/{request_id}/spam", response_model=Message, responses=error_responses(403, 404))
def mark_spam(request_id: RowId, user: StaffDep, session: SessionDep, scope: ScopeDep) -> Message:
    """Mark a request as spam: it leaves the queue (audit-logged)."""
    try:
        handoff_service.mark_spam(session, request_id, user=user, scope=scope)
    except handoff_service.HandoffNotFound:
        raise ApiError(404, "not_found", f"Không có yêu cầu số {request_id}.") from None
    log.info("handoff %d marked as spam by %s", request_id, user.username)
    return Message(detail=f"Đã đánh dấu yêu cầu số {request_id} là tin rác.")


@staff.patch("/{request_id}", response_model=HandoffOut, responses=error_responses(403, 404, 409, 422))
def update_handoff(
    request_id: RowId, change: HandoffUpdate, user: StaffDep, session: SessionDep, scope: ScopeDep
) -> HandoffOut:
    """Take (dang_ho_tro), release (cho) or close (xong) a request; concurrent takes: one wins, the other 409."""
    try:
        row = handoff_service.change_status(session, request_id, change.status, user=user, scope=scope)
    except handoff_service.HandoffNotFound:
        raise ApiError(404, "not_found", f"Không có yêu cầu số {request_id}.") from None
    except handoff_service.HandoffConflict as exc:
        raise ApiError(409, "conflict", f"Không cập nhật được: {exc}.") from None
    log.info("handoff %d -> %s by %s", row.id, row.status, user.username)
    return handoff_out(row)
