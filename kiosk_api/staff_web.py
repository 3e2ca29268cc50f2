"""What the staff pages share: rendering, the logged-in staff member (the `StaffPage` dependency), CSRF checks."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .deps import (
    STAFF_COOKIE,
    SecretDep,
    SessionDep,
)
from .domain.units import OUT_OF_SCOPE, OutOfScope, Scope, UnitError, scope_for
from .errors import error_response
from .models import StaffUser
from .security import csrf_token
from .services import staff as staff_service
from .templating import templates

log = logging.getLogger(__name__)


LOGIN_CSRF_COOKIE = "kiosk_login_csrf"
NOTICES = {
    "logged_out": "Đã đăng xuất.",
    "handoff_done": "Đã cập nhật yêu cầu gặp cán bộ.",
    "petition_saved": "Đã lưu thay đổi.",
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


@dataclass(frozen=True)
class PageUser:
    """The logged-in staff member of a page, with the CSRF token their forms carry."""

    user: StaffUser
    csrf: str
    scope: Scope  # the units the page shows: the officer's own, or (province, admin) every unit or ?unit=


class LoginRequired(Exception):
    """A staff page was asked for without a login: the app's handler (`redirect_to_login`) sends to the login page."""


def logged_in(request: Request, session: SessionDep, secret: SecretDep) -> PageUser:
    found = page_user(request, session, secret)
    if found is None:
        raise LoginRequired
    user, csrf = found
    try:
        scope = scope_for(user.role, user.unit_code, request.query_params.get("unit"))
    except UnitError:
        raise OutOfScope(request.query_params.get("unit")) from None  # a page names no unit it cannot show
    return PageUser(user, csrf, scope)


StaffPage = Annotated[PageUser, Depends(logged_in)]


def redirect_to_login(request: Request, exc: Exception) -> Response:
    return to_login(request)


def other_unit(request: Request, exc: Exception) -> Response:
    """403 for another unit's data (domain.units.OutOfScope, raised by a scope or a service): the message page on
    a staff page, the JSON error on the API."""
    if request.url.path.startswith("/staff"):
        return message_page(request, request.app.state.settings, None, OUT_OF_SCOPE, status_code=403)
    return error_response(403, "other_unit", OUT_OF_SCOPE)


def message_page(request: Request, settings, user, message: str, *, status_code: int) -> HTMLResponse:
    return render(
        request,
        "staff/message.html",
        {"title": "Không thực hiện được", "message": message, "commune": settings.commune_name, "user": user},
        status_code=status_code,
    )
