"""Satisfaction ballots: idempotent on the client's key, at most one per dossier.

Both rules are enforced by the database's unique constraints (ratings.idempotency_key, ratings.dossier_id),
so two concurrent submissions — from two replicas or a double tap — leave exactly one row; the loser of the
race gets the winner's ballot (same key) or DossierAlreadyRated (another key).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from motcua.vocabulary import PetitionKind
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from procedures_kb.workdays import WorkingCalendar

from ..db import session_now
from ..domain import lookup_texts
from ..models import Dossier, Rating
from ..petitions import service as petition_service
from ..security import client_key_hash, short
from ..services import throttle
from ..services.units import unit_of_dossier
from ..settings import Settings
from . import wording
from .token import TokenExpired, TokenInvalid, make_token, read_token

log = logging.getLogger(__name__)


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
        unit_code=unit_of_dossier(session, dossier_id),  # a ballot about a dossier is that commune's; else the kiosk's
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
    """The dossier a token names. TokenInvalid / TokenExpired (kiosk_api.ratings.token) for a bad token,
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


# ---- the ballot use case: POST /api/ratings ----------------------------------------------------------------


class BallotRefused(Exception):
    """The ballot is not stored: HTTP status, error code and a Vietnamese detail for the citizen."""

    def __init__(self, status: int, error: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.detail = detail
        self.headers = headers


def submit_ballot(
    session: Session,
    ballot: Ballot,
    *,
    token: str | None,
    client: str,
    settings: Settings,
    secret: bytes,
    today: date,
) -> Submitted:
    """Store a ballot from the API (kiosk, chat, Zalo).

    A dossier is rated only through its signed token (the QR code, or the token a lookup verified with the phone
    digits hands out): a dossier code alone is refused, so nobody can take a citizen's one ballot. A tampered token
    costs the client a lookup try; an anonymous counter ballot spends the client's hourly counter budget (a replay
    of a stored ballot is always answered). BallotRefused otherwise."""
    from ..services import dossier_access  # the lookup budgets: a tampered token counts like wrong digits

    now = session_now(session)
    dossier_id = None
    if ballot.dossier_code and not token:
        log.info("rating refused: a dossier code without its token")
        raise BallotRefused(403, "dossier_needs_token", wording.NEEDS_TOKEN)
    if token:
        budget = dossier_access.client_budget(settings, secret, client)
        blocked = throttle.check(session, [budget], window_seconds=settings.lookup_window_seconds, now=now)
        if blocked is not None:
            raise BallotRefused(
                429,
                "too_many_attempts",
                lookup_texts.too_many_attempts(blocked.wait),
                {"Retry-After": str(blocked.wait)},
            )
        try:
            dossier_id = dossier_for_token(session, secret, token, today=today).id
        except TokenExpired as exc:
            raise BallotRefused(410, "token_expired", wording.token_expired(str(exc))) from None
        except TokenInvalid:
            throttle.record(session, [budget], success=False, now=now, keep_seconds=settings.lookup_window_seconds)
            session.commit()
            log.info("rating refused (token_invalid): client=%s", short(budget.key))
            raise BallotRefused(400, "token_invalid", wording.TOKEN_INVALID) from None
        except DossierGone:
            raise BallotRefused(404, "dossier_not_found", wording.DOSSIER_GONE) from None
    counter_budget = None
    if dossier_id is None and by_key(session, ballot.idempotency_key) is None:
        counter_budget = counter_budget_key(secret, client)
        try:
            check_counter_budget(session, counter_budget, limit=settings.counter_ballots_per_hour, now=now)
        except TooManyCounterBallots:
            log.info("counter ballot refused (budget used): client=%s", short(counter_budget))
            raise BallotRefused(429, "too_many_ballots", wording.TOO_MANY_COUNTER_BALLOTS) from None
    try:
        result = submit(session, ballot, dossier_id=dossier_id)
    except DossierAlreadyRated:
        raise BallotRefused(409, "already_rated", wording.ALREADY_RATED) from None
    except KeyReused:
        raise BallotRefused(
            409, "idempotency_key_reused", "This idempotency_key was already used for a different ballot."
        ) from None
    if counter_budget is not None and result.created:
        spend_counter_budget(session, counter_budget, now=now, keep_seconds=settings.lookup_window_seconds)
    log.info(
        "rating %s: id=%d channel=%s",
        "stored" if result.created else "replayed",
        result.rating.id,
        result.rating.channel,
    )
    return result


def escalate_comment(
    session: Session,
    rating: Rating,
    *,
    comment: str,
    contact: str | None,
    today: date,
    working_days: int,
    calendar: WorkingCalendar,
) -> None:
    """The ballot's comment registered as a complaint the citizen asked for (one petition per ballot: a retried
    escalation finds the existing one)."""
    row = petition_service.submit(
        session,
        kind=PetitionKind.COMPLAINT,
        content=comment,
        contact=contact,
        channel=rating.channel,
        today=today,
        working_days=working_days,
        calendar=calendar,
        rating_id=rating.id,
        dossier_id=rating.dossier_id,
    )
    log.info("rating %d escalated to petition %d", rating.id, row.id)
