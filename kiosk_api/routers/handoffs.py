"""Citizens asking for an officer, and the staff queue of those requests."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from ..deps import SecretDep, SessionDep, SettingsDep, StaffDep, current_staff
from ..errors import ApiError
from ..models import HandoffRequest
from ..schemas.common import error_responses
from ..schemas.handoffs import HandoffCreate, HandoffCreated, HandoffOut, HandoffStatus, HandoffUpdate
from ..security import sender_hash
from ..services import handoffs as handoff_service

log = logging.getLogger(__name__)

public = APIRouter(prefix="/api", tags=["handoffs"])
staff = APIRouter(
    prefix="/api/staff/handoffs",
    tags=["handoffs"],
    dependencies=[Depends(current_staff)],
    responses=error_responses(401),
)


def next_step_text(channel: str, number: int, commune: str, *, created: bool) -> str:
    if created:
        intro = f"Đã ghi nhận yêu cầu gặp cán bộ số {number}."
    else:
        intro = f"Yêu cầu gặp cán bộ số {number} của ông/bà đã được ghi nhận trước đó và đang chờ xử lý."
    if channel == "kiosk":
        return (
            f"{intro} Cán bộ Bộ phận Một cửa {commune} sẽ đến hỗ trợ ông/bà tại máy kiosk trong ít phút; "
            "ông/bà vui lòng chờ tại đây hoặc đến thẳng quầy tiếp nhận."
        )
    where = "qua Zalo" if channel == "zalo" else "qua cửa sổ trò chuyện này"
    return (
        f"{intro} Cán bộ Bộ phận Một cửa {commune} sẽ trả lời ông/bà {where} trong giờ hành chính. "
        "Nếu cần gấp, ông/bà có thể đến trực tiếp Bộ phận Một cửa và báo số yêu cầu."
    )


def handoff_out(row: HandoffRequest) -> HandoffOut:
    return HandoffOut(
        id=row.id,
        channel=row.channel,
        topic=row.topic,
        status=row.status,
        status_label=handoff_service.STATUS_LABELS[row.status],
        created_at=row.created_at,
        handled_by=row.handled_by,
        handled_at=row.handled_at,
    )


@public.post("/handoffs", response_model=HandoffCreated, responses=error_responses(422))
def request_officer(
    body: HandoffCreate, session: SessionDep, settings: SettingsDep, secret: SecretDep
) -> HandoffCreated:
    """Ask for an officer. A sender with an open request gets that request (same number) back."""
    row, created = handoff_service.request_officer(
        session, channel=body.channel, sender_hash=sender_hash(secret, body.channel, body.sender), topic=body.topic
    )
    log.info("handoff %s: id=%d channel=%s", "requested" if created else "repeated", row.id, row.channel)
    return HandoffCreated(id=row.id, text=next_step_text(row.channel, row.id, settings.commune_name, created=created))


@staff.get("", response_model=list[HandoffOut], responses=error_responses(422))
def list_handoffs(
    session: SessionDep,
    status: Annotated[
        list[HandoffStatus] | None, Query(description="Repeat to select several; default: cho and dang_ho_tro")
    ] = None,
) -> list[HandoffOut]:
    """Requests waiting or being handled (or the selected statuses), the longest-waiting first."""
    rows = handoff_service.list_requests(session, status or handoff_service.OPEN)
    return [handoff_out(r) for r in rows]


@staff.patch("/{request_id}", response_model=HandoffOut, responses=error_responses(404, 409, 422))
def update_handoff(request_id: int, change: HandoffUpdate, user: StaffDep, session: SessionDep) -> HandoffOut:
    """Take (dang_ho_tro), release (cho) or close (xong) a request; concurrent takes: one wins, the other 409."""
    try:
        row = handoff_service.change_status(session, request_id, change.status, user=user)
    except handoff_service.HandoffNotFound:
        raise ApiError(404, "not_found", f"Không có yêu cầu số {request_id}.") from None
    except handoff_service.HandoffConflict as exc:
        raise ApiError(409, "conflict", f"Không cập nhật được: {exc}.") from None
    log.info("handoff %d -> %s by %s", row.id, row.status, user.username)
    return handoff_out(row)
