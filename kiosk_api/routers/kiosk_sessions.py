"""POST /api/kiosk/session: a new kiosk session for the next citizen (touch kiosks only)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ..deps import SecretDep, SessionDep, SettingsDep, client_address, from_kiosk
from ..errors import ApiError
from ..schemas.common import error_responses
from ..schemas.kiosk_sessions import KioskSessionOut
from ..services import kiosk_sessions

router = APIRouter(prefix="/api/kiosk", tags=["kiosk"])


@router.post("/session", response_model=KioskSessionOut, responses=error_responses(403, 429))
def new_session(request: Request, session: SessionDep, settings: SettingsDep, secret: SecretDep) -> KioskSessionOut:
    """A kiosk session (signed by the server) for the citizen now at the kiosk: lookups that carry it in
    X-Kiosk-Session are throttled per session, so one citizen's mistakes do not lock the kiosk for the next.
    Only KIOSK_KIOSK_ADDRESSES get sessions, KIOSK_KIOSK_SESSIONS_PER_HOUR per kiosk per hour."""
    if not from_kiosk(request):
        raise ApiError(403, "not_a_kiosk", "Chỉ máy kiosk đặt tại nơi tiếp nhận hồ sơ mới dùng được chức năng này.")
    try:
        issued = kiosk_sessions.issue(session, settings=settings, secret=secret, address=client_address(request))
    except kiosk_sessions.TooManySessions:
        raise ApiError(
            429, "too_many_sessions", "Máy kiosk đã mở quá nhiều phiên trong giờ này. Vui lòng thử lại sau ít phút."
        ) from None
    return KioskSessionOut(session=issued.token, expires_in=issued.expires_in)
