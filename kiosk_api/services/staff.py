"""Staff accounts and login sessions (opaque bearer tokens, stored as keyed hashes)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..db import session_now
from ..models import StaffSession, StaffUser
from ..security import dummy_password_hash, hash_password, new_token, token_hash, verify_password
from . import audit

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
    admin: bool = False,
    actor: str = "cli",
) -> StaffUser:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise StaffError("username must be 2–64 characters: lower-case letters, digits, '.', '_' or '-'")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if not full_name.strip():
        raise StaffError("full name is required")
    if session.scalar(select(StaffUser).where(StaffUser.username == username)) is not None:
        raise StaffError(f"user {username!r} already exists")
    user = StaffUser(
        username=username,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role="admin" if admin else "staff",
        active=True,
    )
    session.add(user)
    audit.record(session, actor, "staff.create", target=username, details={"role": user.role})
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


def revoke_token(session: Session, token: str, *, secret: bytes, actor: str) -> None:
    session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(secret, token)))
    audit.record(session, actor, "staff.logout", target=actor)
    session.commit()
