"""Citizen-facing dossier lookup (mã hồ sơ + 4 last phone digits), throttled per client."""

from __future__ import annotations

import logging
import math
from datetime import datetime

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from ..db import session_now
from ..deps import CatalogueDep, SecretDep, SessionDep, SettingsDep, TodayDep, throttle_client
from ..errors import ApiError
from ..schemas.common import error_responses
from ..schemas.dossiers import LookupRequest, PublicDossier
from ..security import client_key_hash, keyed_hash, short
from ..services import dossiers as dossier_service
from ..services import ratings as rating_service
from ..services import throttle
from ..settings import Settings

router = APIRouter(prefix="/api/dossiers", tags=["dossiers"])
log = logging.getLogger(__name__)

NOT_FOUND = (
    "Không tìm thấy hồ sơ với thông tin đã nhập. Ông/bà vui lòng kiểm tra lại mã hồ sơ trên Giấy tiếp nhận "
    "hồ sơ và hẹn trả kết quả và 4 số cuối của số điện thoại đã đăng ký khi nộp hồ sơ."
)


def too_many_attempts(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return (
        "Ông/bà đã nhập sai quá nhiều lần. Vui lòng thử lại sau khoảng "
        f"{minutes} phút, hoặc hỏi cán bộ tại Bộ phận Một cửa để được hỗ trợ."
    )


def refuse_if_throttled(session: Session, settings: Settings, client: str, now: datetime) -> None:
    """429 with Retry-After when this client has failed too often within the window (shared by all replicas)."""
    wait = throttle.retry_after(
        session,
        client,
        max_failures=settings.lookup_max_failures,
        window_seconds=settings.lookup_window_seconds,
        now=now,
    )
    if wait is not None:
        log.warning("throttled: client=%s retry_after=%ds", short(client), wait)
        raise ApiError(429, "too_many_attempts", too_many_attempts(wait), headers={"Retry-After": str(wait)})


@router.post("/lookup", response_model=PublicDossier, responses=error_responses(404, 422, 429))
def lookup(
    body: LookupRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    catalogue: CatalogueDep,
    today: TodayDep,
) -> PublicDossier:
    """Status of a dossier for the citizen: needs the dossier code and the last 4 digits of the phone.

    An unknown code and a wrong or missing second factor get the same 404 answer. After
    KIOSK_LOOKUP_MAX_FAILURES failures within KIOSK_LOOKUP_WINDOW_SECONDS a client gets 429 with
    Retry-After. The answer never contains the applicant's name or phone number.
    """
    client = client_key_hash(secret, "lookup", throttle_client(request))
    now = session_now(session)
    refuse_if_throttled(session, settings, client, now)

    dossier = dossier_service.find_for_lookup(session, body.code, body.phone_last4, secret=secret)
    throttle.record_attempt(
        session, client, success=dossier is not None, now=now, keep_seconds=settings.lookup_window_seconds
    )
    session.commit()
    code_ref = short(keyed_hash(secret, "log-dossier", body.code.strip()))
    if dossier is None:
        log.info("dossier lookup failed: client=%s code=%s", short(client), code_ref)
        raise ApiError(404, "not_found", NOT_FOUND)
    log.info("dossier lookup ok: client=%s code=%s", short(client), code_ref)
    answer = dossier_service.public_view(dossier, catalogue=catalogue, today=today, commune_name=settings.commune_name)
    if body.phone_last4:  # the second factor was given (and matched): offer the dossier's rating page
        token = rating_service.token_for(secret, dossier.id, today=today, valid_days=settings.rating_token_days)
        answer = answer.model_copy(
            update={"rating_url": rating_service.rating_url(settings.resolved_public_base_url, token)}
        )
    return answer
