"""Values of the agency indicators (Biểu 5a's indicators 5, 8 and 9) that staff enter for a unit and a period,
replacing the computed value in that unit's report (services.reports reads them). Every change is audit-logged in
the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import session_now
from ..domain.periods import Period
from ..domain.units import Scope
from ..models import AgencyIndicator, Unit
from ..report_rules import ReportRules
from . import audit
from .units import in_scope


class AgencyIndicatorError(ValueError):
    """An entry that the rules do not allow (unknown or non-agency indicator, value out of range)."""


class AgencyIndicatorConflict(Exception):
    """Two requests created the same entry at the same moment and the retry failed too."""


def set_agency_indicator(
    session: Session,
    period: Period,
    indicator: int,
    value: float | None,
    *,
    note: str | None,
    actor: str,
    rules: ReportRules,
    unit: str,
) -> AgencyIndicator | None:
    """Enter (or replace) the value of an agency indicator of `unit` for a period; value None removes the entry, so
    the computed value applies again. Audit-logged in the same transaction. Idempotent: repeating it changes
    nothing."""
    try:
        rule = rules.indicator(indicator)
    except KeyError:
        raise AgencyIndicatorError(f"indicator {indicator} is not in the rule set") from None
    if rule.source != "agency":
        raise AgencyIndicatorError(
            f"indicator {indicator} is computed from the ballots; only agency indicators "
            f"({', '.join(str(i) for i in rules.agency_indicator_ids)}) can be entered"
        )
    if value is not None and not 0 <= value <= rule.max_points:
        raise AgencyIndicatorError(f"value {value} is outside 0..{rule.max_points} for indicator {indicator}")
    if session.get(Unit, unit) is None:
        raise AgencyIndicatorError(f"unit {unit} does not exist")
    for attempt in range(2):
        try:
            return _write_agency_indicator(session, period, indicator, value, note=note, actor=actor, unit=unit)
        except IntegrityError:
            # A concurrent request (another replica, a double click) inserted the same entry first: retry once,
            # which now finds and updates that row.
            session.rollback()
            if attempt:
                raise AgencyIndicatorConflict(period.key, indicator) from None
    raise AssertionError("unreachable")


def _write_agency_indicator(
    session: Session, period: Period, indicator: int, value: float | None, *, note: str | None, actor: str, unit: str
) -> AgencyIndicator | None:
    row = session.scalar(
        select(AgencyIndicator).where(
            AgencyIndicator.unit_code == unit,
            AgencyIndicator.period_start == period.start,
            AgencyIndicator.period_end == period.end,
            AgencyIndicator.indicator == indicator,
        )
    )
    details = {"period": period.key, "indicator": indicator, "value": value, "unit": unit}
    try:
        if value is None:
            if row is not None:
                session.delete(row)
                audit.record(session, actor, "report.agency_indicator.delete", target=period.key, details=details)
            result = None
        elif row is not None and row.value == float(value) and row.note == note:
            return row  # the same entry again (a retried request): nothing to change or audit
        else:
            if row is None:
                row = AgencyIndicator(
                    period_start=period.start, period_end=period.end, indicator=indicator, unit_code=unit
                )
                session.add(row)
            row.value = float(value)
            row.note = note
            row.entered_by = actor
            row.entered_at = session_now(session)
            audit.record(session, actor, "report.agency_indicator", target=period.key, details=details)
            result = row
        session.commit()
    except IntegrityError:
        raise
    except Exception:
        session.rollback()
        raise
    return result


def list_agency_indicators(
    session: Session, *, scope: Scope, start: date | None = None, end: date | None = None
) -> Sequence[AgencyIndicator]:
    """Entered values of the units in `scope`, newest period first; optionally only those of periods overlapping
    [start, end]."""
    query = select(AgencyIndicator).where(in_scope(AgencyIndicator.unit_code, scope))
    if start is not None:
        query = query.where(AgencyIndicator.period_end >= start)
    if end is not None:
        query = query.where(AgencyIndicator.period_start <= end)
    return session.scalars(
        query.order_by(
            AgencyIndicator.period_start.desc(),
            AgencyIndicator.period_end,
            AgencyIndicator.indicator,
            AgencyIndicator.unit_code,
        )
    ).all()
