"""Staff accounts and login sessions (opaque bearer tokens, stored as keyed hashes)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from motcua.vocabulary import StaffRole
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..db import session_now
from ..models import StaffSession, StaffUser, Unit
from ..security import (
    client_key_hash,
    dummy_password_hash,
    hash_password,
    keyed_hash,
    new_token,
    short,
    token_hash,
    verify_password,
)
from ..settings import Settings
from . import audit, throttle

log = logging.getLogger(__name__)

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 8


class StaffError(ValueError):
    pass


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def create_user(
    session: Session,
    username: str,
    password: str,
    *,
    full_name: str,
    role: StaffRole = StaffRole.OFFICER,
    actor: str = "cli",
    unit: str | None = None,
) -> StaffUser:
    """A new account with `role`, of `unit` (a unit's code; None: the session's unit)."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise StaffError("username must be 2–64 characters: lower-case letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if not full_name.strip():
        raise StaffError("full name is required")
    if session.scalar(select(StaffUser).where(StaffUser.username == username)) is not None:
        raise StaffError(f"user {username!r} already exists")
    if unit is not None and session.get(Unit, unit) is None:
        raise StaffError(f"unit {unit!r} does not exist (add it with `kiosk units add`)")
    user = StaffUser(
        username=username,
        unit_code=unit,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role=StaffRole(role).value,
        active=True,
    )
    session.add(user)
    session.flush()  # the unit is filled in from the session's when not given
    audit.record(session, actor, "staff.create", target=username, details={"role": user.role, "unit": user.unit_code})
    session.commit()
    return user


def get_user(session: Session, username: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.username == username.strip().lower()))


def authenticate(session: Session, username: str, password: str) -> StaffUser | None:
    """The active user with these credentials, or None (same work done for unknown users)."""
    user = get_user(session, username)
    if user is None or not user.active:
        verify_password(password, dummy_password_hash())
        return None
    return user if verify_password(password, user.password_hash) else None


def issue_token(session: Session, user: StaffUser, *, secret: bytes, ttl: timedelta) -> IssuedToken:
    now = session_now(session)
    token = new_token()
    expires_at = now + ttl
    session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
    session.add(
        StaffSession(token_hash=token_hash(secret, token), user_id=user.id, created_at=now, expires_at=expires_at)
    )
    audit.record(session, user.username, "staff.login", target=user.username)
    session.commit()
    return IssuedToken(token=token, expires_at=expires_at)


def user_for_token(session: Session, token: str, *, secret: bytes) -> StaffUser | None:
    row = session.get(StaffSession, token_hash(secret, token))
    if row is None or row.expires_at <= session_now(session):
        return None
    user = row.user
    return user if user.active else None


class LoginRefused(Exception):
    """Wrong credentials (`wait` None) or no tries left (`wait` seconds, `scope` "client" or "account")."""

    def __init__(self, wait: int | None = None, scope: str | None = None) -> None:
        super().__init__("login refused")
        self.wait = wait
        self.scope = scope


def _login_budgets(settings: Settings, secret: bytes, username: str, address: str) -> list[throttle.Budget]:
    name = username.strip().lower()[:64]
    return [
        # Wrong passwords from one address lock only that account from that address: someone noisy at the
        # kiosk's address cannot lock the officers out.
        throttle.Budget(
            client_key_hash(secret, "login", f"{address}\x00{name}"), settings.lookup_max_failures, "client"
        ),
        # Guessing one account from many addresses locks the account until the window passes or an admin unlocks it.
        throttle.Budget(account_key(secret, name), settings.login_account_max_failures, "account"),
    ]


def account_key(secret: bytes, username: str) -> str:
    return keyed_hash(secret, "login-account", username.strip().lower()[:64])


def log_in(
    session: Session, *, settings: Settings, secret: bytes, username: str, password: str, address: str
) -> IssuedToken:
    """The throttled credential check of the API login and the staff pages' login form: a new session token
    (audit-logged), or LoginRefused."""
    now = session_now(session)
    budgets = _login_budgets(settings, secret, username, address)
    blocked = throttle.check(session, budgets, window_seconds=settings.lookup_window_seconds, now=now)
    if blocked is not None:
        log.warning("staff login refused (%s locked %ds): client=%s", blocked.scope, blocked.wait,
                    short(budgets[0].key))  # fmt: skip
        raise LoginRefused(blocked.wait, blocked.scope)
    user = authenticate(session, username, password)
    throttle.record(session, budgets, success=user is not None, now=now, keep_seconds=settings.lookup_window_seconds)
    session.commit()
    if user is None:
        log.info("staff login failed: client=%s", short(budgets[0].key))
        raise LoginRefused()
    log.info("staff login: user=%s", user.username)
    return issue_token(session, user, secret=secret, ttl=timedelta(hours=settings.staff_token_ttl_hours))


def unlock(session: Session, username: str, *, secret: bytes, actor: str) -> bool:
    """Lift the lock that wrong passwords from many addresses put on an account (audit-logged); True when there
    was one to lift."""
    removed = throttle.forget(session, account_key(secret, username))
    audit.record(session, actor, "staff.unlock", target=username.strip().lower()[:64])
    session.commit()
    return removed > 0


def revoke_token(session: Session, token: str, *, secret: bytes, actor: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(secret, token)))
    audit.record(session, actor, "staff.logout", target=actor)
    session.commit()
