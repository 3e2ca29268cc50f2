"""Satisfaction ballots from the kiosk, chat, Zalo or the QR code on the receipt; the ballot's questions; the QR
image of a rating token (the kiosk shows it after a lookup)."""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from ..db import session_now
from ..deps import SecretDep, SessionDep, SettingsDep, ThrottleClientDep, TodayDep
from ..domain import ballot as wording
from ..domain.qr import qr_png, qr_svg
from ..domain.rating_token import TokenExpired, TokenInvalid
from ..errors import ApiError
from ..schemas.common import error_responses
from ..schemas.ratings import QuestionsResponse, RatingRequest, RatingResponse
from ..security import client_key_hash, short
from ..services import ratings as rating_service
from ..services import throttle
from .dossiers import refuse_if_throttled

router = APIRouter(prefix="/api", tags=["ratings"])
log = logging.getLogger(__name__)

# Kept here under their old names for callers of this module; the wording lives in kiosk_api.domain.ballot.
THANKS = wording.THANKS
ALREADY_RATED = wording.ALREADY_RATED
UNKNOWN_DOSSIER = wording.UNKNOWN_DOSSIER
QR_CACHE = "private, max-age=3600"


@router.post("/ratings", response_model=RatingResponse, responses=error_responses(400, 404, 409, 410, 422, 429))
def submit_rating(
    body: RatingRequest,
    client: ThrottleClientDep,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    today: TodayDep,
) -> RatingResponse:
    """Record a ballot: the satisfaction, optionally indicators 3, 4, 6, 7 (2/1/0), a comment, and the dossier
    (by `dossier_code`, or by `token` from its QR code) or the counter rated.

    Resubmitting the same idempotency_key returns the same ballot (one row); a second ballot for the same
    dossier gets 409. An unknown dossier code gets 404 and counts as a failed lookup for throttling (the
    code's existence is not given away for free), as does a tampered token (400); an expired token gets 410."""
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
    dossier_id = None
    if ballot.dossier_code or body.token:
        client_key = client_key_hash(secret, "lookup", client)
        now = session_now(session)
        refuse_if_throttled(session, settings, client_key, now)

        def failed(status: int, error: str, detail: str) -> ApiError:
            throttle.record_attempt(
                session, client_key, success=False, now=now, keep_seconds=settings.lookup_window_seconds
            )
            session.commit()
            log.info("rating refused (%s): client=%s", error, short(client_key))
            return ApiError(status, error, detail)

        if body.token:
            try:
                dossier_id = rating_service.dossier_for_token(session, secret, body.token, today=today).id
            except TokenExpired as exc:
                raise ApiError(410, "token_expired", wording.token_expired(str(exc))) from None
            except TokenInvalid:
                raise failed(400, "token_invalid", wording.TOKEN_INVALID) from None
            except rating_service.DossierGone:
                raise ApiError(404, "dossier_not_found", wording.DOSSIER_GONE) from None
        else:
            try:
                dossier_id = rating_service.dossier_id_for(session, ballot.dossier_code)
            except rating_service.UnknownDossier:
                raise failed(404, "dossier_not_found", UNKNOWN_DOSSIER) from None
    counter_budget = None
    if dossier_id is None and rating_service.by_key(session, ballot.idempotency_key) is None:
        # An anonymous counter ballot: a budget per client (a replay of a stored ballot is always answered).
        counter_budget = rating_service.counter_budget_key(secret, client)
        try:
            rating_service.check_counter_budget(
                session, counter_budget, limit=settings.counter_ballots_per_hour, now=session_now(session)
            )
        except rating_service.TooManyCounterBallots:
            log.info("counter ballot refused (budget used): client=%s", short(counter_budget))
            raise ApiError(429, "too_many_ballots", wording.TOO_MANY_COUNTER_BALLOTS) from None
    try:
        result = rating_service.submit(session, ballot, dossier_id=dossier_id)
    except rating_service.DossierAlreadyRated:
        raise ApiError(409, "already_rated", ALREADY_RATED) from None
    except rating_service.KeyReused:
        raise ApiError(
            409, "idempotency_key_reused", "This idempotency_key was already used for a different ballot."
        ) from None
    rating = result.rating
    if counter_budget is not None and result.created:
        rating_service.spend_counter_budget(
            session, counter_budget, now=session_now(session), keep_seconds=settings.lookup_window_seconds
        )
    log.info("rating %s: id=%d channel=%s", "stored" if result.created else "replayed", rating.id, rating.channel)
    return RatingResponse(id=rating.id, text=THANKS[rating.satisfaction])


@router.get("/ratings/questions", response_model=QuestionsResponse)
def rating_questions(
    kind: Annotated[Literal["dossier", "counter"], Query(description="Per-dossier ballot or counter ballot")] = (
        "dossier"
    ),
) -> QuestionsResponse:
    """The ballot's questions and answer options, worded for citizens (the same as the QR rating page)."""
    return QuestionsResponse.model_validate(wording.as_json(kind))


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
