"""Biểu 5a (satisfaction) and Biểu 6a (dossier results) for a period, aggregated in SQL.

Both reports run a single GROUP BY query with SUM(CASE …) columns over the period's rows (never loading ballots
or dossiers into Python), served by covering indexes (migration 0002), and hand the sums to the pure rules in
kiosk_api.domain.scoring / kiosk_api.domain.bieu6a. Indicator 9 and the petition figures of indicator 8 take two
more small queries.

Public API (stable; used by the reports router, the CLI and the staff dashboard):

- `bieu_5a(session, start, end, *, rules=None, breakdown=None, today=None) -> Bieu5aReport`
- `bieu_6a(session, start, end, *, breakdown=None, today=None) -> Bieu6aReport`
(The values of agency indicators that staff enter are kept by services.agency_indicators.)

Which rows a period holds:

- Biểu 5a: the ballots recorded in the period (ratings.created_at between the first day 00:00 and the last day
  24:00, Vietnam time). Indicators 1 and 2 come from each ballot's dossier (see domain.scoring).
  Agency indicators, in order of precedence: the value staff entered for exactly this period (first and last day),
  else computed — 8 from the petitions register (petitions.service.timeliness: items due in the period, judged
  as of min(end, today)), 9 from the dossiers received in the period (online share, and whether any online
  dossier was late or is overdue at the period's end) — else the rule's default (5). In a breakdown by field or
  officer the agency indicators are the commune's (they are facts about the agency, not about a field).
- Biểu 6a: see domain.bieu6a for the columns and conventions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal

from sqlalchemy import ColumnElement, and_, case, func, not_, or_, select
from sqlalchemy.orm import Session

from ..clock import VN_TZ
from ..db import session_today
from ..domain import bieu6a as b6
from ..domain.channels import DossierChannel
from ..domain.periods import Period
from ..domain.report_results import AgencyFacts, Bieu5aGroup, Bieu5aReport, Bieu6aGroup, Bieu6aReport
from ..domain.scoring import AgencyValue, Score, SumCount, online_points, petition_points, score_ballots
from ..domain.status import DossierStatus
from ..domain.units import EVERY_UNIT, Scope
from ..models import AgencyIndicator, Dossier, Rating
from ..report_rules import BALLOT_CODES, ReportRules, rules_for
from .units import in_scope, unit_names

Breakdown = Literal["field", "officer", "unit"]
BREAKDOWNS: tuple[str, ...] = ("field", "officer", "unit")
NO_FIELD = "Chưa phân loại lĩnh vực"
NO_OFFICER = "Chưa phân công cán bộ"
NO_DOSSIER = "Phiếu đánh giá không gắn hồ sơ (tại quầy)"
SUM_KEYS = ("time", "i3", "i4", "i6", "i7")


def period_bounds_utc(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in Vietnam time, as UTC datetimes (for timestamp columns)."""
    lo = datetime.combine(start, time(0), VN_TZ).astimezone(UTC)
    hi = datetime.combine(end + timedelta(days=1), time(0), VN_TZ).astimezone(UTC)
    return lo, hi


def _as_period(start: date, end: date) -> Period:
    return Period.between(start, end)


def _group_column(breakdown: str | None):
    if breakdown is None:
        return None
    if breakdown == "field":
        return Dossier.field
    if breakdown == "officer":
        return Dossier.officer
    if breakdown == "unit":
        return Dossier.unit_code
    raise ValueError(f"unknown breakdown {breakdown!r} (expected one of {', '.join(BREAKDOWNS)})")


def _n(value) -> int:
    return int(value or 0)


# ---- Biểu 5a --------------------------------------------------------------------------------------------------


def time_points_sql() -> ColumnElement:
    """SQL twin of domain.scoring.dossier_time_points (NULL without a dossier or a result date)."""
    done = func.coalesce(Dossier.result_date, Dossier.returned_date)
    return case(
        (done < Dossier.appointment_date, 2),
        (done == Dossier.appointment_date, 1),
        (done > Dossier.appointment_date, 0),
        else_=None,
    )


def _ballot_columns(satisfaction, i3, i4, i6, i7, points) -> list:
    """One aggregate per figure: ballot count, count per stored satisfaction code, sum and count per indicator."""
    cols: list = [func.count().label("n")]
    for code in BALLOT_CODES:
        cols.append(func.sum(case((satisfaction == code, 1), else_=0)).label(f"s_{code}"))
    for key, column in (("time", points), ("i3", i3), ("i4", i4), ("i6", i6), ("i7", i7)):
        cols += [func.sum(column).label(f"sum_{key}"), func.count(column).label(f"cnt_{key}")]
    return cols


def ballot_query(lo: datetime, hi: datetime, group_col=None, scope: Scope = EVERY_UNIT):
    """The Biểu 5a aggregate over the ballots recorded in [lo, hi), optionally grouped by a dossier column.

    An index-only range scan of ix_ratings_report joined to each ballot's dossier through ix_dossiers_rating
    (keyed by id, holding the dates, field and officer): the cost follows the period's ballots, not the table.
    """
    cols = _ballot_columns(Rating.satisfaction, Rating.i3, Rating.i4, Rating.i6, Rating.i7, time_points_sql())
    if group_col is not None:
        cols = [group_col.label("g"), (Dossier.id.is_(None)).label("no_dossier"), *cols]
    query = (
        select(*cols)
        .select_from(Rating)
        .outerjoin(Dossier, Dossier.id == Rating.dossier_id)
        .where(Rating.created_at >= lo, Rating.created_at < hi, in_scope(Rating.unit_code, scope))
    )
    return query.group_by(group_col, Dossier.id.is_(None)) if group_col is not None else query


@dataclass
class _BallotSums:
    n: int = 0
    satisfaction: dict[str, int] = field(default_factory=dict)
    sums: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row) -> _BallotSums:
        m = row._mapping
        return cls(
            n=_n(m["n"]),
            satisfaction={code: _n(m[f"s_{code}"]) for code in BALLOT_CODES},
            sums={k: [_n(m[f"sum_{k}"]), _n(m[f"cnt_{k}"])] for k in SUM_KEYS},
        )

    def add(self, other: _BallotSums) -> None:
        self.n += other.n
        for code, count in other.satisfaction.items():
            self.satisfaction[code] = self.satisfaction.get(code, 0) + count
        for k, (s, c) in other.sums.items():
            mine = self.sums.setdefault(k, [0, 0])
            mine[0] += s
            mine[1] += c

    def score(self, agency: dict[int, AgencyValue], rules: ReportRules) -> Score:
        return score_ballots(
            total_ballots=self.n,
            sums={k: SumCount(s, c) for k, (s, c) in self.sums.items()},
            satisfaction=self.satisfaction,
            agency=agency,
            rules=rules,
        )


def _online_facts_by_unit(
    session: Session, start: date, end: date, as_of: date, scope: Scope
) -> dict[str, tuple[int, int, int]]:
    """Per unit: (dossiers received in the period, of which online, of which resolved late or overdue at `as_of`),
    withdrawn dossiers left out."""
    cond = _resolved_by(end)
    late = or_(
        and_(cond, Dossier.status != DossierStatus.REFUSED.value, _resolved_on() > Dossier.appointment_date),
        and_(
            not_(cond),
            Dossier.status != DossierStatus.WAITING_SUPPLEMENT.value,
            Dossier.appointment_date < as_of,
        ),
    )
    online = Dossier.channel == DossierChannel.ONLINE.value
    rows = session.execute(
        select(
            Dossier.unit_code,
            func.count(),
            func.sum(case((online, 1), else_=0)),
            func.sum(case((and_(online, late), 1), else_=0)),
        )
        .where(
            Dossier.received_date >= start,
            Dossier.received_date <= end,
            Dossier.status != DossierStatus.WITHDRAWN.value,
            in_scope(Dossier.unit_code, scope),
        )
        .group_by(Dossier.unit_code)
    ).all()
    return {unit: (_n(received), _n(online_n), _n(late_n)) for unit, received, online_n, late_n in rows}


NO_FACTS = AgencyFacts(0, 0, 0, 0, 0, 0)


def _facts_by_unit(session: Session, start: date, end: date, as_of: date, scope: Scope) -> dict[str, AgencyFacts]:
    """The register figures behind the computed agency indicators, for each unit with any (two queries in all)."""
    from ..petitions import service as petition_service  # the petitions register's own rule for "due" and "on time"

    timeliness = petition_service.timeliness_by_unit(session, start, end, today=as_of, scope=scope)
    online = _online_facts_by_unit(session, start, end, as_of, scope)
    facts = {}
    for unit in timeliness.keys() | online.keys():
        t = timeliness.get(unit)
        received, online_n, online_late = online.get(unit, (0, 0, 0))
        facts[unit] = AgencyFacts(
            petitions_due=t.due if t else 0,
            petitions_on_time=t.on_time if t else 0,
            petitions_pending=t.pending if t else 0,
            dossiers_received=received,
            dossiers_online=online_n,
            dossiers_online_late=online_late,
        )
    return facts


def _sum_facts(facts: Iterable[AgencyFacts]) -> AgencyFacts:
    total = NO_FACTS
    for f in facts:
        total = AgencyFacts(*(a + b for a, b in zip(astuple(total), astuple(f), strict=True)))
    return total


@dataclass(frozen=True)
class _Entered:
    value: Decimal
    note: str


def _entered_by_unit(session: Session, start: date, end: date, scope: Scope) -> dict[str, dict[int, _Entered]]:
    """The values staff entered for exactly this period, per unit and indicator."""
    entered: dict[str, dict[int, _Entered]] = {}
    for row in session.scalars(
        select(AgencyIndicator).where(
            AgencyIndicator.period_start == start,
            AgencyIndicator.period_end == end,
            in_scope(AgencyIndicator.unit_code, scope),
        )
    ):
        note = f"Do cán bộ {row.entered_by} nhập" + (f": {row.note}" if row.note else "")
        entered.setdefault(row.unit_code, {})[row.indicator] = _Entered(Decimal(str(row.value)), note)
    return entered


def _entered_together(by_unit: dict[str, dict[int, _Entered]]) -> dict[int, _Entered]:
    """The entered values of several units as one: a unit's own value when only one unit entered it, else the
    mean of the values the units entered (those that entered none are not counted)."""
    per_indicator: dict[int, list[_Entered]] = {}
    for values in by_unit.values():
        for indicator, value in values.items():
            per_indicator.setdefault(indicator, []).append(value)
    together: dict[int, _Entered] = {}
    for indicator, entries in per_indicator.items():
        if len(entries) == 1:
            together[indicator] = entries[0]
        else:
            mean = sum((e.value for e in entries), Decimal(0)) / len(entries)
            together[indicator] = _Entered(mean, f"Bình quân giá trị do {len(entries)} đơn vị nhập")
    return together


def _agency(facts: AgencyFacts, entered: dict[int, _Entered], rules: ReportRules) -> dict[int, AgencyValue]:
    """The agency indicators (entered > computed > default) from the figures and the entered values."""
    values: dict[int, AgencyValue] = {}
    for rule in rules.indicators:
        if rule.source != "agency":
            continue
        if rule.id in entered:
            values[rule.id] = AgencyValue(entered[rule.id].value, "entered", entered[rule.id].note)
        elif rule.agency_rule == "petitions_on_time":
            points = petition_points(
                facts.petitions_due,
                facts.petitions_on_time,
                full_percent=rule.params["full_percent"],
                partial_percent=rule.params["partial_percent"],
            )
            note = (
                "Không có phản ánh, kiến nghị đến hạn trong kỳ"
                if facts.petitions_due == 0
                else f"{facts.petitions_on_time}/{facts.petitions_due} phản ánh, kiến nghị đến hạn trong kỳ "
                "được trả lời đúng hạn"
            )
            values[rule.id] = AgencyValue(Decimal(points), "computed", note)
        elif rule.agency_rule == "online_services":
            received, online, online_late = facts.dossiers_received, facts.dossiers_online, facts.dossiers_online_late
            points = online_points(
                received,
                online,
                online_late,
                full_percent=rule.params["full_percent"],
                partial_percent=rule.params.get("partial_percent", 0),
            )
            note = (
                f"{online}/{received} hồ sơ tiếp nhận trong kỳ nộp trực tuyến, {online_late} hồ sơ trực tuyến trễ hạn"
            )
            values[rule.id] = AgencyValue(Decimal(points), "computed", note)
        elif rule.default is not None:
            values[rule.id] = AgencyValue(
                Decimal(str(rule.default)), "default", "Giá trị mặc định theo bộ quy tắc (chưa nhập cho kỳ này)"
            )
        else:
            values[rule.id] = AgencyValue(None, "missing", "Chưa nhập cho kỳ này")
    return values


def agency_values(
    session: Session,
    start: date,
    end: date,
    *,
    rules: ReportRules,
    today: date | None = None,
    scope: Scope = EVERY_UNIT,
) -> tuple[dict[int, AgencyValue], AgencyFacts]:
    """The agency indicators of the period for the units in `scope` (entered > computed > default) and the figures
    they came from. Several units' entered values count as their mean (`_entered_together`)."""
    as_of = min(end, today or session_today(session))
    facts = _sum_facts(_facts_by_unit(session, start, end, as_of, scope).values())
    entered = _entered_together(_entered_by_unit(session, start, end, scope))
    return _agency(facts, entered, rules), facts


def agency_values_by_unit(
    session: Session,
    start: date,
    end: date,
    units: Iterable[str],
    *,
    rules: ReportRules,
    today: date | None = None,
    scope: Scope = EVERY_UNIT,
) -> dict[str, dict[int, AgencyValue]]:
    """`agency_values` of each of `units` (within `scope`), from one pass over the registers for all of them."""
    as_of = min(end, today or session_today(session))
    facts = _facts_by_unit(session, start, end, as_of, scope)
    entered = _entered_by_unit(session, start, end, scope)
    return {u: _agency(facts.get(u, NO_FACTS), entered.get(u, {}), rules) for u in units}


def bieu_5a(
    session: Session,
    start: date,
    end: date,
    *,
    rules: ReportRules | None = None,
    breakdown: str | None = None,
    today: date | None = None,
    scope: Scope = EVERY_UNIT,
) -> Bieu5aReport:
    """Biểu 5a over the ballots recorded between `start` and `end` (both included, Vietnam time).

    `rules`: the scoring rule set (default: KIOSK_REPORT_RULES' default file, i.e. report_rules/default.yaml).
    `breakdown`: None, "field" or "officer" — adds one group per field / officer (ballots without a dossier form
    their own group; the groups add up to the total). `today` (default: today in Vietnam) bounds which petitions
    is already judged for indicator 8. `scope`: one unit's ballots, dossiers and petitions, or every unit's.
    """
    period = _as_period(start, end)
    rules = rules or rules_for(None)
    if breakdown == "unit":
        return _bieu_5a_by_unit(session, period, rules=rules, today=today, scope=scope)
    group_col = _group_column(breakdown)
    lo, hi = period_bounds_utc(start, end)
    query = ballot_query(lo, hi, group_col, scope)
    rows = session.execute(query).all()
    agency, facts = agency_values(session, start, end, rules=rules, today=today, scope=scope)

    total = _BallotSums()
    groups: list[Bieu5aGroup] = []
    grouped: dict[tuple[bool, str | None], _BallotSums] = {}
    for row in rows:
        sums = _BallotSums.from_row(row)
        total.add(sums)
        if group_col is not None:
            bucket = (bool(row._mapping["no_dossier"]), row._mapping["g"])
            grouped.setdefault(bucket, _BallotSums()).add(sums)
    for (no_dossier, key), sums in sorted(grouped.items(), key=lambda kv: (kv[0][0], kv[0][1] is None, kv[0][1] or "")):
        if sums.n == 0:
            continue
        label = NO_DOSSIER if no_dossier else (key or (NO_FIELD if breakdown == "field" else NO_OFFICER))
        groups.append(Bieu5aGroup(None if no_dossier else key, label, sums.score(agency, rules)))
    return Bieu5aReport(
        period=period,
        rules=rules,
        total=total.score(agency, rules),
        agency=agency,
        facts=facts,
        breakdown=breakdown,
        groups=groups,
    )


def _bieu_5a_by_unit(
    session: Session, period: Period, *, rules: ReportRules, today: date | None, scope: Scope
) -> Bieu5aReport:
    """Biểu 5a with one group per unit (commune), each scored with its own agency indicators, the best first: the
    province's ranking of its communes. The total is the province's aggregate."""
    lo, hi = period_bounds_utc(period.start, period.end)
    rows = session.execute(
        ballot_query(lo, hi, None, scope).add_columns(Rating.unit_code.label("g")).group_by(Rating.unit_code)
    ).all()
    agency, facts = agency_values(session, period.start, period.end, rules=rules, today=today, scope=scope)
    units = [row._mapping["g"] for row in rows]
    own = agency_values_by_unit(session, period.start, period.end, units, rules=rules, today=today, scope=scope)
    names = unit_names(session)
    total = _BallotSums()
    groups: list[Bieu5aGroup] = []
    for unit, row in zip(units, rows, strict=True):
        sums = _BallotSums.from_row(row)
        total.add(sums)
        groups.append(Bieu5aGroup(unit, names.get(unit, unit), sums.score(own[unit], rules)))
    groups.sort(key=lambda g: (-g.score.score, g.label))
    return Bieu5aReport(
        period=period,
        rules=rules,
        total=total.score(agency, rules),
        agency=agency,
        facts=facts,
        breakdown="unit",
        groups=groups,
    )


# ---- Biểu 6a --------------------------------------------------------------------------------------------------


def _resolved_on() -> ColumnElement:
    return func.coalesce(Dossier.result_date, Dossier.returned_date, Dossier.appointment_date)


def _resolved_by(end: date) -> ColumnElement[bool]:
    return and_(Dossier.status.in_(sorted(b6.RESOLVED_CODES)), _resolved_on() <= end)


def _count(cond: ColumnElement[bool]) -> ColumnElement:
    return func.sum(case((cond, 1), else_=0))


def bieu6a_columns(start: date, end: date, as_of: date | None = None) -> list:
    """The SQL twin of domain.bieu6a.classify: one SUM(CASE …) per column of the form."""
    cutoff = min(as_of, end) if as_of is not None else end
    resolved_on = _resolved_on()
    done = _resolved_by(end)
    refused = Dossier.status == DossierStatus.REFUSED.value
    in_period = Dossier.received_date >= start
    online = Dossier.channel == b6.ONLINE
    waiting = Dossier.status == DossierStatus.WAITING_SUPPLEMENT.value
    return [
        _count(and_(in_period, online)).label("online"),
        _count(and_(in_period, not_(online))).label("offline"),
        _count(Dossier.received_date < start).label("carried_over"),
        _count(and_(done, not_(refused), resolved_on < Dossier.appointment_date)).label("resolved_early"),
        _count(and_(done, or_(refused, resolved_on == Dossier.appointment_date))).label("resolved_on_time"),
        _count(and_(done, not_(refused), resolved_on > Dossier.appointment_date)).label("resolved_late"),
        _count(and_(not_(done), or_(waiting, Dossier.appointment_date >= cutoff))).label("in_progress_within"),
        _count(and_(not_(done), not_(waiting), Dossier.appointment_date < cutoff)).label("in_progress_overdue"),
    ]


COUNT_FIELDS = (
    "online",
    "offline",
    "carried_over",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_within",
    "in_progress_overdue",
)


def bieu_6a(
    session: Session,
    start: date,
    end: date,
    *,
    breakdown: str | None = None,
    today: date | None = None,
    scope: Scope = EVERY_UNIT,
) -> Bieu6aReport:
    """Biểu 6a for [start, end]: received (online / in person or post / carried over), resolved (early / on time /
    late), in progress (within / overdue at `end`, or at `today` when the period is not over), per field or
    officer when `breakdown` is given, and the withdrawn dossiers received in the period beside the table.
    See domain.bieu6a for the conventions."""
    period = _as_period(start, end)
    group_col = _group_column(breakdown)
    within = in_scope(Dossier.unit_code, scope)
    counted = and_(
        within,
        Dossier.status != DossierStatus.WITHDRAWN.value,
        Dossier.received_date <= end,
        or_(
            Dossier.received_date >= start,
            Dossier.status.not_in(sorted(b6.RESOLVED_CODES)),
            _resolved_on() >= start,
        ),
    )
    cols = bieu6a_columns(start, end, today)
    if group_col is not None:
        # Group by `field || ''` (the same value, NULL stays NULL) rather than the bare column: otherwise SQLite
        # walks ix_dossiers_field to get the groups in order and visits every row, instead of scanning the
        # covering index ix_dossiers_report and grouping its few distinct values in memory.
        group_col = group_col + ""
    withdrawn_q = select(func.count().label("withdrawn")).where(
        within,
        Dossier.status == DossierStatus.WITHDRAWN.value,
        Dossier.received_date >= start,
        Dossier.received_date <= end,
    )
    if group_col is not None:
        main = session.execute(select(group_col.label("g"), *cols).where(counted).group_by(group_col)).all()
        withdrawn = session.execute(withdrawn_q.add_columns(group_col.label("g")).group_by(group_col)).all()
    else:
        main = session.execute(select(*cols).where(counted)).all()
        withdrawn = session.execute(withdrawn_q).all()

    by_key: dict[str | None, b6.Counts] = {}
    for row in main:
        m = row._mapping
        key = m["g"] if group_col is not None else None
        counts = by_key.setdefault(key, b6.Counts())
        counts += b6.Counts(**{name: _n(m[name]) for name in COUNT_FIELDS})
    for row in withdrawn:
        m = row._mapping
        key = m["g"] if group_col is not None else None
        if _n(m["withdrawn"]):
            by_key.setdefault(key, b6.Counts()).withdrawn += _n(m["withdrawn"])
    total = b6.Counts()
    for counts in by_key.values():
        total += counts
    groups = []
    if group_col is not None:
        empty = NO_FIELD if breakdown == "field" else NO_OFFICER
        names = unit_names(session) if breakdown == "unit" else {}
        for key in sorted(by_key, key=lambda k: (k is None, k or "")):
            groups.append(Bieu6aGroup(key, names.get(key or "", key or empty), by_key[key]))
    return Bieu6aReport(period=period, total=total, breakdown=breakdown, groups=groups)
