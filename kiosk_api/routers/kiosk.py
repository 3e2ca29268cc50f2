"""The touch kiosk (/kiosk), its server-rendered procedure cards (/kiosk/thu-tuc/{code}, also the print view) and
the phone checklist page its QR code carries (/p/{code}).

The kiosk is one page: a Jinja2 shell with the home grid's data inlined as JSON (no extra round trip for the
first screen) and vanilla ES modules under static/kiosk/. Cards are rendered here once, in Vietnamese, and the
kiosk inserts them as HTML fragments, so the card, its print layout and the deep link never disagree.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from procedures_kb.catalogue import Catalogue
from procedures_kb.schema import Procedure

from ..deps import CalendarDep, CatalogueDep, NowDep, SettingsDep
from ..errors import ApiError
from ..settings import Settings
from ..templating import STATIC_DIR, templates
from ..views.kiosk import card_for, kiosk_data, phone_url
from ..views.qr import qr_svg

router = APIRouter(tags=["kiosk"], include_in_schema=False)

SAFE_CODE_CHARS = frozenset("0123456789.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def is_safe_code(code: str) -> bool:
    return 0 < len(code) <= 64 and set(code) <= SAFE_CODE_CHARS


def procedure_or_404(catalogue: Catalogue, code: str) -> Procedure:
    procedure = catalogue.get(code) if is_safe_code(code) else None
    if procedure is None:
        raise ApiError(404, "not_found", f"Không tìm thấy thủ tục có mã {code[:32]}.")
    return procedure


def not_found_page(request: Request, code: str, settings: Settings) -> HTMLResponse:
    """A plain Vietnamese 404 page (these addresses are opened by citizens, not by API clients)."""
    return templates.TemplateResponse(
        request,
        "phone/not_found.html",
        {"code": code[:32], "commune": settings.commune_name, "desk": settings.desk_name},
        status_code=404,
    )


# ---- pages -----------------------------------------------------------------------------------------------


@router.get("/")
def root() -> RedirectResponse:
    """The server's address opens the kiosk screen (what ./scripts/start prints)."""
    return RedirectResponse("/kiosk", status_code=307)


@router.get("/kiosk", response_class=HTMLResponse)
def kiosk_page(request: Request, catalogue: CatalogueDep, settings: SettingsDep) -> HTMLResponse:
    """The kiosk app shell with the home grid's data inlined."""
    data = kiosk_data(catalogue, settings)
    return templates.TemplateResponse(
        request,
        "kiosk/app.html",
        {"data": data, "commune": settings.commune_name},
        headers={"Cache-Control": "no-store"},
    )


@router.get("/kiosk/thu-tuc/{code}", response_class=HTMLResponse)
def kiosk_card(
    request: Request,
    code: str,
    catalogue: CatalogueDep,
    settings: SettingsDep,
    now: NowDep,
    calendar: CalendarDep,
    partial: Annotated[bool, Query(description="Only the card fragment (inserted by the kiosk page)")] = False,
) -> HTMLResponse:
    """A procedure card: documents, fee (with calculator), time limit, where to submit, QR to the phone page.
    As a whole page it is the deep link and the print view (80 mm receipt printer)."""
    procedure = catalogue.get(code) if is_safe_code(code) else None
    if procedure is None:
        return not_found_page(request, code, settings)
    card = card_for(procedure, catalogue, settings, now=now, calendar=calendar)
    name = "kiosk/card_fragment.html" if partial else "kiosk/card_page.html"
    return templates.TemplateResponse(
        request, name, {"card": card, "commune": settings.commune_name}, headers={"Cache-Control": "no-store"}
    )


@cache
def checklist_script() -> tuple[str, str]:
    """The phone checklist's script (static/phone/checklist.js, inlined so the page is one request on a cheap phone)
    and the Content Security Policy that lets exactly that script run (its SHA-256)."""
    script = (STATIC_DIR / "phone" / "checklist.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = (
        f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return script, policy


@router.get("/p/{code}", response_class=HTMLResponse)
def phone_checklist(request: Request, code: str, catalogue: CatalogueDep, settings: SettingsDep) -> HTMLResponse:
    """The checklist a citizen carries home on the phone: documents as ticks kept on the phone, fee, time, where."""
    procedure = catalogue.get(code) if is_safe_code(code) else None
    if procedure is None:
        return not_found_page(request, code, settings)
    card = card_for(procedure, catalogue, settings)
    script, policy = checklist_script()
    return templates.TemplateResponse(
        request,
        "phone/checklist.html",
        {"card": card, "commune": settings.commune_name, "desk": settings.desk_name, "script": script},
        headers={"Cache-Control": "public, max-age=3600", "Content-Security-Policy": policy},
    )


@router.get("/p/{code}/qr.svg")
def phone_checklist_qr(code: str, catalogue: CatalogueDep, settings: SettingsDep) -> Response:
    """QR code (SVG) of the phone checklist page's address."""
    procedure = procedure_or_404(catalogue, code)
    return Response(
        qr_svg(phone_url(settings, procedure.code)),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=3600"},
    )
