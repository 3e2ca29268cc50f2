"""Staff login and logout pages (the same throttled check and audit as POST /api/staff/login)."""

from __future__ import annotations

import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...deps import (
    STAFF_COOKIE,
    SecretDep,
    SessionDep,
    SettingsDep,
    client_address,
    secure_cookies,
)
from ...errors import login_error
from ...services import staff as staff_service
from ...staff_web import (
    LOGIN_CSRF_COOKIE,
    NOTICES,
    csrf_ok,
    forbidden,
    page_user,
    render,
    safe_next,
)

log = logging.getLogger(__name__)
router = APIRouter()


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
