"""Satisfaction ballots from the kiosk, chat, Zalo or the QR code on the receipt; the ballot's questions; the QR
image of a rating token (the kiosk shows it after a lookup)."""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from ..deps import ClientDep, SecretDep, SessionDep, SettingsDep, TodayDep
from ..errors import ApiError
from ..schemas.common import error_responses
from ..views.qr import qr_png, qr_svg
from . import form, wording
from . import service as rating_service
from .schemas import QuestionsResponse, RatingRequest, RatingResponse
from .token import TokenExpired, TokenInvalid

router = APIRouter(prefix="/api", tags=["ratings"])
log = logging.getLogger(__name__)

QR_CACHE = "private, max-age=3600"


@router.post("/ratings", response_model=RatingResponse, responses=error_responses(400, 403, 404, 409, 410, 422, 429))
def submit_rating(
    body: RatingRequest,
    client: ClientDep,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    today: TodayDep,
) -> RatingResponse:
    """Record a ballot: the satisfaction, optionally indicators 3, 4, 6, 7 (2/1/0), a comment, and the dossier
    rated (by its `token`: the QR code on the receipt, or the token a lookup verified with the phone digits gives)
    or the counter.

    A dossier code without its token is refused (403): nobody can take a citizen's one ballot by knowing the code.
    Resubmitting the same idempotency_key returns the same ballot (one row); a second ballot for the same dossier
    gets 409; a tampered token gets 400 and counts as a failed lookup; an expired token gets 410."""
    ballot = rating_service.Ballot(
        channel=body.channel,
        satisfaction=body.satisfaction,
        idempotency_key=body.idempotency_key,
        comment=(body.comment or "").strip() or None,
        dossier_code=body.dossier_code or None,
        counter_id=body.counter_id or None,
        i3=body.i3,
        i4=body.i4,
        i6=body.i6,
        i7=body.i7,
    )
    try:
        result = rating_service.submit_ballot(
            session, ballot, token=body.token, client=client, settings=settings, secret=secret, today=today
        )
    except rating_service.BallotRefused as refused:
        raise ApiError(refused.status, refused.error, refused.detail, headers=refused.headers) from None
    return RatingResponse(id=result.rating.id, text=wording.THANKS[result.rating.satisfaction])


@router.get("/ratings/questions", response_model=QuestionsResponse)
def rating_questions(
    kind: Annotated[Literal["dossier", "counter"], Query(description="Per-dossier ballot or counter ballot")] = (
        "dossier"
    ),
) -> QuestionsResponse:
    """The ballot's questions and answer options, worded for citizens (the same as the QR rating page)."""
    return QuestionsResponse.model_validate(form.as_json(kind))


def _checked_url(token: str, session, secret: bytes, today, settings) -> str:
    try:
        rating_service.dossier_for_token(session, secret, token, today=today)
    except (TokenInvalid, TokenExpired, rating_service.DossierGone):
        raise ApiError(404, "not_found", "Unknown or expired rating token.") from None
    return rating_service.rating_url(settings.resolved_public_base_url, token.strip())


@router.get(
    "/ratings/qr/{token}.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}, **error_responses(404)},
)
def rating_qr_svg(token: str, session: SessionDep, secret: SecretDep, today: TodayDep, settings: SettingsDep):
    """The QR code (SVG) of the rating page of a valid token's dossier."""
    url = _checked_url(token, session, secret, today, settings)
    return Response(qr_svg(url), media_type="image/svg+xml", headers={"Cache-Control": QR_CACHE})


@router.get(
    "/ratings/qr/{token}.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}, **error_responses(404)},
)
def rating_qr_png(token: str, session: SessionDep, secret: SecretDep, today: TodayDep, settings: SettingsDep):
    """The QR code (PNG) of the rating page of a valid token's dossier."""
    url = _checked_url(token, session, secret, today, settings)
    return Response(qr_png(url), media_type="image/png", headers={"Cache-Control": QR_CACHE})
