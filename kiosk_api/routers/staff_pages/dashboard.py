"""The staff dashboard (this quarter's Biểu 5a and 6a, trends, weakest indicators), apology letters, officer
requests, spam and dossier-lock actions."""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...clock import VN_TZ
from ...deps import (
    CalendarDep,
    CatalogueDep,
    SecretDep,
    SessionDep,
    SettingsDep,
    TodayDep,
)
from ...domain.apology import ApologyError, apology_letter, suggested_new_date
from ...domain.dates import format_date
from ...domain.periods import Period, PeriodError, resolve_period
from ...domain.staff_texts import voice_text
from ...petitions import service as petition_service
from ...report_rules import rules_for
from ...schemas.common import RowId
from ...services import audit, dossier_access
from ...services import dashboard as dashboard_service
from ...services import dossiers as dossier_service
from ...services import handoffs as handoff_service
from ...staff_web import (
    NOTICES,
    StaffPage,
    csrf_ok,
    forbidden,
    message_page,
    render,
)
from ...views.charts import format_number
from ...views.dashboard import charts, pct, quarter_choices

log = logging.getLogger(__name__)
router = APIRouter()


# --- Dashboard ---------------------------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def dashboard(
    request: Request,
    staff: StaffPage,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    catalogue: CatalogueDep,
    today: TodayDep,
    quarter: Annotated[str | None, Query(max_length=20)] = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    notice: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    user, csrf = staff.user, staff.csrf
    error = None
    try:
        if start is not None or end is not None:
            period = resolve_period(start=start, end=end)
        elif quarter:
            period = resolve_period(quarter=quarter)
        else:
            period = Period.containing_quarter(today)
    except PeriodError:
        error = "Kỳ báo cáo không hợp lệ (cần chọn quý, hoặc nhập đủ từ ngày và đến ngày, từ ngày trước đến ngày)."
        period = Period.containing_quarter(today)
    board = dashboard_service.build(
        session,
        period,
        today=today,
        rules=rules_for(settings.report_rules),
        catalogue=catalogue,
        settings=settings,
        secret=secret,
        scope=staff.scope,
    )
    query = f"from={period.start.isoformat()}&to={period.end.isoformat()}"
    if request.query_params.get("unit") and staff.scope.unit is not None:  # a province officer's choice of unit
        query += f"&unit={staff.scope.unit}"
    return render(
        request,
        "staff/dashboard.html",
        {
            "commune": settings.commune_name,
            "user": user,
            "csrf": csrf,
            "board": board,
            "b5": board.bieu5a.total,
            "b6": board.bieu6a.total,
            "charts": charts(board),
            "voice": voice_text(request.app.state.speech.voice_choice.label),
            "quarters": quarter_choices(today),
            "period": period,
            "error": error,
            "notice": NOTICES.get(notice or ""),
            "today_text": format_date(today),
            "vn_tz": VN_TZ,
            "fmt": format_number,
            "pct": pct,
            "report_links": [
                ("Biểu 5a (Excel)", f"/api/reports/bieu-5a?{query}&format=xlsx"),
                ("Biểu 5a (CSV)", f"/api/reports/bieu-5a?{query}&format=csv"),
                ("Biểu 6a (Excel)", f"/api/reports/bieu-6a?{query}&format=xlsx"),
                ("Biểu 6a (CSV)", f"/api/reports/bieu-6a?{query}&format=csv"),
            ],
        },
    )


# --- Apology letters (phiếu xin lỗi và hẹn lại ngày trả kết quả) --------------------------------------------------


@router.get("/dossiers/{code}/xin-loi", response_class=HTMLResponse)
def apology_page(
    code: str,
    request: Request,
    staff: StaffPage,
    session: SessionDep,
    settings: SettingsDep,
    catalogue: CatalogueDep,
    today: TodayDep,
    calendar: CalendarDep,
    reason: Annotated[str | None, Query(alias="ly_do", max_length=2000)] = None,
    new_date: Annotated[str | None, Query(alias="ngay_hen", max_length=20)] = None,
) -> Response:
    """The apology letter an overdue dossier requires: staff give the reason and the new appointment date, then
    print the letter (A4). Nothing is stored: the new date goes into the provincial software as usual."""
    user, csrf = staff.user, staff.csrf
    try:
        dossier = dossier_service.get_by_code(session, code)
    except dossier_service.DossierNotFound:
        return message_page(request, settings, user, "Không tìm thấy hồ sơ có mã này.", status_code=404)
    staff.scope.check(dossier.unit_code)
    procedure = catalogue.get(dossier.procedure_code)
    letter = error = None
    if reason is not None or new_date is not None:
        try:
            new_day = date.fromisoformat((new_date or "").strip())
        except ValueError:
            error = "Cần chọn ngày hẹn trả kết quả mới."
        else:
            try:
                letter = apology_letter(
                    commune=settings.commune_name,
                    applicant_name=dossier.applicant_name,
                    procedure_name=procedure.name if procedure else dossier.procedure_code,
                    dossier_code=dossier.code,
                    received=dossier.received_date,
                    appointment=dossier.appointment_date,
                    reason=reason or "",
                    new_date=new_day,
                    today=today,
                    calendar=calendar,
                )
            except ApologyError as exc:
                error = str(exc)
    return render(
        request,
        "staff/apology.html",
        {
            "title": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
            "commune": settings.commune_name,
            "user": user,
            "csrf": csrf,
            "dossier": dossier,
            "procedure_name": procedure.name if procedure else dossier.procedure_code,
            "appointment_text": format_date(dossier.appointment_date),
            "reason": reason or "",
            "new_date": new_date or suggested_new_date(today, calendar).isoformat(),
            "min_date": today.isoformat(),
            "letter": letter,
            "error": error,
        },
        status_code=422 if error else 200,
    )


# --- Hand-off requests -------------------------------------------------------------------------------------------


@router.post("/handoffs/{request_id}")
def handoff_action(
    request_id: RowId,
    request: Request,
    staff: StaffPage,
    session: SessionDep,
    settings: SettingsDep,
    status: Annotated[str, Form(max_length=20)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    user, expected = staff.user, staff.csrf
    if not csrf_ok(expected, csrf):
        return forbidden(request, settings)
    if status not in (*handoff_service.STATUS_LABELS, "rac"):
        return message_page(request, settings, user, "Trạng thái không hợp lệ.", status_code=422)
    try:
        if status == "rac":
            handoff_service.mark_spam(session, request_id, user=user, scope=staff.scope)
        else:
            handoff_service.change_status(session, request_id, status, user=user, scope=staff.scope)
    except handoff_service.HandoffNotFound:
        return message_page(request, settings, user, f"Không có yêu cầu số {request_id}.", status_code=404)
    except handoff_service.HandoffConflict as exc:
        return message_page(request, settings, user, f"Không cập nhật được: {exc}.", status_code=409)
    log.info("handoff %d -> %s by %s (page)", request_id, status, user.username)
    return RedirectResponse("/staff?notice=handoff_done#handoffs", status_code=303)


@router.post("/spam/purge")
def purge_spam(
    request: Request,
    staff: StaffPage,
    session: SessionDep,
    settings: SettingsDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Delete the petitions and officer requests marked as spam, of the officer's unit (audit-logged with the
    counts)."""
    user, expected = staff.user, staff.csrf
    if not csrf_ok(expected, csrf):
        return forbidden(request, settings)
    petitions = petition_service.purge_spam(session, user=user, scope=staff.scope)
    requests = handoff_service.purge_spam(session, user=user, scope=staff.scope)
    log.info("spam purged by %s: %d petitions, %d officer requests", user.username, petitions, requests)
    return RedirectResponse("/staff/petitions?notice=spam_purged", status_code=303)


@router.post("/dossiers/{code}/mo-khoa")
def unlock_dossier(
    code: Annotated[str, FastPath(max_length=64)],
    request: Request,
    staff: StaffPage,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Lift the lock that wrong phone digits put on a dossier code (after the officer checked the citizen's papers)."""
    user, expected = staff.user, staff.csrf
    if not csrf_ok(expected, csrf):
        return forbidden(request, settings)
    unit = dossier_service.unit_of(session, code)
    if unit is not None:
        staff.scope.check(unit)
    dossier_access.unlock(session, secret=secret, code=code)
    audit.record(session, user.username, "dossier.unlock", target=code[:64])
    session.commit()
    log.info("dossier lookup unlocked by %s", user.username)
    return RedirectResponse("/staff?notice=unlocked#locks", status_code=303)
