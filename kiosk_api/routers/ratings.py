"""Satisfaction ballots from the kiosk, chat, Zalo or the QR code on the receipt."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from ..db import utcnow
from ..deps import SecretDep, SessionDep, SettingsDep, ThrottleClientDep
from ..errors import ApiError
from ..schemas.common import error_responses
from ..schemas.ratings import RatingRequest, RatingResponse
from ..security import client_key_hash, short
from ..services import ratings as rating_service
from ..services import throttle
from .dossiers import refuse_if_throttled

router = APIRouter(prefix="/api", tags=["ratings"])
log = logging.getLogger(__name__)

THANKS = {
    "rat_hai_long": "Cảm ơn ông/bà đã đánh giá «Rất hài lòng»! Ý kiến của ông/bà giúp chúng tôi phục vụ tốt hơn.",
    "hai_long": "Cảm ơn ông/bà đã đánh giá «Hài lòng»! Chúng tôi sẽ cố gắng phục vụ ngày càng tốt hơn.",
    "binh_thuong": (
        "Cảm ơn ông/bà đã đánh giá. Chúng tôi ghi nhận và sẽ cố gắng cải thiện chất lượng phục vụ; nếu có góp ý "
        "cụ thể, ông/bà có thể gửi phản ánh, kiến nghị."
    ),
    "khong_hai_long": (
        "Cảm ơn ông/bà đã đánh giá, chúng tôi rất tiếc vì ông/bà chưa hài lòng. Lãnh đạo sẽ xem xét ý kiến này; "
        "ông/bà có thể gửi phản ánh, kiến nghị hoặc gặp trực tiếp cán bộ để được giải quyết."
    ),
}
ALREADY_RATED = (
    "Hồ sơ này đã được đánh giá rồi: mỗi hồ sơ chỉ được đánh giá một lần. Cảm ơn ông/bà! Nếu có ý kiến thêm, "
    "ông/bà vui lòng gửi phản ánh, kiến nghị."
)
UNKNOWN_DOSSIER = (
    "Không tìm thấy hồ sơ có mã này. Ông/bà vui lòng kiểm tra lại mã hồ sơ trên Giấy tiếp nhận hồ sơ và hẹn trả "
    "kết quả, hoặc đánh giá mà không cần nhập mã."
)


@router.post("/ratings", response_model=RatingResponse, responses=error_responses(404, 409, 422, 429))
def submit_rating(
    body: RatingRequest,
    client: ThrottleClientDep,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
) -> RatingResponse:
    """Record a ballot. Resubmitting the same idempotency_key returns the same ballot (one row); a second
    ballot for the same dossier gets 409. An unknown dossier code gets 404 and counts as a failed lookup
    for throttling (the code's existence is not given away for free)."""
    ballot = rating_service.Ballot(
        channel=body.channel,
        satisfaction=body.satisfaction,
        idempotency_key=body.idempotency_key,
        comment=(body.comment or "").strip() or None,
        dossier_code=body.dossier_code or None,
        counter_id=body.counter_id or None,
    )
    dossier_id = None
    if ballot.dossier_code:
        client_key = client_key_hash(secret, "lookup", client)
        now = utcnow()
        refuse_if_throttled(session, settings, client_key, now)
        try:
            dossier_id = rating_service.dossier_id_for(session, ballot.dossier_code)
        except rating_service.UnknownDossier:
            throttle.record_attempt(
                session, client_key, success=False, now=now, keep_seconds=settings.lookup_window_seconds
            )
            session.commit()
            log.info("rating for an unknown dossier: client=%s", short(client_key))
            raise ApiError(404, "dossier_not_found", UNKNOWN_DOSSIER) from None
    try:
        result = rating_service.submit(session, ballot, dossier_id=dossier_id)
    except rating_service.DossierAlreadyRated:
        raise ApiError(409, "already_rated", ALREADY_RATED) from None
    except rating_service.KeyReused:
        raise ApiError(
            409, "idempotency_key_reused", "This idempotency_key was already used for a different ballot."
        ) from None
    rating = result.rating
    log.info("rating %s: id=%d channel=%s", "stored" if result.created else "replayed", rating.id, rating.channel)
    return RatingResponse(id=rating.id, text=THANKS[rating.satisfaction])
