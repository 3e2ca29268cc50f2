"""The staff dashboard's figures: Biểu 5a and 6a of a period at a glance, monthly trends, the weakest indicators
and fields, and the work lists (open petitions, waiting hand-off requests, overdue dossiers needing an apology).

The report figures come from kiosk_api.services.reports (the same numbers as the downloadable reports). The
monthly trends are computed here with one query per register (one SUM(CASE …) column per month), so the page
stays cheap however long the registers are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from motcua.vocabulary import Satisfaction
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from procedures_kb.catalogue import Catalogue

from ..db import session_now
from ..domain.bieu6a import RESOLVED_CODES
from ..domain.dates import format_date
from ..domain.overdue import days_overdue
from ..domain.periods import Period
from ..domain.report_results import Bieu5aReport, Bieu6aReport
from ..domain.scoring import IndicatorScore
from ..domain.status import DossierStatus
from ..domain.units import EVERY_UNIT, Scope
from ..models import Dossier, HandoffRequest, Rating
from ..petitions import rules as petition_rules
from ..petitions import service as petition_service
from ..petitions.schemas import StaffPetition
from ..report_rules import ReportRules
from ..settings import Settings
from . import dossier_access, reports
from . import dossiers as dossier_service
from . import handoffs as handoff_service
from .units import in_scope

SATISFIED = (Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED)
TREND_MONTHS = 6
LIST_LIMIT = 20
MIN_FIELD_BALLOTS = 3  # fields with fewer ballots are too small to compare


@dataclass(frozen=True)
class MonthTrend:
    period: Period
    label: str  # "T11/2026"
    ballots: int
    satisfied: int  # Rất hài lòng + Hài lòng
    received: int
    resolved: int
    resolved_late: int

    @property
    def satisfied_percent(self) -> float | None:
        return None if self.ballots == 0 else round(self.satisfied * 100 / self.ballots, 1)

    @property
    def late_percent(self) -> float | None:
        return None if self.resolved == 0 else round(self.resolved_late * 100 / self.resolved, 1)


@dataclass(frozen=True)
class FieldScore:
    field: str
    ballots: int
    score: float
    classification: str
    satisfied_percent: float | None


@dataclass(frozen=True)
class OverdueDossier:
    code: str
    procedure: str
    applicant_name: str
    officer: str | None
    appointment_text: str
    days_overdue: int


@dataclass(frozen=True)
class WaitingHandoff:
    id: int
    channel: str
    topic: str | None
    status: str
    status_label: str
    waiting_minutes: int
    handled_by: str | None


@dataclass(frozen=True)
class Dashboard:
    period: Period
    today: date
    bieu5a: Bieu5aReport
    bieu6a: Bieu6aReport
    months: list[MonthTrend]
    weakest_indicators: list[IndicatorScore]
    weakest_fields: list[FieldScore]
    timeliness: petition_service.Timeliness
    petitions_open: list[StaffPetition]
    petitions_open_total: int
    petitions_overdue_total: int
    handoffs: list[WaitingHandoff]
    overdue_dossiers: list[OverdueDossier]
    overdue_dossiers_total: int
    locked_dossiers: list[dossier_access.CodeLock] = field(default_factory=list)
    # Across several communes (a province officer's view): the communes scoring lowest in Biểu 5a.
    weakest_units: list[FieldScore] = field(default_factory=list)


def last_months(end: date, count: int = TREND_MONTHS) -> list[Period]:
    """The `count` calendar months ending with the month of `end`, oldest first."""
    year, month = end.year, end.month
    out = []
    for _ in range(count):
        out.append(Period.month(year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def month_trends(session: Session, months: list[Period], scope: Scope) -> list[MonthTrend]:
    """Ballots (and satisfied ones) recorded, dossiers received, resolved and resolved late, per month."""
    ballot_cols, dossier_cols = [], []
    resolved_on = func.coalesce(Dossier.result_date, Dossier.returned_date, Dossier.appointment_date)
    is_resolved = Dossier.status.in_(sorted(RESOLVED_CODES))
    late = and_(Dossier.status != DossierStatus.REFUSED.value, resolved_on > Dossier.appointment_date)
    for i, m in enumerate(months):
        lo, hi = reports.period_bounds_utc(m.start, m.end)
        in_month = and_(Rating.created_at >= lo, Rating.created_at < hi)
        ballot_cols += [
            func.sum(case((in_month, 1), else_=0)).label(f"b{i}"),
            func.sum(case((and_(in_month, Rating.satisfaction.in_(SATISFIED)), 1), else_=0)).label(f"s{i}"),
        ]
        resolved_in = and_(is_resolved, resolved_on >= m.start, resolved_on <= m.end)
        dossier_cols += [
            func.sum(case((and_(Dossier.received_date >= m.start, Dossier.received_date <= m.end), 1), else_=0)).label(
                f"r{i}"
            ),
            func.sum(case((resolved_in, 1), else_=0)).label(f"d{i}"),
            func.sum(case((and_(resolved_in, late), 1), else_=0)).label(f"l{i}"),
        ]
    first_lo, _ = reports.period_bounds_utc(months[0].start, months[0].end)
    _, last_hi = reports.period_bounds_utc(months[-1].start, months[-1].end)
    b = (
        session.execute(
            select(*ballot_cols).where(
                Rating.created_at >= first_lo, Rating.created_at < last_hi, in_scope(Rating.unit_code, scope)
            )
        )
        .one()
        ._mapping
    )
    d = session.execute(select(*dossier_cols).where(in_scope(Dossier.unit_code, scope))).one()._mapping
    return [
        MonthTrend(
            period=m,
            label=f"T{m.start.month}/{m.start.year}",
            ballots=int(b[f"b{i}"] or 0),
            satisfied=int(b[f"s{i}"] or 0),
            received=int(d[f"r{i}"] or 0),
            resolved=int(d[f"d{i}"] or 0),
            resolved_late=int(d[f"l{i}"] or 0),
        )
        for i, m in enumerate(months)
    ]


def weakest_indicators(report: Bieu5aReport, count: int = 3) -> list[IndicatorScore]:
    """The indicators scored from ballots with the lowest share of their maximum (ties: lower id first)."""
    scored = [i for i in report.total.indicators if i.source == "ballots" and i.average is not None]
    scored.sort(key=lambda i: (float(i.average) / i.max_points, i.id))  # type: ignore[arg-type]
    return scored[:count]


def weakest_fields(report: Bieu5aReport, count: int = 5) -> list[FieldScore]:
    """The report's groups (fields, or communes: with enough ballots to compare) by score, lowest first."""
    out = []
    for group in report.groups:
        if group.key is None or group.score.total_ballots < MIN_FIELD_BALLOTS:
            continue
        satisfied = sum(level.count for level in group.score.levels if set(level.codes) & set(SATISFIED))
        share = round(satisfied * 100 / group.score.total_ballots, 1) if group.score.total_ballots else None
        out.append(
            FieldScore(
                field=group.label,
                ballots=group.score.total_ballots,
                score=float(group.score.score),
                classification=group.score.classification,
                satisfied_percent=share,
            )
        )
    out.sort(key=lambda f: (f.score, f.satisfied_percent or 0, f.field))
    return out[:count]


def overdue_dossiers(
    session: Session, catalogue: Catalogue, today: date, scope: Scope, limit: int = LIST_LIMIT
) -> tuple[int, list[OverdueDossier]]:
    """Dossiers past their appointment date and still being handled (each needs a phiếu xin lỗi và hẹn lại),
    the longest overdue first."""
    clause = and_(dossier_service.overdue_clause(today), in_scope(Dossier.unit_code, scope))
    total = session.scalar(select(func.count()).select_from(Dossier).where(clause)) or 0
    rows = session.scalars(
        select(Dossier).where(clause).order_by(Dossier.appointment_date, Dossier.code).limit(limit)
    ).all()
    out = []
    for d in rows:
        procedure = catalogue.get(d.procedure_code)
        out.append(
            OverdueDossier(
                code=d.code,
                procedure=procedure.name if procedure else d.procedure_code,
                applicant_name=d.applicant_name,
                officer=d.officer,
                appointment_text=format_date(d.appointment_date),
                days_overdue=days_overdue(DossierStatus(d.status), d.appointment_date, today),
            )
        )
    return total, out


def waiting_handoffs(session: Session, scope: Scope, limit: int = LIST_LIMIT) -> list[WaitingHandoff]:
    """Requests for an officer that are waiting or being handled, the longest waiting first."""
    now = session_now(session)
    rows: list[HandoffRequest] = handoff_service.list_requests(session, handoff_service.OPEN, limit=limit, scope=scope)
    return [
        WaitingHandoff(
            id=r.id,
            channel=r.channel,
            topic=r.topic,
            status=r.status,
            status_label=handoff_service.STATUS_LABELS[r.status],
            waiting_minutes=max(0, int((now - r.created_at).total_seconds() // 60)),
            handled_by=r.handled_by,
        )
        for r in rows
    ]


def build(
    session: Session,
    period: Period,
    *,
    today: date,
    rules: ReportRules,
    catalogue: Catalogue,
    settings: Settings | None = None,
    secret: bytes | None = None,
    scope: Scope = EVERY_UNIT,
) -> Dashboard:
    """Everything the dashboard shows for `period` (reports judged as of `today` when the period is not over), for
    the units of `scope`."""
    bieu5a = reports.bieu_5a(
        session, period.start, period.end, rules=rules, breakdown="field", today=today, scope=scope
    )
    bieu6a = reports.bieu_6a(session, period.start, period.end, today=today, scope=scope)
    months = month_trends(session, last_months(min(period.end, today)), scope)
    as_of = min(period.end, today)
    timeliness = petition_service.timeliness(session, period.start, period.end, today=as_of, scope=scope)
    open_total, overdue_total = petition_service.open_count(session, today, scope=scope)
    _, open_rows = petition_service.list_petitions(
        session, scope=scope, today=today, statuses=petition_rules.OPEN_STATUSES, page=1, page_size=LIST_LIMIT
    )
    dossiers_total, dossiers = overdue_dossiers(session, catalogue, today, scope)
    by_unit = (
        reports.bieu_5a(session, period.start, period.end, rules=rules, breakdown="unit", today=today, scope=scope)
        if scope.unit is None
        else None
    )
    return Dashboard(
        period=period,
        today=today,
        bieu5a=bieu5a,
        bieu6a=bieu6a,
        months=months,
        weakest_indicators=weakest_indicators(bieu5a),
        weakest_fields=weakest_fields(bieu5a),
        timeliness=timeliness,
        petitions_open=petition_service.staff_views(session, open_rows, today=today),
        petitions_open_total=open_total,
        petitions_overdue_total=overdue_total,
        handoffs=waiting_handoffs(session, scope),
        weakest_units=weakest_fields(by_unit) if by_unit is not None and len(by_unit.groups) > 1 else [],
        overdue_dossiers=dossiers,
        overdue_dossiers_total=dossiers_total,
        locked_dossiers=(
            dossier_access.locked_dossiers(
                session, settings=settings, secret=secret, now=session_now(session), scope=scope
            )
            if settings is not None and secret is not None
            else []
        ),
    )
