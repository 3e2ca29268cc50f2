"""Biểu 6a (dossier results per period): pure classification of one dossier into the form's columns.

The SQL aggregation in kiosk_api.services.reports is the twin of `classify` (a test compares them on the same
data). Conventions, for a report over [start, end]:

- Counted dossiers: received in the period ("trong kỳ": online, or in person / by post), or received before it
  and not yet resolved on its first day ("từ kỳ trước": carried over).
- Resolution date: the result date, else the returned date; a resolved dossier with neither counts as resolved
  on its appointment date. A dossier is resolved in the period when its status is resolved (co_ket_qua,
  da_tra_ket_qua, tu_choi) and its resolution date is on or before `end`; otherwise it is in progress at `end`
  (a dossier resolved after the period was still being handled at its end).
- Resolved: early (before the appointment date), on time (on it), late (after). A refused dossier (tu_choi)
  counts as resolved on time, whatever its dates.
- In progress: overdue when the appointment date is before `end` (the appointment day itself is not overdue);
  a dossier waiting for the citizen's papers (cho_bo_sung) counts as within the deadline. "Overdue" is relative
  to the report's end date and never stored; for a period that is not over yet, to today (`as_of`), so the
  current quarter does not show as overdue files whose appointment is still to come.
- Withdrawn dossiers (da_rut) are left out of every column: the register keeps no withdrawal date, and a file
  the citizen withdrew is neither resolved nor pending. They are reported beside the table (`withdrawn`:
  withdrawn dossiers received in the period), so received = resolved + in progress holds exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum

from .status import RESOLVED, DossierStatus

RESOLVED_CODES = frozenset(s.value for s in RESOLVED)
ONLINE = "truc_tuyen"


class Column(StrEnum):
    """Where one dossier lands; None from `classify` means "not in this report"."""

    RESOLVED_EARLY = "resolved_early"
    RESOLVED_ON_TIME = "resolved_on_time"
    RESOLVED_LATE = "resolved_late"
    IN_PROGRESS_WITHIN = "in_progress_within"
    IN_PROGRESS_OVERDUE = "in_progress_overdue"


@dataclass(frozen=True)
class Placement:
    """How one dossier is counted: how it was received (online / offline / carried) and its outcome column."""

    received: str  # "online", "offline" (in person or by post) or "carried_over"
    column: Column


def resolution_date(appointment: date, result: date | None, returned: date | None) -> date:
    return result or returned or appointment


def classify(
    *,
    status: str,
    channel: str,
    received: date,
    appointment: date,
    result: date | None,
    returned: date | None,
    start: date,
    end: date,
    as_of: date | None = None,
) -> Placement | None:
    """Place one dossier in the Biểu 6a of [start, end]; None when it is not counted (withdrawn, received after
    the period, or resolved before it began). Overdue is judged at `as_of` (default `end`; a report of the
    current, unfinished period passes today)."""
    cutoff = min(as_of, end) if as_of is not None else end
    if status == DossierStatus.WITHDRAWN.value or received > end:
        return None
    is_resolved = status in RESOLVED_CODES
    resolved_on = resolution_date(appointment, result, returned) if is_resolved else None
    if received < start:
        if resolved_on is not None and resolved_on < start:
            return None
        how = "carried_over"
    else:
        how = "online" if channel == ONLINE else "offline"
    if resolved_on is not None and resolved_on <= end:
        if status == DossierStatus.REFUSED.value or resolved_on == appointment:
            column = Column.RESOLVED_ON_TIME
        elif resolved_on < appointment:
            column = Column.RESOLVED_EARLY
        else:
            column = Column.RESOLVED_LATE
    elif status == DossierStatus.WAITING_SUPPLEMENT.value or appointment >= cutoff:
        column = Column.IN_PROGRESS_WITHIN
    else:
        column = Column.IN_PROGRESS_OVERDUE
    return Placement(how, column)


@dataclass
class Counts:
    """One row of Biểu 6a (a field, an officer, or the total)."""

    online: int = 0
    offline: int = 0  # in person or by post
    carried_over: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    in_progress_within: int = 0
    in_progress_overdue: int = 0
    withdrawn: int = 0  # withdrawn dossiers received in the period: shown beside the table, in no other column

    @property
    def received(self) -> int:
        return self.online + self.offline + self.carried_over

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def in_progress(self) -> int:
        return self.in_progress_within + self.in_progress_overdue

    def add(self, placement: Placement | None) -> None:
        if placement is None:
            return
        setattr(self, placement.received, getattr(self, placement.received) + 1)
        setattr(self, placement.column.value, getattr(self, placement.column.value) + 1)

    def __iadd__(self, other: Counts) -> Counts:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    def check(self) -> None:
        """Raise AssertionError unless the form's invariants hold (received = resolved + in progress)."""
        if self.received != self.resolved + self.in_progress:
            raise AssertionError(f"received {self.received} != resolved {self.resolved} + {self.in_progress}")

    def percent_on_time(self) -> float | None:
        """Share of resolved dossiers resolved early or on time (for dashboards), or None when none resolved."""
        if not self.resolved:
            return None
        return (self.resolved_early + self.resolved_on_time) * 100 / self.resolved
