"""Satisfaction ballots: idempotent on the client's key, at most one per dossier.

Both rules are enforced by the database's unique constraints (ratings.idempotency_key, ratings.dossier_id),
so two concurrent submissions — from two replicas or a double tap — leave exactly one row; the loser of the
race gets the winner's ballot (same key) or DossierAlreadyRated (another key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain.rating_token import make_token, read_token
from ..models import Dossier, Rating
from ..security import client_key_hash
from . import throttle


class UnknownDossier(LookupError):
    pass


class DossierAlreadyRated(Exception):
    pass


class KeyReused(Exception):
    """The idempotency key belongs to a different ballot."""


class DossierGone(LookupError):
    """A well-signed rating token whose dossier no longer exists."""


@dataclass(frozen=True)
class Ballot:
    channel: str
    satisfaction: str
    idempotency_key: str
    comment: str | None = None
    dossier_code: str | None = None
    counter_id: str | None = None
    i3: int | None = None
    i4: int | None = None
    i6: int | None = None
    i7: int | None = None


@dataclass(frozen=True)
class Submitted:
    rating: Rating
    created: bool


def _by_key(session: Session, key: str) -> Rating | None:
    return session.scalar(select(Rating).where(Rating.idempotency_key == key))


def _replay(existing: Rating, ballot: Ballot, dossier_id: int | None) -> Submitted:
    same = (existing.channel, existing.satisfaction, existing.dossier_id, *_indicators(existing)) == (
        ballot.channel,
        ballot.satisfaction,
        dossier_id,
        *_indicators(ballot),
    )
    if not same:
        raise KeyReused(ballot.idempotency_key)
    return Submitted(existing, created=False)


def _indicators(item: Rating | Ballot) -> tuple[int | None, ...]:
    return (item.i3, item.i4, item.i6, item.i7)


def dossier_id_for(session: Session, code: str | None) -> int | None:
    """The id of the dossier with this code; None without a code; UnknownDossier for an unknown code."""
    if not code:
        return None
    dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == code.strip()))
    if dossier_id is None:
        raise UnknownDossier(code)
    return dossier_id


def submit(session: Session, ballot: Ballot, *, dossier_id: int | None) -> Submitted:
    """Store the ballot once; a repeated key returns the stored ballot (created=False)."""
    earlier = _earlier(session, ballot, dossier_id)
    if earlier is not None:
        return earlier
    rating = Rating(
        dossier_id=dossier_id,
        counter_id=ballot.counter_id or None,
        channel=ballot.channel,
        idempotency_key=ballot.idempotency_key,
        satisfaction=ballot.satisfaction,
        comment=ballot.comment or None,
        i3=ballot.i3,
        i4=ballot.i4,
        i6=ballot.i6,
        i7=ballot.i7,
    )
    session.add(rating)
    try:
        session.commit()
    except IntegrityError:
        # A concurrent submission won the race: answer as if we had come second.
        session.rollback()
        earlier = _earlier(session, ballot, dossier_id)
        if earlier is not None:
            return earlier
        raise
    return Submitted(rating, created=True)


def _earlier(session: Session, ballot: Ballot, dossier_id: int | None) -> Submitted | None:
    """The stored ballot this one repeats (same key), DossierAlreadyRated when the dossier has another ballot,
    None when the ballot is new. The dossier's ballot is compared by key too: a concurrent retry under the same
    key may commit between the look-up by key and the look-up by dossier."""
    existing = _by_key(session, ballot.idempotency_key)
    if existing is None and dossier_id is not None:
        existing = session.scalar(select(Rating).where(Rating.dossier_id == dossier_id))
        if existing is not None and existing.idempotency_key != ballot.idempotency_key:
            raise DossierAlreadyRated(dossier_id)
    return _replay(existing, ballot, dossier_id) if existing is not None else None


def by_key(session: Session, key: str) -> Rating | None:
    """The ballot stored under this idempotency key, if any."""
    return _by_key(session, key)


def for_dossier(session: Session, dossier_id: int) -> Rating | None:
    """The dossier's ballot, if it has been rated."""
    return session.scalar(select(Rating).where(Rating.dossier_id == dossier_id))


# ---- rating tokens (the QR code on a dossier's receipt or result slip) ---------------------------------


def token_expiry(today: date, valid_days: int) -> date:
    """The last day a token issued today can be used."""
    return today + timedelta(days=valid_days)


def token_for(secret: bytes, dossier_id: int, *, today: date, valid_days: int) -> str:
    """A rating token for the dossier, valid `valid_days` days from `today` (the same all day long)."""
    return make_token(secret, dossier_id, token_expiry(today, valid_days))


def rating_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/r/{token}"


def counter_url(base_url: str, counter_id: str) -> str:
    return f"{base_url.rstrip('/')}/r/quay/{counter_id}"


def dossier_for_token(session: Session, secret: bytes, token: str, *, today: date) -> Dossier:
    """The dossier a token names. TokenInvalid / TokenExpired (kiosk_api.domain.rating_token) for a bad token,
    DossierGone when the dossier was deleted."""
    ticket = read_token(secret, token, today)
    dossier = session.get(Dossier, ticket.dossier_id)
    if dossier is None:
        raise DossierGone(ticket.dossier_id)
    return dossier


# ---- anonymous counter ballots: a budget per client ----------------------------------------------------------

COUNTER_WINDOW_SECONDS = 3600


class TooManyCounterBallots(Exception):
    """This client has used its counter-ballot budget for the hour."""


def counter_budget_key(secret: bytes, client: str) -> str:
    return client_key_hash(secret, "counter-ballot", client)


def check_counter_budget(session: Session, budget_key: str, *, limit: int, now: datetime) -> None:
    """TooManyCounterBallots when `limit` new counter ballots came from this client within the hour."""
    used = throttle.recent_count(session, budget_key, window_seconds=COUNTER_WINDOW_SECONDS, now=now)
    if used >= limit:
        raise TooManyCounterBallots(budget_key)


def spend_counter_budget(session: Session, budget_key: str, *, now: datetime, keep_seconds: int) -> None:
    """Count one new counter ballot for this client (a replayed ballot is not counted)."""
    throttle.record_attempt(
        session, budget_key, success=True, now=now, keep_seconds=max(keep_seconds, COUNTER_WINDOW_SECONDS)
    )
    session.commit()
