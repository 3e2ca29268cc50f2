"""Staff web pages (server-rendered, Vietnamese): login/logout, the dashboard, petitions and hand-off requests.

Login: the form posts the same credentials as POST /api/staff/login and goes through the same throttled check
and audit (routers.staff.log_in); the session token is kept in an HttpOnly, SameSite=Strict cookie (Secure on
https), which deps.current_staff also accepts, so the pages can download the reports from /api/reports/….
Pages redirect to /staff/login when not logged in. Every form that changes state is a POST carrying a CSRF token
bound to the session (an HMAC of the session token), on top of SameSite=Strict.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import date
from typing import Annotated, TypedDict
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi import Path as FastPath
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from procedures_kb.text import format_decimal

from ..clock import VN_TZ
from ..deps import (
    STAFF_COOKIE,
    CalendarDep,
    CatalogueDep,
    SecretDep,
    SessionDep,
    SettingsDep,
    TodayDep,
    client_address,
    secure_cookies,
)
from ..domain import feedback_rules
from ..domain.apology import ApologyError, apology_letter, suggested_new_date
from ..domain.charts import Series, bar_chart, format_number, line_chart, table_rows
from ..domain.dates import format_date
from ..domain.periods import Period, PeriodError, resolve_period
from ..errors import login_error
from ..models import StaffUser
from ..report_rules import rules_for
from ..schemas.common import PageNumber, RowId
from ..security import csrf_token
from ..services import audit, dossier_access
from ..services import dashboard as dashboard_service
from ..services import dossiers as dossier_service
from ..services import feedback as feedback_service
from ..services import handoffs as handoff_service
from ..services import staff as staff_service
from ..templating import templates

log = logging.getLogger(__name__)
router = APIRouter(prefix="/staff", tags=["staff pages"], include_in_schema=False)

LOGIN_CSRF_COOKIE = "kiosk_login_csrf"
LATE_COLOUR = "#a4262c"  # the pages' "late" red (also used by the badges)


class _ChartSize(TypedDict):
    width: int
    height: int


SIZE: _ChartSize = {"width": 480, "height": 270}  # charts sit in half-width cards beside their tables
NOTICES = {
    "logged_out": "Đã đăng xuất.",
    "handoff_done": "Đã cập nhật yêu cầu gặp cán bộ.",
    "feedback_saved": "Đã lưu thay đổi.",
    "spam_marked": "Đã đánh dấu là tin rác: không còn trong danh sách và báo cáo.",
    "spam_purged": "Đã xóa các tin rác.",
    "unlocked": "Đã mở khóa tra cứu hồ sơ.",
}


PAGE_HEADERS = {
    "Cache-Control": "no-store",  # personal data: never kept by the browser or a proxy
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def render(request: Request, name: str, context: dict, *, status_code: int = 200) -> HTMLResponse:
    """A staff page (Jinja2, autoescaped) with headers that keep it out of caches and frames."""
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=PAGE_HEADERS)


# --- Session helpers ---------------------------------------------------------------------------------------------


def page_user(request: Request, session, secret: bytes) -> tuple[StaffUser, str] | None:
    """The logged-in staff member and their CSRF token, from the session cookie; None when not logged in."""
    token = request.cookies.get(STAFF_COOKIE)
    if not token:
        return None
    user = staff_service.user_for_token(session, token, secret=secret)
    return (user, csrf_token(secret, token)) if user is not None else None


def safe_next(target: str | None) -> str:
    """Only local staff pages are allowed as the after-login destination (no open redirect)."""
    if target and target.startswith("/staff") and not target.startswith("//") and "\\" not in target:
        return target
    return "/staff"


def to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/staff/login?next={quote(target, safe='')}", status_code=303)


def csrf_ok(expected: str, supplied: str | None) -> bool:
    return bool(supplied) and hmac.compare_digest(expected.encode(), (supplied or "").encode())


def forbidden(request: Request, settings) -> HTMLResponse:
    return render(
        request,
        "staff/message.html",
        {
            "title": "Không thực hiện được",
            "message": "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.",
            "commune": settings.commune_name,
            "user": None,
        },
        status_code=403,
    )


def _login_page(
    request: Request, settings, *, error: str | None = None, next_url: str = "/staff", status: int = 200
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "staff/login.html",
        {
            "commune": settings.commune_name,
            "error": error,
            "next": next_url,
            "csrf": token,
            "notice": NOTICES.get(request.query_params.get("notice", "")),
            "user": None,
        },
        status_code=status,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
        path="/staff/login",
        max_age=3600,
    )
    return response


# --- Login / logout ----------------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, session: SessionDep, settings: SettingsDep, secret: SecretDep, next: str | None = None
) -> Response:
    if page_user(request, session, secret) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, settings, next_url=safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/staff",
) -> Response:
    next_url = safe_next(next)
    if not csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE, ""), csrf):
        return _login_page(
            request,
            settings,
            error="Trang đăng nhập đã hết hạn. Vui lòng nhập lại tên đăng nhập và mật khẩu.",
            next_url=next_url,
            status=400,
        )
    if not username.strip() or not password:
        return _login_page(
            request, settings, error="Vui lòng nhập tên đăng nhập và mật khẩu.", next_url=next_url, status=422
        )
    try:
        issued = staff_service.log_in(
            session,
            settings=settings,
            secret=secret,
            username=username,
            password=password,
            address=client_address(request),
        )
    except staff_service.LoginRefused as refused:
        error = login_error(refused.wait, refused.scope)
        return _login_page(request, settings, error=str(error.detail), next_url=next_url, status=error.status_code)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        STAFF_COOKIE,
        issued.token,
        httponly=True,
        samesite="strict",
        secure=secure_cookies(request),
        path="/",
        max_age=int(settings.staff_token_ttl_hours * 3600),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/staff/login")
    return response


@router.post("/logout")
def logout(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    found = page_user(request, session, secret)
    if found is None:
        return RedirectResponse("/staff/login", status_code=303)
    user, expected = found
    if not csrf_ok(expected, csrf):
        return forbidden(request, settings)
    staff_service.revoke_token(session, request.cookies[STAFF_COOKIE], secret=secret, actor=user.username)
    response = RedirectResponse("/staff/login?notice=logged_out", status_code=303)
    response.delete_cookie(STAFF_COOKIE, path="/", httponly=True, samesite="strict")
    return response


# --- Dashboard ---------------------------------------------------------------------------------------------------


def quarter_choices(today: date, count: int = 6) -> list[Period]:
    current = Period.containing_quarter(today)
    out = [current]
    for _ in range(count - 1):
        out.append(out[-1].previous())
    return out


def pct(value) -> str:
    """A share with one decimal, as on Biểu 5a ("7,0 %", "26,7 %")."""
    return "—" if value is None else format_decimal(float(value), 1) + " %"


def charts(board: dashboard_service.Dashboard) -> dict[str, dict]:
    """The dashboard's charts (SVG) with their tables."""
    labels = [m.label for m in board.months]
    span = f"{board.months[0].label} – {board.months[-1].label}" if board.months else ""
    ballots = [Series("Phiếu đánh giá", [m.ballots for m in board.months])]
    satisfied = [Series("Hài lòng, rất hài lòng", [m.satisfied_percent for m in board.months])]
    dossiers = [
        Series("Tiếp nhận", [m.received for m in board.months]),
        Series("Giải quyết", [m.resolved for m in board.months]),
        Series("Trễ hạn", [m.resolved_late for m in board.months], colour=LATE_COLOUR),
    ]
    levels = board.bieu5a.total.levels
    level_series = [Series("Tỷ lệ", [float(lv.percent) if lv.percent is not None else None for lv in levels])]
    level_labels = [lv.label for lv in levels]
    return {
        "ballots": {
            "svg": bar_chart(
                "chart-ballots",
                labels,
                ballots,
                title="Số phiếu đánh giá theo tháng",
                desc=f"Số phiếu đánh giá mức độ hài lòng ghi nhận mỗi tháng, {span}.",
                y_label="Số phiếu",
                **SIZE,
            ),
            "head": ["Tháng", "Số phiếu"],
            "rows": table_rows(labels, ballots),
        },
        "satisfied": {
            "svg": line_chart(
                "chart-satisfied",
                labels,
                satisfied,
                title="Tỷ lệ hài lòng theo tháng",
                desc=f"Phần trăm phiếu đánh giá Hài lòng hoặc Rất hài lòng mỗi tháng, {span}.",
                y_label="%",
                **SIZE,
                y_max=100,
                suffix=" %",
            ),
            "head": ["Tháng", "Hài lòng, rất hài lòng"],
            "rows": table_rows(labels, satisfied, suffix=" %"),
        },
        "dossiers": {
            "svg": bar_chart(
                "chart-dossiers",
                labels,
                dossiers,
                title="Hồ sơ tiếp nhận, giải quyết và trễ hạn theo tháng",
                desc=f"Số hồ sơ tiếp nhận, đã giải quyết và giải quyết trễ hạn mỗi tháng, {span}.",
                y_label="Số hồ sơ",
                **SIZE,
            ),
            "head": ["Tháng", "Tiếp nhận", "Giải quyết", "Trễ hạn"],
            "rows": table_rows(labels, dossiers),
        },
        "levels": {
            "svg": bar_chart(
                "chart-levels",
                level_labels,
                level_series,
                title=f"Mức độ hài lòng, {board.period.label}",
                desc="Tỷ lệ phần trăm phiếu đánh giá theo từng mức độ hài lòng trong kỳ.",
                y_label="%",
                **SIZE,
                y_max=100,
                suffix=" %",
            ),
            "head": ["Mức độ", "Số phiếu", "Tỷ lệ"],
            "rows": [[lv.label, str(lv.count), pct(lv.percent)] for lv in levels],
        },
    }


@router.get("", response_class=HTMLResponse)
def dashboard(
    request: Request,
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
    found = page_user(request, session, secret)
    if found is None:
        return to_login(request)
    user, csrf = found
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
    )
    query = f"from={period.start.isoformat()}&to={period.end.isoformat()}"
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
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    catalogue: CatalogueDep,
    today: TodayDep,
    calendar: CalendarDep,
    reason: Annotated[str | None, Query(alias="ly_do", max_length=2000)] = None,
    new_date: Annotated[str | None, Query(alias="ngay_hen", max_length=20)] = None,
) -> Response:
    """The apology letter an overdue dossier requires: staff give the reason and the new appointment date, then
    print the letter (A4). Nothing is stored: the new date goes into the provincial software as usual."""
    found = page_user(request, session, secret)
    if found is None:
        return to_login(request)
    user, csrf = found
    try:
        dossier = dossier_service.get_by_code(session, code)
    except dossier_service.DossierNotFound:
        return _message(request, settings, user, "Không tìm thấy hồ sơ có mã này.", status_code=404)
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
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    status: Annotated[str, Form(max_length=20)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    found = page_user(request, session, secret)
    if found is None:
        return to_login(request)
    user, expected = found
    if not csrf_ok(expected, csrf):
        return forbidden(request, settings)
    if status not in (*handoff_service.STATUS_LABELS, "rac"):
        return _message(request, settings, user, "Trạng thái không hợp lệ.", status_code=422)
    try:
        if status == "rac":
            handoff_service.mark_spam(session, request_id, user=user)
        else:
            handoff_service.change_status(session, request_id, status, user=user)
    except handoff_service.HandoffNotFound:
        return _message(request, settings, user, f"Không có yêu cầu số {request_id}.", status_code=404)
    except handoff_service.HandoffConflict as exc:
        return _message(request, settings, user, f"Không cập nhật được: {exc}.", status_code=409)
    log.info("handoff %d -> %s by %s (page)", request_id, status, user.username)
    return RedirectResponse("/staff?notice=handoff_done#handoffs", status_code=303)


def _message(request: Request, settings, user, message: str, *, status_code: int) -> HTMLResponse:
    return render(
        request,
        "staff/message.html",
        {"title": "Không thực hiện được", "message": message, "commune": settings.commune_name, "user": user},
        status_code=status_code,
    )


@router.post("/spam/purge")
def purge_spam(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Delete the petitions and officer requests marked as spam (audit-logged with the counts)."""
    found = page_user(request, session, secret)
    if found is None:
        return to_login(request)
    user, expected = found
    if not csrf_ok(expected, csrf):
        return forbidden(request, settings)
    petitions = feedback_service.purge_spam(session, user=user)
    requests = handoff_service.purge_spam(session, user=user)
    log.info("spam purged by %s: %d petitions, %d officer requests", user.username, petitions, requests)
    return RedirectResponse("/staff/feedback?notice=spam_purged", status_code=303)


@router.post("/dossiers/{code}/mo-khoa")
def unlock_dossier(
    code: Annotated[str, FastPath(max_length=64)],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Lift the lock that wrong phone digits put on a dossier code (after the officer checked the citizen's papers)."""
    found = page_user(request, session, secret)
    if found is None:
        return to_login(request)
    user, expected = found
    if not csrf_ok(expected, csrf):
        return forbidden(request, settings)
    dossier_access.unlock(session, secret=secret, code=code)
    audit.record(session, user.username, "dossier.unlock", target=code[:64])
    session.commit()
    log.info("dossier lookup unlocked by %s", user.username)
    return RedirectResponse("/staff?notice=unlocked#locks", status_code=303)


# --- Petitions (phản ánh, kiến nghị) -----------------------------------------------------------------------------


@router.get("/feedback", response_class=HTMLResponse)
def feedback_list(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    today: TodayDep,
    status: Annotated[str | None, Query(max_length=20)] = None,
    page: PageNumber = 1,
) -> Response:
    found = page_user(request, session, secret)
    if found is None:
        return to_login(request)
    user, csrf = found
    selected = status if status in feedback_rules.STATUS_LABELS else None
    statuses = [selected] if selected else None
    page_size = 30
    total, rows = feedback_service.list_feedback(
        session, today=today, statuses=statuses, page=page, page_size=page_size
    )
    return render(
        request,
        "staff/feedback_list.html",
        {
            "commune": settings.commune_name,
            "user": user,
            "csrf": csrf,
            "items": feedback_service.staff_views(session, rows, today=today),
            "total": total,
            "page": page,
            "pages": max(1, -(-total // page_size)),
            "status": selected,
            "status_labels": feedback_rules.STATUS_LABELS,
        },
    )


def _feedback_page(request, session, settings, user, csrf, today, feedback_id, *, error=None, status_code=200):
    try:
        row = feedback_service.get(session, feedback_id)
    except feedback_service.FeedbackNotFound:
        return _message(request, settings, user, f"Không có phản ánh, kiến nghị số {feedback_id}.", status_code=404)
    session.refresh(row)
    return render(
        request,
        "staff/feedback_detail.html",
        {
            "commune": settings.commune_name,
            "user": user,
            "csrf": csrf,
            "item": feedback_service.staff_views(session, [row], today=today)[0],
            "officers": feedback_service.active_staff(session),
            "error": error,
            "notice": NOTICES.get(request.query_params.get("notice", "")),
        },
        status_code=status_code,
    )


@router.get("/feedback/{feedback_id}", response_class=HTMLResponse)
def feedback_detail(
    feedback_id: RowId, request: Request, session: SessionDep, settings: SettingsDep, secret: SecretDep, today: TodayDep
) -> Response:
    found = page_user(request, session, secret)
    if found is None:
        return to_login(request)
    user, csrf = found
    return _feedback_page(request, session, settings, user, csrf, today, feedback_id)


@router.post("/feedback/{feedback_id}", response_class=HTMLResponse)
def feedback_action(
    feedback_id: RowId,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    today: TodayDep,
    action: Annotated[str, Form(max_length=20)] = "",
    assigned_to: Annotated[str, Form(max_length=64)] = "",
    answer: Annotated[str, Form(max_length=5000)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    found = page_user(request, session, secret)
    if found is None:
        return to_login(request)
    user, expected = found
    if not csrf_ok(expected, csrf):
        return forbidden(request, settings)
    if action == "spam":
        try:
            feedback_service.mark_spam(session, feedback_id, user=user)
        except feedback_service.FeedbackNotFound:
            return _message(request, settings, user, f"Không có phản ánh, kiến nghị số {feedback_id}.", status_code=404)
        log.info("feedback %d marked as spam by %s (page)", feedback_id, user.username)
        return RedirectResponse("/staff/feedback?notice=spam_marked", status_code=303)
    kwargs: dict = {}
    if action == "assign" and assigned_to.strip():
        kwargs["assign_to"] = assigned_to
    elif action in ("answer", "answer_close") and answer.strip():
        kwargs["answer"] = answer.strip()
        kwargs["close"] = action == "answer_close"
    elif action == "close":
        kwargs["close"] = True
    else:
        return _feedback_page(
            request,
            session,
            settings,
            user,
            expected,
            today,
            feedback_id,
            error="Vui lòng chọn cán bộ hoặc nhập nội dung trả lời.",
            status_code=422,
        )
    try:
        row, changed = feedback_service.update_feedback(session, feedback_id, user=user, **kwargs)
    except feedback_service.FeedbackNotFound:
        return _message(request, settings, user, f"Không có phản ánh, kiến nghị số {feedback_id}.", status_code=404)
    except feedback_service.UnknownStaff:
        error = "Không có cán bộ đang hoạt động với tên đăng nhập này."
        return _feedback_page(
            request, session, settings, user, expected, today, feedback_id, error=error, status_code=422
        )
    except feedback_service.FeedbackConflict as exc:
        return _feedback_page(
            request, session, settings, user, expected, today, feedback_id, error=str(exc), status_code=409
        )
    if changed:
        log.info("feedback %d -> %s by %s (page)", row.id, row.status, user.username)
    return RedirectResponse(f"/staff/feedback/{feedback_id}?notice=feedback_saved", status_code=303)
