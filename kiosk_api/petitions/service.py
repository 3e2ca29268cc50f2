"""Phản ánh, kiến nghị: registering a citizen's report or petition with its answer deadline, the staff workflow
(assign, answer, close) and the timeliness counts behind indicator 8 of Biểu 5a.

The content and the contact are personal data: they are stored and shown to staff, never logged or put in
the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from motcua.vocabulary import PetitionKind, PetitionStatus
from sqlalchemy import ColumnElement, Row, and_, case, delete, func, not_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from procedures_kb.workdays import WorkingCalendar

from ..clock import VN_TZ
from ..db import rows_affected, session_now, session_today
from ..domain.dates import format_date
from ..domain.units import Scope
from ..models import PETITION_CHANNELS, Dossier, Petition, StaffUser
from ..services import audit, throttle
from ..services.units import in_scope, unit_of_dossier
from . import rules
from .schemas import StaffPetition

log = logging.getLogger(__name__)


class PetitionNotFound(LookupError):
    pass


class PetitionConflict(Exception):
    """The change is not allowed from the item's current status (which may have just changed). Vietnamese."""


class TooManyPetitions(Exception):
    """This client has sent too many petitions within the hour."""


class UnknownStaff(ValueError):
    """Assignment to a username that is not an active staff account."""


def deadline(received: date, working_days: int, calendar: WorkingCalendar) -> date:
    """The answer is due `working_days` working days after the day it was received (received on a day off: counted
    from the next working day), on the working-day calendar."""
    return calendar.add_working_days(calendar.working_day_on_or_after(received), working_days)


def submit(
    session: Session,
    *,
    kind: str,
    content: str,
    contact: str | None,
    channel: str,
    today: date,
    working_days: int,
    calendar: WorkingCalendar,
    rating_id: int | None = None,
    dossier_id: int | None = None,
    client_key: str | None = None,
    per_hour: int | None = None,
) -> Petition:
    """Store the petition and an audit entry (without the content or contact) in one transaction.

    `channel` is where it was submitted (chat, kiosk, zalo, qr, web). `rating_id` links a ballot's comment
    escalated to a petition: one petition per ballot, so a retried escalation returns the existing row.
    """
    if channel not in PETITION_CHANNELS:
        raise ValueError(f"unknown petition channel {channel!r}")
    if rating_id is not None:
        existing = session.scalar(select(Petition).where(Petition.rating_id == rating_id))
        if existing is not None:
            return existing
    now = session_now(session)
    if (
        client_key is not None
        and per_hour is not None
        and not throttle.take(session, client_key, limit=per_hour, window_seconds=3600, now=now)
    ):
        raise TooManyPetitions(client_key)
    row = Petition(
        kind=kind,
        content=content,
        contact=contact or None,
        channel=channel,
        rating_id=rating_id,
        dossier_id=dossier_id,
        unit_code=unit_of_dossier(session, dossier_id),  # about a dossier: its commune's; else the kiosk's
        status=PetitionStatus.NEW,
        deadline=deadline(today, working_days, calendar),
    )
    try:
        session.add(row)
        session.flush()
        details: dict[str, object] = {"kind": kind, "channel": channel}
        if rating_id is not None:
            details["rating_id"] = rating_id
        audit.record(session, f"citizen:{channel}", "petition.create", target=str(row.id), details=details)
        session.commit()
    except IntegrityError:
        session.rollback()
        if rating_id is not None:  # a concurrent escalation of the same ballot won the race
            existing = session.scalar(select(Petition).where(Petition.rating_id == rating_id))
            if existing is not None:
                return existing
        raise
    except Exception:
        session.rollback()
        raise
    return row


# --- Staff workflow -------------------------------------------------------------------------------------------


NOT_SPAM = Petition.spam.is_(False)


def overdue_clause(today: date) -> ColumnElement[bool]:
    """SQL twin of rules.is_overdue (items marked as spam are never overdue)."""
    return and_(Petition.status.in_(rules.OPEN_STATUSES), Petition.deadline < today, NOT_SPAM)


def list_petitions(
    session: Session,
    *,
    scope: Scope,
    today: date,
    statuses: Sequence[str] | None = None,
    overdue: bool | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[int, list[Petition]]:
    """(total, rows of the page). Open items first, the earliest deadline first (so overdue ones lead);
    then answered and closed items, the most recent first."""
    conditions: list[ColumnElement[bool]] = [NOT_SPAM, in_scope(Petition.unit_code, scope)]
    if statuses:
        conditions.append(Petition.status.in_(list(statuses)))
    if overdue is not None:
        clause = overdue_clause(today)
        conditions.append(clause if overdue else not_(clause))
    is_open = Petition.status.in_(rules.OPEN_STATUSES)
    total = session.scalar(select(func.count()).select_from(Petition).where(*conditions)) or 0
    rows = session.scalars(
        select(Petition)
        .where(*conditions)
        .order_by(
            case((is_open, 0), else_=1),
            case((is_open, Petition.deadline), else_=None).asc().nulls_last(),
            Petition.received_at.desc(),
            Petition.id.desc(),
        )
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    return total, list(rows)


def get(session: Session, petition_id: int, *, scope: Scope) -> Petition:
    """The petition; PetitionNotFound, or OutOfScope when it belongs to a unit outside `scope`."""
    row = session.get(Petition, petition_id)
    if row is None:
        raise PetitionNotFound(petition_id)
    scope.check(row.unit_code)
    return row


def for_rating(session: Session, rating_id: int) -> Petition | None:
    """The petition a ballot's comment was escalated to, if any."""
    return session.scalar(select(Petition).where(Petition.rating_id == rating_id))


def dossier_codes(session: Session, rows: Sequence[Petition]) -> dict[int, str]:
    """Codes of the dossiers the rows refer to, by dossier id (one query)."""
    ids = {r.dossier_id for r in rows if r.dossier_id is not None}
    if not ids:
        return {}
    found = session.execute(select(Dossier.id, Dossier.code).where(Dossier.id.in_(ids)))
    return {dossier_id: code for dossier_id, code in found}


def staff_names(session: Session, usernames: Sequence[str | None]) -> dict[str, str]:
    """Full names of staff accounts by username (one query)."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    rows = session.execute(select(StaffUser.username, StaffUser.full_name).where(StaffUser.username.in_(wanted)))
    return {username: name for username, name in rows}


def active_staff(session: Session, unit: str) -> list[StaffUser]:
    """The active accounts of `unit`, who can be given its petitions."""
    return list(
        session.scalars(
            select(StaffUser)
            .where(StaffUser.active.is_(True), StaffUser.unit_code == unit)
            .order_by(StaffUser.full_name)
        )
    )


def staff_views(session: Session, rows: Sequence[Petition], *, today: date) -> list[StaffPetition]:
    """Rows as staff see them: labels, the dossier code, the officer's name, days left and timeliness."""
    codes = dossier_codes(session, rows)
    names = staff_names(session, [r.assigned_to for r in rows])
    out = []
    for r in rows:
        answered_on = r.answered_at.astimezone(VN_TZ).date() if r.answered_at else None
        out.append(
            StaffPetition(
                id=r.id,
                kind=PetitionKind(r.kind),
                kind_label=rules.KIND_LABELS[r.kind],
                channel=r.channel,
                channel_label=rules.CHANNEL_LABELS.get(r.channel) if r.channel else None,
                content=r.content,
                contact=r.contact,
                dossier_code=codes.get(r.dossier_id) if r.dossier_id is not None else None,
                rating_id=r.rating_id,
                status=PetitionStatus(r.status),
                status_label=rules.STATUS_LABELS[r.status],
                assigned_to=r.assigned_to,
                assigned_name=names.get(r.assigned_to) if r.assigned_to else None,
                answer=r.answer,
                received_at=r.received_at,
                deadline=r.deadline,
                deadline_text=format_date(r.deadline) if r.deadline else None,
                days_left=rules.days_left(r.deadline, today) if r.status in rules.OPEN_STATUSES else None,
                overdue=rules.is_overdue(r.status, r.deadline, today),
                answered_at=r.answered_at,
                answered_on_time=rules.answered_on_time(r.deadline, answered_on),
                closed_at=r.closed_at,
            )
        )
    return out


def update_petition(
    session: Session,
    petition_id: int,
    *,
    user: StaffUser,
    scope: Scope,
    assign_to: str | None = None,
    answer: str | None = None,
    close: bool = False,
) -> tuple[Petition, bool]:
    """Assign, answer and/or close (see kiosk_api.petitions.rules). Returns (row, changed).

    Compare-and-set on the status read, so two officers acting at once cannot both answer; the audit entry
    (statuses and officer only, never the content, answer or contact) is written in the same transaction.
    """
    row = get(session, petition_id, scope=scope)
    if assign_to is not None:
        assign_to = assign_to.strip().lower()
        officer = session.scalar(select(StaffUser).where(StaffUser.username == assign_to))
        if officer is None or not officer.active or officer.unit_code != row.unit_code:
            raise UnknownStaff(assign_to)
    state = rules.PetitionState(status=row.status, assigned_to=row.assigned_to, answer=row.answer)
    try:
        change = rules.plan_change(state, actor=user.username, assign_to=assign_to, answer=answer, close=close)
    except rules.TransitionError as exc:
        raise PetitionConflict(str(exc)) from None
    if change.is_noop(state):
        return row, False
    now = session_now(session)
    values: dict[str, object] = {"status": change.status, "assigned_to": change.assigned_to, "answer": change.answer}
    if change.set_answered_at:
        values["answered_at"] = now
    if change.set_closed_at:
        values["closed_at"] = now
    try:
        changed = rows_affected(
            session,
            update(Petition)
            .where(
                Petition.id == petition_id,
                Petition.status == state.status,
                Petition.assigned_to.is_(None)
                if state.assigned_to is None
                else Petition.assigned_to == state.assigned_to,
            )
            .values(**values)
            .execution_options(synchronize_session=False),
        )
        if changed != 1:
            session.rollback()
            raise PetitionConflict("Phản ánh, kiến nghị vừa được cán bộ khác cập nhật; vui lòng tải lại trang.")
        details: dict[str, object] = {"from": state.status, "to": change.status}
        if change.assigned_to != state.assigned_to:
            details["assigned_to"] = change.assigned_to
        if change.set_answered_at:
            details["answered"] = True
        audit.record(session, user.username, "petition.update", target=str(petition_id), details=details)
        session.commit()
    except PetitionConflict:
        raise
    except Exception:
        session.rollback()
        raise
    session.refresh(row)
    return row, True


# --- Indicator 8 -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeliness:
    """Petition due in a period and how it was handled (indicator 8 of Biểu 5a).

    "In the period" means **due in the period** (deadline between start and end, inclusive), not received in
    it: the rule judges whether petitions were answered by their deadline, and an item received in the last
    days of a quarter is only due (and only judgeable) in the next one. Counting by due date gives every
    item exactly one period, in which its outcome is known once the period is over, so a finished quarter's
    figure never changes afterwards.

    - due: items whose outcome is known: answered, or still open with the deadline passed (as of `today`);
    - on_time: answered on or before the deadline (the answer's date in Vietnam time);
    - late: answered after the deadline, or still unanswered after it (late_unanswered of them);
    - pending: still open and not yet past the deadline (a period that is not over): not counted in `due`.
    """

    start: date
    end: date
    due: int
    on_time: int
    late: int
    late_unanswered: int
    pending: int

    @property
    def on_time_share(self) -> float | None:
        """Percentage answered on time, one decimal; None when nothing was due."""
        return None if self.due == 0 else round(self.on_time * 100 / self.due, 1)


def timeliness(session: Session, start: date, end: date, *, scope: Scope, today: date | None = None) -> Timeliness:
    """Counts for indicator 8 over the petitions due between `start` and `end` (see Timeliness)."""
    rows = [(status, due_day, answered_at) for _, status, due_day, answered_at in _due_rows(session, start, end, scope)]
    return _timeliness(start, end, rows, today or session_today(session))


def timeliness_by_unit(
    session: Session, start: date, end: date, *, scope: Scope, today: date | None = None
) -> dict[str, Timeliness]:
    """`timeliness` for each unit that has petitions due in the period (one query for every unit)."""
    by_unit: dict[str, list[tuple[str, date, datetime | None]]] = {}
    for unit, status, due_day, answered_at in _due_rows(session, start, end, scope):
        by_unit.setdefault(unit, []).append((status, due_day, answered_at))
    today = today or session_today(session)
    return {unit: _timeliness(start, end, rows, today) for unit, rows in by_unit.items()}


def _due_rows(session: Session, start: date, end: date, scope: Scope) -> Sequence[Row]:
    if end < start:
        raise ValueError(f"period ends ({end}) before it starts ({start})")
    return session.execute(
        select(Petition.unit_code, Petition.status, Petition.deadline, Petition.answered_at).where(
            Petition.deadline >= start, Petition.deadline <= end, NOT_SPAM, in_scope(Petition.unit_code, scope)
        )
    ).all()


def _timeliness(
    start: date,
    end: date,
    rows: Iterable[tuple[str, date, datetime | None]],
    today: date,
) -> Timeliness:
    on_time = late = late_unanswered = pending = 0
    for status, due_day, answered_at in rows:
        if answered_at is not None and status in rules.ANSWERED_STATUSES:
            if rules.answered_on_time(due_day, answered_at.astimezone(VN_TZ).date()):
                on_time += 1
            else:
                late += 1
        elif rules.is_overdue(status, due_day, today):
            late += 1
            late_unanswered += 1
        else:
            pending += 1
    return Timeliness(
        start=start,
        end=end,
        due=on_time + late,
        on_time=on_time,
        late=late,
        late_unanswered=late_unanswered,
        pending=pending,
    )


def open_count(session: Session, today: date, *, scope: Scope) -> tuple[int, int]:
    """(open items, of which overdue)."""
    within = in_scope(Petition.unit_code, scope)
    total = session.scalar(
        select(func.count()).select_from(Petition).where(Petition.status.in_(rules.OPEN_STATUSES), NOT_SPAM, within)
    )
    overdue = session.scalar(select(func.count()).select_from(Petition).where(overdue_clause(today), within))
    return total or 0, overdue or 0


def mark_spam(session: Session, petition_id: int, *, user: StaffUser, scope: Scope) -> Petition:
    """Mark an item as spam: it leaves the lists, the counts and indicator 8 (audit-logged; purge deletes it)."""
    row = get(session, petition_id, scope=scope)
    row.spam = True
    audit.record(session, user.username, "petition.spam", target=str(petition_id))
    session.commit()
    return row


def purge_spam(session: Session, *, user: StaffUser, scope: Scope) -> int:
    """Delete every item marked as spam within `scope`; how many (audit-logged with the count only)."""
    removed = rows_affected(
        session, delete(Petition).where(Petition.spam.is_(True), in_scope(Petition.unit_code, scope))
    )
    audit.record(session, user.username, "petition.purge_spam", details={"removed": removed})
    session.commit()
    return removed
