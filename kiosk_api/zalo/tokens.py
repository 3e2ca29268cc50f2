"""The Zalo OA's access and refresh tokens, kept in the zalo_tokens table (one row per Official Account).

An access token lasts about 25 hours; the refresh token about 3 months and is single-use: each refresh
(``POST {oauth_base}/v4/oa/access_token``, form fields refresh_token, app_id, grant_type=refresh_token, header
secret_key = the app secret) spends it and returns a new pair, which must be stored at once. The access token is
refreshed when less than KIOSK_ZALO_REFRESH_MARGIN_SECONDS is left, and when Zalo rejects it (error -216).

Replicas: the refresh runs inside a transaction that holds the row locked (SELECT … FOR UPDATE on PostgreSQL; on
SQLite a no-op UPDATE takes the database's write lock first), and re-reads the row once it holds the lock: if
another replica (or task) refreshed meanwhile, its token is used and the spent refresh token is never sent twice.
A refused refresh token marks the row (refresh_error) and logs an operator message: get a new pair from the Zalo
OA admin page and run ``kiosk zalo set-tokens``; Zalo is not asked again with the dead token until then.

Tokens are secrets: they are never logged.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import httpx
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from ..db import session_now
from ..models import ZaloToken

log = logging.getLogger(__name__)

REFRESH_PATH = "/v4/oa/access_token"
DEFAULT_OA = "default"
OPERATOR_DEAD = (
    "Zalo đã từ chối refresh token (hết hạn hoặc đã dùng): trợ lý không thể trả lời tin nhắn Zalo. "
    "Cách khắc phục: vào trang quản trị Zalo OA (developers.zalo.me) lấy cặp access token và refresh token mới, "
    "rồi chạy `kiosk zalo set-tokens`. / Zalo refused the OA refresh token (expired or already used): Zalo "
    "messages cannot be answered. Fix: get a new access/refresh token pair from the Zalo OA admin "
    "(developers.zalo.me) and run `kiosk zalo set-tokens`."
)
OPERATOR_MISSING = (
    "Chưa có token Zalo OA: chạy `kiosk zalo set-tokens`. / No Zalo OA tokens stored: run `kiosk zalo set-tokens`."
)


class ZaloTokenError(Exception):
    """No usable access token (the message is safe to log)."""


class TokensMissing(ZaloTokenError):
    pass


class RefreshTokenDead(ZaloTokenError):
    pass


class RefreshFailed(ZaloTokenError):
    """A temporary failure (network, Zalo 5xx): try again later."""


TokenState = Literal["missing", "ok", "expiring", "expired", "refresh_failed"]


@dataclass(frozen=True)
class TokenStatus:
    state: TokenState
    access_expires_at: datetime | None = None
    updated_at: datetime | None = None
    refresh_error: str | None = None


def oa_key(oa_id: str | None) -> str:
    return (oa_id or DEFAULT_OA)[:64]


def set_tokens(
    session: Session, oa_id: str | None, access: str, refresh: str, expires_in: int, *, now: datetime | None = None
) -> ZaloToken:
    """Store a token pair (from the OA admin page or a refresh) and clear any refresh error; commits."""
    access, refresh = access.strip(), refresh.strip()
    if not access or not refresh:
        raise ValueError("both tokens are required")
    if expires_in <= 0:
        raise ValueError("expires_in must be positive")
    now = now or session_now(session)
    row = session.get(ZaloToken, oa_key(oa_id))
    if row is None:
        row = ZaloToken(oa_id=oa_key(oa_id))
        session.add(row)
    store_pair(row, access, refresh, expires_in, now)
    session.commit()
    return row


def store_pair(row: ZaloToken, access: str, refresh: str, expires_in: int, now: datetime) -> None:
    """Put a new token pair on the OA's row and clear any refresh failure (committed by the caller)."""
    row.access_token = access
    row.refresh_token = refresh
    row.access_expires_at = now + timedelta(seconds=expires_in)
    row.updated_at = now
    row.refresh_error = None
    row.refresh_failed_at = None


def token_status(
    session: Session, oa_id: str | None, *, margin_seconds: int, now: datetime | None = None
) -> TokenStatus:
    now = now or session_now(session)
    row = session.get(ZaloToken, oa_key(oa_id))
    if row is None:
        return TokenStatus("missing")
    if row.refresh_error:
        state: TokenState = "refresh_failed"
    elif row.access_expires_at <= now:
        state = "expired"
    elif row.access_expires_at - now <= timedelta(seconds=margin_seconds):
        state = "expiring"
    else:
        state = "ok"
    return TokenStatus(state, row.access_expires_at, row.updated_at, row.refresh_error)


def _lock_row(session: Session, key: str) -> ZaloToken | None:
    """The token row, locked until the transaction ends (other replicas wait before refreshing)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(ZaloToken).where(ZaloToken.oa_id == key).values(updated_at=ZaloToken.updated_at))
        return session.scalar(select(ZaloToken).where(ZaloToken.oa_id == key))
    return session.scalar(select(ZaloToken).where(ZaloToken.oa_id == key).with_for_update())


def _expires_in(value: Any) -> int | None:
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None


class TokenManager:
    """Hands out the OA access token, refreshing it when needed (one refresh at a time per process)."""

    def __init__(
        self,
        make_session: sessionmaker[Session],
        *,
        oa_id: str | None,
        app_id: str | None,
        app_secret: str | None,
        oauth_base: str,
        timeout: float,
        margin_seconds: int,
    ) -> None:
        self.make_session = make_session
        self.key = oa_key(oa_id)
        self.app_id = app_id
        self.app_secret = app_secret
        self.oauth_base = oauth_base.rstrip("/")
        self.timeout = timeout
        self.margin = timedelta(seconds=margin_seconds)
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Any, make_session: sessionmaker[Session]) -> TokenManager:
        return cls(
            make_session,
            oa_id=settings.zalo_oa_id,
            app_id=settings.zalo_app_id,
            app_secret=settings.zalo_app_secret,
            oauth_base=settings.zalo_oauth_base,
            timeout=settings.zalo_timeout,
            margin_seconds=settings.zalo_refresh_margin_seconds,
        )

    def _load(self) -> tuple[ZaloToken | None, datetime]:
        with self.make_session() as session:
            return session.get(ZaloToken, self.key), session_now(session)

    async def access_token(self) -> str:
        """A usable access token, refreshed first when it is about to expire; ZaloTokenError if there is none.

        While the refresh fails, the current token is used for as long as it has not expired."""
        row, now = await run_in_threadpool(self._load)
        if row is None:
            log.error(OPERATOR_MISSING)
            raise TokensMissing("no Zalo OA tokens stored")
        if row.access_expires_at - now > self.margin:
            return row.access_token
        if row.refresh_error and row.access_expires_at > now:
            return row.access_token  # the operator has been told; use it while it lasts
        try:
            return await self.refresh()
        except ZaloTokenError:
            if row.access_expires_at > now:
                return row.access_token
            raise

    async def refresh(self, rejected: str | None = None) -> str:
        """Refresh the pair (`rejected`: the access token Zalo has just refused) and return the access token.
        Returns at once, without spending the refresh token, if someone else refreshed meanwhile."""
        async with self._lock:
            return await run_in_threadpool(self._refresh_locked, rejected)

    def _refresh_locked(self, rejected: str | None) -> str:
        with self.make_session() as session:
            row = _lock_row(session, self.key)
            if row is None:
                session.rollback()
                log.error(OPERATOR_MISSING)
                raise TokensMissing("no Zalo OA tokens stored")
            now = session_now(session)
            if rejected is None and row.access_expires_at - now > self.margin:
                session.rollback()
                return row.access_token  # refreshed by another task or replica while we waited
            if rejected is not None and row.access_token != rejected:
                session.rollback()
                return row.access_token
            if row.refresh_error:
                session.rollback()
                log.error(OPERATOR_DEAD)
                raise RefreshTokenDead(row.refresh_error)
            outcome = self._call_zalo(row.refresh_token)
            if isinstance(outcome, RefreshFailed):
                session.rollback()
                log.warning("Zalo token refresh failed for now (%s); will try again", outcome)
                raise outcome
            if isinstance(outcome, str):  # refused: the refresh token is dead
                row.refresh_error = outcome[:200]
                row.refresh_failed_at = now
                session.commit()
                log.error("%s [%s]", OPERATOR_DEAD, outcome)
                raise RefreshTokenDead(outcome)
            access, refresh, expires_in = outcome
            store_pair(row, access, refresh, expires_in, now)
            session.commit()  # the new pair replaces the spent one in one transaction
            log.info("Zalo access token refreshed; valid until %s", row.access_expires_at.isoformat(timespec="minutes"))
            return access

    def _call_zalo(self, refresh_token: str) -> tuple[str, str, int] | str | RefreshFailed:
        """The new (access, refresh, expires_in); a string saying why Zalo refused; or RefreshFailed."""
        if not self.app_id or not self.app_secret:
            return RefreshFailed("KIOSK_ZALO_APP_ID / KIOSK_ZALO_APP_SECRET not set")
        try:
            response = httpx.post(
                self.oauth_base + REFRESH_PATH,
                data={"refresh_token": refresh_token, "app_id": self.app_id, "grant_type": "refresh_token"},
                headers={"secret_key": self.app_secret},
                timeout=self.timeout,
            )
        except httpx.HTTPError as exc:
            return RefreshFailed(f"connection error ({type(exc).__name__})")
        if response.status_code >= 500 or response.status_code == 429:
            return RefreshFailed(f"HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            return RefreshFailed(f"HTTP {response.status_code}, body is not JSON")
        if not isinstance(data, dict):
            return RefreshFailed("body is not a JSON object")
        access, refresh = data.get("access_token"), data.get("refresh_token")
        expires_in = _expires_in(data.get("expires_in"))
        if isinstance(access, str) and access and isinstance(refresh, str) and refresh and expires_in:
            return access, refresh, expires_in
        error = data.get("error")
        name = data.get("error_name") or data.get("message") or data.get("error_description") or ""
        return f"refused: error {error} {str(name)[:100]}".strip()
