"""Satisfaction ballots: idempotent on the client's key, at most one per dossier.

Both rules are enforced by the database's unique constraints (ratings.idempotency_key, ratings.dossier_id),
so two concurrent submissions — from two replicas or a double tap — leave exactly one row; the loser of the
race gets the winner's ballot (same key) or DossierAlreadyRated (another key).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import Dossier, Rating


class UnknownDossier(LookupError):
    pass


class DossierAlreadyRated(Exception):
    pass


class KeyReused(Exception):
    """The idempotency key belongs to a different ballot."""


@dataclass(frozen=True)
class Ballot:
    channel: str
    satisfaction: str
    idempotency_key: str
    comment: str | None = None
    dossier_code: str | None = None
    counter_id: str | None = None


@dataclass(frozen=True)
class Submitted:
    rating: Rating
    created: bool


def _by_key(session: Session, key: str) -> Rating | None:
    return session.scalar(select(Rating).where(Rating.idempotency_key == key))


def _replay(existing: Rating, ballot: Ballot, dossier_id: int | None) -> Submitted:
    same = (existing.channel, existing.satisfaction, existing.dossier_id) == (
        ballot.channel,
        ballot.satisfaction,
        dossier_id,
    )
    if not same:
        raise KeyReused(ballot.idempotency_key)
    return Submitted(existing, created=False)


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
    existing = _by_key(session, ballot.idempotency_key)
    if existing is not None:
        return _replay(existing, ballot, dossier_id)
    if dossier_id is not None and session.scalar(select(Rating.id).where(Rating.dossier_id == dossier_id)):
        raise DossierAlreadyRated(dossier_id)
    rating = Rating(
        dossier_id=dossier_id,
        counter_id=ballot.counter_id or None,
        channel=ballot.channel,
        idempotency_key=ballot.idempotency_key,
        satisfaction=ballot.satisfaction,
        comment=ballot.comment or None,
    )
    session.add(rating)
    try:
        session.commit()
    except IntegrityError:
        # A concurrent submission won the race: answer as if we had come second.
        session.rollback()
        existing = _by_key(session, ballot.idempotency_key)
        if existing is not None:
            return _replay(existing, ballot, dossier_id)
        if dossier_id is not None and session.scalar(select(Rating.id).where(Rating.dossier_id == dossier_id)):
            raise DossierAlreadyRated(dossier_id) from None
        raise
    return Submitted(rating, created=True)
