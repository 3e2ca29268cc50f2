"""FastAPI dependencies: settings, database session, catalogue, clock and the current staff user."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import time
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from procedures_kb.catalogue import Catalogue
from procedures_kb.workdays import WorkingCalendar

from .clock import Clock, utc_now, vn_today
from .db import UNIT_KEY
from .domain import identity
from .domain.units import Network, Scope, UnitError, scope_for, unit_for_address
from .errors import ApiError
from .models import StaffUser
from .security import csrf_token
from .services import staff as staff_service
from .services import units as units_service
from .settings import Settings

log = logging.getLogger(__name__)

_bearer = HTTPBearer(auto_error=False, description="Token from POST /api/staff/login")


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_secret(request: Request) -> bytes:
    return request.app.state.secret


def get_session(request: Request) -> Iterator[Session]:
    """A database session for the request; what it adds without a unit belongs to the request's unit."""
    with request.app.state.sessionmaker() as session:
        session.info[UNIT_KEY] = request_unit(request)
        yield session


KIOSK_UNITS_TTL = 30.0  # seconds a replica keeps the units' kiosk addresses before reading them again


def kiosk_units(request: Request) -> dict[str, list[Network]]:
    """Every unit's kiosk networks (units_service.kiosk_networks), read at most every KIOSK_UNITS_TTL seconds: a
    change made with `kiosk units kiosks` reaches every replica within that time."""
    state = request.app.state
    cached: tuple[float, dict[str, list[Network]]] | None = getattr(state, "kiosk_units", None)
    now = time.monotonic()
    if cached is None or now - cached[0] > KIOSK_UNITS_TTL:
        with state.sessionmaker() as session:
            cached = (now, units_service.kiosk_networks(session))
        state.kiosk_units = cached
    return cached[1]


def request_unit(request: Request) -> str:
    """The unit of the kiosk the request comes from (its address in a unit's kiosk addresses), else KIOSK_UNIT."""
    return unit_for_address(client_address(request), kiosk_units(request), request.app.state.settings.unit)


def get_catalogue(request: Request) -> Catalogue:
    return request.app.state.catalogue


def get_clock(request: Request) -> Clock:
    return request.app.state.clock


def get_calendar(request: Request) -> WorkingCalendar:
    return request.app.state.calendar


def get_now(clock: Annotated[Clock, Depends(get_clock)]) -> datetime:
    """The current instant (UTC) by the app's clock."""
    return utc_now(clock)


def get_today(clock: Annotated[Clock, Depends(get_clock)]) -> date:
    """Today in Vietnam by the app's clock."""
    return vn_today(clock)


def client_address(request: Request) -> str:
    """The client's IP address (X-Forwarded-For is applied by uvicorn only from KIOSK_TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


def secure_cookies(request: Request) -> bool:
    """Cookies carry Secure when the page came over https, or when citizens and staff reach the server over https
    (KIOSK_PUBLIC_BASE_URL) behind a TLS proxy that the server sees over plain http."""
    settings: Settings = request.app.state.settings
    return request.url.scheme == "https" or settings.resolved_public_base_url.startswith("https://")


INTERNAL_HEADER = "X-Kiosk-Internal"
CLIENT_HEADER = "X-Kiosk-Client"
KIOSK_SESSION_HEADER = "X-Kiosk-Session"
UNVERIFIED_CHAT = "chat:unverified"


def is_internal(request: Request) -> bool:
    """True when the request carries the internal token (the Rasa action server), compared in constant time."""
    supplied = request.headers.get(INTERNAL_HEADER)
    if not supplied:
        return False
    expected: str = request.app.state.internal_token
    if hmac.compare_digest(supplied.encode(), expected.encode()):
        return True
    log.warning("request with a wrong %s header ignored", INTERNAL_HEADER)
    return False


def from_kiosk(request: Request) -> bool:
    """True when the request comes from one of the touch kiosks (KIOSK_KIOSK_ADDRESSES, or a unit's kiosk
    addresses)."""
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    settings: Settings = request.app.state.settings
    units = [net for nets in kiosk_units(request).values() for net in nets]
    return any(address.version == n.version and address in n for n in [*settings.kiosk_networks, *units])


def client_identity(request: Request) -> str:
    """Who a throttling budget belongs to, from what the caller cannot choose:

    - the action server (valid internal token): the client ticket kiosk_api signed for that chat message and passed
      through Rasa (`identity.client_ticket`); an unsigned, forged or stale value shares one strict bucket;
    - a touch kiosk (KIOSK_KIOSK_ADDRESSES) with a kiosk session the server issued (`X-Kiosk-Session`): that session,
      so one citizen's failures do not lock the kiosk for the next;
    - anyone else: the client's address (X-Forwarded-For counts only from KIOSK_TRUSTED_PROXIES, through uvicorn).
    """
    state = request.app.state
    now = utc_now(state.clock).timestamp()
    forwarded = (request.headers.get(CLIENT_HEADER) or "").strip()
    if forwarded and is_internal(request):
        return identity.read_client_ticket(state.secret, forwarded, now) or UNVERIFIED_CHAT
    session = (request.headers.get(KIOSK_SESSION_HEADER) or "").strip()
    if session and from_kiosk(request):
        session_id = identity.read_kiosk_session(state.secret, session, now)
        if session_id is not None:
            return f"kiosk:{session_id}"
    return f"addr:{client_address(request)}"


SettingsDep = Annotated[Settings, Depends(get_settings)]
SecretDep = Annotated[bytes, Depends(get_secret)]
SessionDep = Annotated[Session, Depends(get_session)]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
TodayDep = Annotated[date, Depends(get_today)]
NowDep = Annotated[datetime, Depends(get_now)]
ClockDep = Annotated[Clock, Depends(get_clock)]
CalendarDep = Annotated[WorkingCalendar, Depends(get_calendar)]
ClientDep = Annotated[str, Depends(client_identity)]

UNAUTHORIZED_DETAIL = "Cần đăng nhập bằng tài khoản cán bộ (phiên đăng nhập có thể đã hết hạn)."


# Staff pages (/staff/...) log in with a form and keep the same kind of session token in this cookie
# (HttpOnly, SameSite=Strict; set by kiosk_api.routers.staff_pages).
STAFF_COOKIE = "kiosk_staff"
_cookie = APIKeyCookie(name=STAFF_COOKIE, auto_error=False, description="Session cookie set by POST /staff/login")


CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> str:
    """The staff session token: from the Authorization bearer header, else from the staff pages' cookie. A browser
    sends the cookie with any request, even one another site makes it send, so with the cookie only reading is
    allowed (a report linked from the dashboard); a change needs the session's CSRF token in X-CSRF-Token."""
    if credentials is not None and credentials.scheme.lower() == "bearer" and credentials.credentials:
        return credentials.credentials
    if cookie:
        if request.method not in SAFE_METHODS:
            supplied = request.headers.get(CSRF_HEADER, "")
            expected = csrf_token(request.app.state.secret, cookie)
            if not supplied or not hmac.compare_digest(supplied.encode(), expected.encode()):
                raise ApiError(
                    403, "csrf_required", "Thay đổi qua API cần mã xác thực (Authorization: Bearer) hoặc X-CSRF-Token."
                )
        return cookie
    raise ApiError(401, "unauthorized", UNAUTHORIZED_DETAIL, headers={"WWW-Authenticate": "Bearer"})


def current_staff(token: Annotated[str, Depends(bearer_token)], session: SessionDep, secret: SecretDep) -> StaffUser:
    user = staff_service.user_for_token(session, token, secret=secret)
    if user is None:
        raise ApiError(401, "unauthorized", UNAUTHORIZED_DETAIL, headers={"WWW-Authenticate": "Bearer"})
    return user


TokenDep = Annotated[str, Depends(bearer_token)]
StaffDep = Annotated[StaffUser, Depends(current_staff)]


def staff_scope(
    user: StaffDep,
    unit: Annotated[
        str | None,
        Query(
            max_length=5,
            description="A unit's code: a province officer or an admin sees only it; a commune officer may only name "
            "their own (403 otherwise)",
        ),
    ] = None,
) -> Scope:
    """The units the logged-in staff member works on in this request (kiosk_api.domain.units.scope_for)."""
    try:
        return scope_for(user.role, user.unit_code, unit)  # another unit: OutOfScope, answered 403 by the app
    except UnitError as exc:
        raise ApiError(422, "invalid_unit", str(exc)) from None


ScopeDep = Annotated[Scope, Depends(staff_scope)]
