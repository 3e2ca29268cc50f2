"""Kiosk sessions: one per citizen at a touch kiosk, issued by the server (signed) so that lookups from the kiosk
are throttled per citizen without letting anyone mint fresh budgets: only kiosk addresses get sessions, and each
kiosk address only KIOSK_KIOSK_SESSIONS_PER_HOUR of them."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..db import session_now
from ..domain import identity
from ..security import client_key_hash, short
from ..settings import Settings
from . import throttle

log = logging.getLogger(__name__)
HOUR = 3600


class TooManySessions(Exception):
    """This kiosk address has been issued its sessions for the hour."""


@dataclass(frozen=True)
class IssuedSession:
    token: str
    expires_in: int  # seconds


def issue(session: Session, *, settings: Settings, secret: bytes, address: str) -> IssuedSession:
    """A new kiosk session for the kiosk at `address` (the caller checks that it is a kiosk address)."""
    now = session_now(session)
    key = client_key_hash(secret, "kiosk-session", address)
    if throttle.recent_count(session, key, window_seconds=HOUR, now=now) >= settings.kiosk_sessions_per_hour:
        log.warning("kiosk session refused (hourly cap): kiosk=%s", short(key))
        raise TooManySessions(address)
    throttle.record_attempt(session, key, success=True, now=now, keep_seconds=max(HOUR, settings.lookup_window_seconds))
    session.commit()
    token = identity.new_kiosk_session(secret, now.timestamp(), settings.kiosk_session_minutes)
    return IssuedSession(token, settings.kiosk_session_minutes * 60)
