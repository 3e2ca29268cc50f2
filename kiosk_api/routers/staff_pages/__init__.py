"""Staff web pages (server-rendered, Vietnamese): login/logout, the dashboard and hand-off requests. The petition
pages live with their capability (kiosk_api.petitions.pages) and use this package's shared helpers (`common`).

Login: the form posts the same credentials as POST /api/staff/login and goes through the same throttled check
and audit (routers.staff.log_in); the session token is kept in an HttpOnly, SameSite=Strict cookie (Secure on
https), which deps.current_staff also accepts, so the pages can download the reports from /api/reports/….
Pages redirect to /staff/login when not logged in. Every form that changes state is a POST carrying a CSRF token
bound to the session (an HMAC of the session token), on top of SameSite=Strict.
"""

from __future__ import annotations

from fastapi import APIRouter

from ...staff_web import LoginRequired, other_unit, redirect_to_login
from . import auth, dashboard

router = APIRouter(tags=["staff pages"], include_in_schema=False)
for pages in (auth, dashboard):
    router.include_router(pages.router, prefix="/staff")

__all__ = ["LoginRequired", "other_unit", "redirect_to_login", "router"]
