"""Petition pages (phản ánh, kiến nghị): the list, one petition, assigning, answering and closing it.

Mounted by the app beside the other staff pages (kiosk_api.routers.staff_pages), whose rendering, login
(`StaffPage`) and CSRF helpers they use.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..deps import (
    SessionDep,
    SettingsDep,
    TodayDep,
)
from ..schemas.common import PageNumber, RowId
from ..staff_web import (
    NOTICES,
    PageUser,
    StaffPage,
    csrf_ok,
    forbidden,
    message_page,
    render,
)
from . import rules as petition_rules
from . import service as petition_service

log = logging.getLogger(__name__)
router = APIRouter(prefix="/staff", tags=["staff pages"], include_in_schema=False)


# --- Petitions (phản ánh, kiến nghị) -----------------------------------------------------------------------------


@router.get("/petitions", response_class=HTMLResponse)
def petition_list(
    request: Request,
    staff: StaffPage,
    session: SessionDep,
    settings: SettingsDep,
    today: TodayDep,
    status: Annotated[str | None, Query(max_length=20)] = None,
    page: PageNumber = 1,
) -> Response:
    user, csrf = staff.user, staff.csrf
    selected = status if status in petition_rules.STATUS_LABELS else None
    statuses = [selected] if selected else None
    page_size = 30
    total, rows = petition_service.list_petitions(
        session, scope=staff.scope, today=today, statuses=statuses, page=page, page_size=page_size
    )
    return render(
        request,
        "staff/petition_list.html",
        {
            "commune": settings.commune_name,
            "user": user,
            "csrf": csrf,
            "items": petition_service.staff_views(session, rows, today=today),
            "total": total,
            "page": page,
            "pages": max(1, -(-total // page_size)),
            "status": selected,
            "status_labels": petition_rules.STATUS_LABELS,
        },
    )


def _petition_page(request, session, settings, staff: PageUser, today, petition_id, *, error=None, status_code=200):
    user, csrf = staff.user, staff.csrf
    try:
        row = petition_service.get(session, petition_id, scope=staff.scope)
    except petition_service.PetitionNotFound:
        return message_page(request, settings, user, f"Không có phản ánh, kiến nghị số {petition_id}.", status_code=404)
    session.refresh(row)
    return render(
        request,
        "staff/petition_detail.html",
        {
            "commune": settings.commune_name,
            "user": user,
            "csrf": csrf,
            "item": petition_service.staff_views(session, [row], today=today)[0],
            "officers": petition_service.active_staff(session, row.unit_code),
            "error": error,
            "notice": NOTICES.get(request.query_params.get("notice", "")),
        },
        status_code=status_code,
    )


@router.get("/petitions/{petition_id}", response_class=HTMLResponse)
def petition_detail(
    petition_id: RowId, request: Request, staff: StaffPage, session: SessionDep, settings: SettingsDep, today: TodayDep
) -> Response:
    return _petition_page(request, session, settings, staff, today, petition_id)


@router.post("/petitions/{petition_id}", response_class=HTMLResponse)
def petition_action(
    petition_id: RowId,
    request: Request,
    staff: StaffPage,
    session: SessionDep,
    settings: SettingsDep,
    today: TodayDep,
    action: Annotated[str, Form(max_length=20)] = "",
    assigned_to: Annotated[str, Form(max_length=64)] = "",
    answer: Annotated[str, Form(max_length=5000)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    user, expected = staff.user, staff.csrf
    if not csrf_ok(expected, csrf):
        return forbidden(request, settings)
    if action == "spam":
        try:
            petition_service.mark_spam(session, petition_id, user=user, scope=staff.scope)
        except petition_service.PetitionNotFound:
            return message_page(
                request, settings, user, f"Không có phản ánh, kiến nghị số {petition_id}.", status_code=404
            )
        log.info("petition %d marked as spam by %s (page)", petition_id, user.username)
        return RedirectResponse("/staff/petitions?notice=spam_marked", status_code=303)
    kwargs: dict = {}
    if action == "assign" and assigned_to.strip():
        kwargs["assign_to"] = assigned_to
    elif action in ("answer", "answer_close") and answer.strip():
        kwargs["answer"] = answer.strip()
        kwargs["close"] = action == "answer_close"
    elif action == "close":
        kwargs["close"] = True
    else:
        return _petition_page(
            request,
            session,
            settings,
            staff,
            today,
            petition_id,
            error="Vui lòng chọn cán bộ hoặc nhập nội dung trả lời.",
            status_code=422,
        )
    try:
        row, changed = petition_service.update_petition(session, petition_id, user=user, scope=staff.scope, **kwargs)
    except petition_service.PetitionNotFound:
        return message_page(request, settings, user, f"Không có phản ánh, kiến nghị số {petition_id}.", status_code=404)
    except petition_service.UnknownStaff:
        error = "Không có cán bộ đang hoạt động với tên đăng nhập này."
        return _petition_page(request, session, settings, staff, today, petition_id, error=error, status_code=422)
    except petition_service.PetitionConflict as exc:
        return _petition_page(request, session, settings, staff, today, petition_id, error=str(exc), status_code=409)
    if changed:
        log.info("petition %d -> %s by %s (page)", row.id, row.status, user.username)
    return RedirectResponse(f"/staff/petitions/{petition_id}?notice=petition_saved", status_code=303)
