"""Citizen-facing dossier lookup (mã hồ sơ + 4 last phone digits), throttled per client."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from ..db import session_now
from ..deps import CatalogueDep, ClientDep, SecretDep, SessionDep, SettingsDep, TodayDep
from ..domain import lookup_texts
from ..errors import ApiError
from ..ratings import service as rating_service
from ..schemas.common import error_responses
from ..schemas.dossiers import LookupRequest, PublicDossier
from ..services import dossier_access
from ..services import dossiers as dossier_service

router = APIRouter(prefix="/api/dossiers", tags=["dossiers"])
log = logging.getLogger(__name__)


def locked_error(locked: dossier_access.Locked) -> ApiError:
    return ApiError(
        429,
        "too_many_attempts",
        lookup_texts.locked_text(locked.wait, locked.scope),
        headers={"Retry-After": str(locked.wait)},
    )


@router.post("/lookup", response_model=PublicDossier, responses=error_responses(404, 422, 429))
def lookup(
    body: LookupRequest,
    client: ClientDep,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    catalogue: CatalogueDep,
    today: TodayDep,
) -> PublicDossier:
    """Status of a dossier for the citizen: needs the dossier code and the last 4 digits of the phone.

    An unknown code and a wrong or missing second factor get the same 404 answer. Wrong digits are counted per
    client (KIOSK_LOOKUP_MAX_FAILURES) and per dossier code from anywhere (KIOSK_LOOKUP_CODE_MAX_FAILURES) within
    KIOSK_LOOKUP_WINDOW_SECONDS; when either is spent the answer is 429 with Retry-After. The answer never
    contains the applicant's name or phone number.
    """
    result = dossier_access.check(
        session,
        settings=settings,
        secret=secret,
        client=client,
        code=body.code,
        digits=body.phone_digits,
        now=session_now(session),
    )
    if isinstance(result, dossier_access.Locked):
        raise locked_error(result)
    if result is None:
        raise ApiError(404, "not_found", lookup_texts.NOT_FOUND)
    answer = dossier_service.public_view(result, catalogue=catalogue, today=today, commune_name=settings.commune_name)
    token = rating_service.token_for(secret, result.id, today=today, valid_days=settings.rating_token_days)
    return answer.model_copy(update={"rating_url": rating_service.rating_url(settings.resolved_public_base_url, token)})
