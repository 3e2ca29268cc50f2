"""Dossier queries and changes: citizen lookup, staff listing and status updates."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, not_, or_, select
from sqlalchemy.orm import Session, selectinload

from procedures_kb.catalogue import Catalogue

from ..db import session_now
from ..domain.channels import DossierChannel
from ..domain.next_steps import next_steps
from ..domain.overdue import days_overdue
from ..domain.phones import is_last4
from ..domain.status import CLOCK_RUNNING, DossierStatus, check_transition
from ..models import Dossier, DossierStatusHistory, StaffUser
from ..schemas.dossiers import (
    HistoryEntry,
    PublicDossier,
    StaffDossier,
    StaffDossierDetail,
    StatusChange,
)
from ..security import phone_last4_hash
from . import audit

# Compared against when the code is unknown, so both paths do the same work.
_NO_DOSSIER_HASH = "0" * 64


class DossierNotFound(LookupError):
    pass


class StatusChangeError(ValueError):
    """A status change that is not allowed or whose dates are inconsistent."""


def match_second_factor(
    session: Session, code: str, phone_last4: str | None, *, secret: bytes
) -> tuple[int | None, bool]:
    """(the id of the dossier with this code or None, whether the last 4 phone digits match it).

    The same work whatever the case: one narrow query (id and digits hash, no ORM object), one keyed hash, one
    constant-time comparison, so an unknown code and wrong digits take the same time."""
    code = code.strip()
    row = session.execute(select(Dossier.id, Dossier.phone_last4_hash).where(Dossier.code == code)).first()
    digits = (phone_last4 or "").strip()
    supplied = phone_last4_hash(secret, code, digits if is_last4(digits) else "")
    expected = row.phone_last4_hash if row is not None else _NO_DOSSIER_HASH
    matches = hmac.compare_digest(supplied, expected) and row is not None and is_last4(digits)
    return (row.id if row is not None else None), matches


def find_for_lookup(session: Session, code: str, phone_last4: str | None, *, secret: bytes) -> Dossier | None:
    """The dossier when the code exists AND the second factor matches; None otherwise (indistinguishable)."""
    dossier_id, matches = match_second_factor(session, code, phone_last4, secret=secret)
    return session.get(Dossier, dossier_id) if matches and dossier_id is not None else None


def public_view(dossier: Dossier, *, catalogue: Catalogue | None, today: date, commune_name: str) -> PublicDossier:
    status = DossierStatus(dossier.status)
    channel = DossierChannel(dossier.channel)
    overdue_days = days_overdue(status, dossier.appointment_date, today)
    procedure = catalogue.get(dossier.procedure_code) if catalogue is not None else None
    return PublicDossier(
        code=dossier.code,
        procedure_code=dossier.procedure_code,
        procedure_name=procedure.name if procedure else None,
        status=status,
        status_label=status.label,
        status_description=status.description,
        channel=channel,
        channel_label=channel.label,
        received_date=dossier.received_date,
        appointment_date=dossier.appointment_date,
        result_date=dossier.result_date,
        returned_date=dossier.returned_date,
        overdue=overdue_days > 0,
        days_overdue=overdue_days,
        next_steps=next_steps(
            status,
            channel=channel,
            appointment_date=dossier.appointment_date,
            result_date=dossier.result_date,
            returned_date=dossier.returned_date,
            days_overdue=overdue_days,
            commune_name=commune_name,
        ),
    )


def staff_view(dossier: Dossier, *, catalogue: Catalogue | None, today: date, commune_name: str) -> StaffDossier:
    return StaffDossier(
        **public_view(dossier, catalogue=catalogue, today=today, commune_name=commune_name).model_dump(),
        applicant_name=dossier.applicant_name,
        field=dossier.field,
        officer=dossier.officer,
        updated_at=dossier.updated_at,
    )


def staff_detail(
    dossier: Dossier, *, catalogue: Catalogue | None, today: date, commune_name: str
) -> StaffDossierDetail:
    view = staff_view(dossier, catalogue=catalogue, today=today, commune_name=commune_name)
    history = [
        HistoryEntry(
            from_status=DossierStatus(h.from_status) if h.from_status is not None else None,
            to_status=DossierStatus(h.to_status),
            changed_at=h.changed_at,
            changed_by=h.changed_by,
            note=h.note,
        )
        for h in dossier.history
    ]
    return StaffDossierDetail(**view.model_dump(), history=history)


def overdue_clause(today: date) -> ColumnElement[bool]:
    """SQL twin of domain.overdue.is_overdue (kept in step by a test)."""
    return and_(
        Dossier.status.in_([s.value for s in CLOCK_RUNNING]),
        Dossier.appointment_date < today,
    )


@dataclass(frozen=True)
class DossierFilter:
    status: list[DossierStatus] | None = None
    overdue: bool | None = None
    field: str | None = None
    procedure_code: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str | None = None
    unit: str | None = None  # one unit's dossiers; None: every unit's


def unit_of(session: Session, code: str) -> str | None:
    """The unit of the dossier with this code; None when there is none."""
    return session.scalar(select(Dossier.unit_code).where(Dossier.code == code.strip()))


def list_dossiers(
    session: Session, filters: DossierFilter, *, today: date, page: int, page_size: int
) -> tuple[int, list[Dossier]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.unit is not None:
        conditions.append(Dossier.unit_code == filters.unit)
    if filters.status:
        conditions.append(Dossier.status.in_([s.value for s in filters.status]))
    if filters.overdue is not None:
        clause = overdue_clause(today)
        conditions.append(clause if filters.overdue else not_(clause))
    if filters.field:
        conditions.append(Dossier.field == filters.field)
    if filters.procedure_code:
        conditions.append(Dossier.procedure_code == filters.procedure_code)
    if filters.received_from:
        conditions.append(Dossier.received_date >= filters.received_from)
    if filters.received_to:
        conditions.append(Dossier.received_date <= filters.received_to)
    if filters.q:
        pattern = f"%{filters.q.strip().lower()}%"
        conditions.append(or_(func.lower(Dossier.code).like(pattern), func.lower(Dossier.applicant_name).like(pattern)))
    total = session.scalar(select(func.count()).select_from(Dossier).where(*conditions)) or 0
    rows = session.scalars(
        select(Dossier)
        .where(*conditions)
        .order_by(Dossier.received_date.desc(), Dossier.code.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return total, list(rows)


def get_by_code(session: Session, code: str, *, with_history: bool = False) -> Dossier:
    query = select(Dossier).where(Dossier.code == code.strip())
    if with_history:
        query = query.options(selectinload(Dossier.history))
    dossier = session.scalar(query)
    if dossier is None:
        raise DossierNotFound(code)
    return dossier


def change_status(session: Session, code: str, change: StatusChange, *, user: StaffUser, today: date) -> Dossier:
    """Validate a status change, then write the dossier, its history and the audit entry together."""
    dossier = get_by_code(session, code)
    current = DossierStatus(dossier.status)
    target = change.status
    try:
        check_transition(current, target)
    except ValueError as exc:
        raise StatusChangeError(str(exc)) from None

    result_date, returned_date = dossier.result_date, dossier.returned_date
    if change.result_date is not None and target not in (DossierStatus.RESULT_READY, DossierStatus.REFUSED):
        raise StatusChangeError("result_date only applies to co_ket_qua or tu_choi")
    if change.returned_date is not None and target not in (DossierStatus.RETURNED, DossierStatus.REFUSED):
        raise StatusChangeError("returned_date only applies to da_tra_ket_qua or tu_choi")
    if target in (DossierStatus.RESULT_READY, DossierStatus.REFUSED):
        result_date = change.result_date or today
    if target is DossierStatus.RETURNED:
        returned_date = change.returned_date or today
    elif target is DossierStatus.REFUSED and change.returned_date is not None:
        returned_date = change.returned_date
    for name, value in (("result_date", result_date), ("returned_date", returned_date)):
        if value is not None and value < dossier.received_date:
            raise StatusChangeError(f"{name} is before the date received ({dossier.received_date.isoformat()})")
        if value is not None and value > today:
            raise StatusChangeError(f"{name} is in the future")
    if result_date and returned_date and returned_date < result_date:
        raise StatusChangeError("returned_date is before result_date")

    now = session_now(session)
    try:
        session.add(
            DossierStatusHistory(
                dossier_id=dossier.id,
                from_status=current.value,
                to_status=target.value,
                changed_at=now,
                changed_by=user.username,
                note=change.note,
            )
        )
        dossier.status = target.value
        dossier.result_date = result_date
        dossier.returned_date = returned_date
        dossier.officer = dossier.officer or user.username
        dossier.updated_at = now
        details: dict[str, object] = {"from": current.value, "to": target.value}
        if result_date:
            details["result_date"] = result_date.isoformat()
        if returned_date:
            details["returned_date"] = returned_date.isoformat()
        audit.record(session, user.username, "dossier.status", target=dossier.code, details=details)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return dossier
