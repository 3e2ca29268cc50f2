"""Staff endpoints for printable rating slips (QR code of a dossier's or a counter's rating page)."""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from ..deps import CatalogueDep, SecretDep, SessionDep, SettingsDep, StaffDep, TodayDep, current_staff
from ..errors import ApiError
from ..schemas.common import error_responses
from ..services import dossiers as dossier_service
from . import slips

router = APIRouter(
    prefix="/api/staff",
    tags=["staff", "ratings"],
    dependencies=[Depends(current_staff)],
    responses=error_responses(401),
)
log = logging.getLogger(__name__)

SizeQuery = Annotated[Literal["a5", "80mm"], Query(description="Paper: A5 or an 80 mm receipt printer")]
FormatQuery = Annotated[
    Literal["html", "png", "svg"], Query(description="Printable page, PNG image, or the bare QR code as SVG")
]
SLIP_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/html": {}, "image/png": {}, "image/svg+xml": {}},
        "description": "The slip (html, png) or its QR code (svg)",
    }
}


def _answer(slip: slips.Slip, size: slips.Size, fmt: str) -> Response:
    headers = {"Cache-Control": "no-store"}
    if fmt == "png":
        headers["Content-Disposition"] = f'inline; filename="{slip.file_stem}-{size}.png"'
        return Response(slips.slip_png(slip, size), media_type="image/png", headers=headers)
    if fmt == "svg":
        headers["Content-Disposition"] = f'inline; filename="{slip.file_stem}.svg"'
        return Response(slips.slip_svg(slip), media_type="image/svg+xml", headers=headers)
    return Response(slips.slip_html(slip, size), media_type="text/html; charset=utf-8", headers=headers)


@router.get(
    "/dossiers/{code}/rating-slip",
    response_class=Response,
    responses={**SLIP_CONTENT, **error_responses(404, 422)},
)
def dossier_rating_slip(
    code: str,
    user: StaffDep,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    catalogue: CatalogueDep,
    today: TodayDep,
    size: SizeQuery = "a5",
    format: FormatQuery = "html",  # noqa: A002 - the query parameter's name
) -> Response:
    """The rating slip of a dossier, to hand over with the receipt or the result: its QR code opens the
    dossier's rating page (valid KIOSK_RATING_TOKEN_DAYS from today)."""
    try:
        slip = slips.dossier_slip(session, code, settings=settings, secret=secret, catalogue=catalogue, today=today)
    except dossier_service.DossierNotFound:
        raise ApiError(404, "not_found", f"Không có hồ sơ mã {code}.") from None
    log.info("rating slip (%s, %s) for a dossier printed by %s", size, format, user.username)
    return _answer(slip, size, format)


@router.get(
    "/counters/{counter_id}/rating-slip",
    response_class=Response,
    responses={**SLIP_CONTENT, **error_responses(404, 422)},
)
def counter_rating_slip(
    counter_id: str,
    settings: SettingsDep,
    size: SizeQuery = "a5",
    format: FormatQuery = "html",  # noqa: A002 - the query parameter's name
) -> Response:
    """The slip to stick on a counter: its QR code opens the counter's anonymous rating page."""
    try:
        slip = slips.counter_slip(counter_id, settings=settings)
    except slips.UnknownCounter:
        raise ApiError(
            404, "not_found", "Mã quầy chỉ gồm chữ không dấu, chữ số, '-' và '_' (tối đa 50 ký tự)."
        ) from None
    return _answer(slip, size, format)
