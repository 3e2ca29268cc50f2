"""Staff reports: Biểu 5a (satisfaction) and Biểu 6a (dossier results) as JSON, XLSX or CSV, and the agency-level
indicators of Biểu 5a that staff enter per period."""

from __future__ import annotations

import logging
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ..deps import ScopeDep, SessionDep, SettingsDep, StaffDep, TodayDep, current_staff
from ..domain.periods import Period, PeriodError, resolve_period
from ..errors import ApiError
from ..report_rules import ReportRules, RuleFileError, rules_for
from ..schemas.common import error_responses
from ..schemas.reports import AgencyIndicatorIn, AgencyIndicatorOut, Bieu5aOut, Bieu6aOut, PeriodOut
from ..services import agency_indicators as entered
from ..services import report_export as export
from ..services import reports as svc
from ..services.units import unit_label
from ..settings import Settings

log = logging.getLogger(__name__)

router = APIRouter(
    prefix="/api/reports",
    tags=["reports"],
    dependencies=[Depends(current_staff)],
    responses=error_responses(401, 422),
)

Format = Literal["json", "xlsx", "csv"]
BreakdownParam = Literal["field", "officer", "unit"]


def load_report_rules(settings: Settings) -> ReportRules:
    """The rule set named by KIOSK_REPORT_RULES (default file otherwise); RuleFileError when invalid."""
    return rules_for(settings.report_rules)


def get_report_rules(request: Request) -> ReportRules:
    """Dependency: the rules validated at start-up, re-read if the file changed since (an edit that breaks the
    file answers 500 with the problems until it is fixed; nothing is guessed)."""
    try:
        return load_report_rules(request.app.state.settings)
    except RuleFileError as exc:
        log.error("report rules %s are invalid: %s", exc.path, "; ".join(exc.problems))
        raise ApiError(500, "bad_report_rules", {"file": exc.path, "problems": exc.problems}) from None


RulesDep = Annotated[ReportRules, Depends(get_report_rules)]


def period_from_query(
    start: Annotated[date | None, Query(alias="from", description="First day, YYYY-MM-DD (with `to`)")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last day, YYYY-MM-DD (with `from`)")] = None,
    quarter: Annotated[str | None, Query(description="A quarter, e.g. 2026-Q3", max_length=10)] = None,
    year: Annotated[int | None, Query(description="A calendar year, e.g. 2026", ge=2000, le=2100)] = None,
    month: Annotated[str | None, Query(description="A month, e.g. 2026-07", max_length=10)] = None,
) -> Period:
    """Exactly one of: from+to, quarter, month, year."""
    try:
        return resolve_period(start=start, end=end, quarter=quarter, year=year, month=month)
    except PeriodError as exc:
        raise ApiError(422, "bad_period", str(exc)) from None


PeriodDep = Annotated[Period, Depends(period_from_query)]


def _file(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "application/json": {},
            export.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            "text/csv": {"schema": {"type": "string"}},
        },
        "description": "The report as JSON (default), XLSX laid out like the form, or CSV (UTF-8 with BOM)",
    }
}


@router.get("/bieu-5a", response_model=Bieu5aOut, responses=FILE_RESPONSES)
def bieu_5a(
    period: PeriodDep,
    session: SessionDep,
    settings: SettingsDep,
    rules: RulesDep,
    today: TodayDep,
    user: StaffDep,
    scope: ScopeDep,
    breakdown: BreakdownParam | None = None,
    format: Format = "json",
):
    """Biểu 5a: ballots of the period, the nine indicators' averages, score out of 18, classification and the
    share of each satisfaction level; per field, officer or unit with `breakdown` (per unit: each commune scored
    with its own agency indicators, the best first, the province's ranking). An officer's unit; a province officer:
    every unit, or `?unit=`."""
    report = svc.bieu_5a(session, period.start, period.end, rules=rules, breakdown=breakdown, today=today, scope=scope)
    log.info("report bieu-5a %s format=%s by %s", period.key, format, user.username)
    unit = unit_label(session, scope, settings.commune_name)
    if format == "xlsx":
        data = export.bieu_5a_xlsx(report, unit=unit, today=today)
        return _file(data, export.XLSX_MEDIA_TYPE, export.file_name("5a", report, "xlsx"))
    if format == "csv":
        return _file(
            export.bieu_5a_csv(report, unit=unit), export.CSV_MEDIA_TYPE, export.file_name("5a", report, "csv")
        )
    return Bieu5aOut.from_report(report, unit)


@router.get("/bieu-6a", response_model=Bieu6aOut, responses=FILE_RESPONSES)
def bieu_6a(
    period: PeriodDep,
    session: SessionDep,
    settings: SettingsDep,
    today: TodayDep,
    user: StaffDep,
    scope: ScopeDep,
    breakdown: BreakdownParam | None = None,
    format: Format = "json",
):
    """Biểu 6a: dossiers received (online / in person or post / carried over), resolved (early / on time / late)
    and in progress (within / overdue), per field, officer or unit with `breakdown`. Overdue is judged at the period's
    end, or today for a period that is not over. An officer's unit; a province officer: every unit, or `?unit=`."""
    report = svc.bieu_6a(session, period.start, period.end, breakdown=breakdown, today=today, scope=scope)
    log.info("report bieu-6a %s format=%s by %s", period.key, format, user.username)
    unit = unit_label(session, scope, settings.commune_name)
    if format == "xlsx":
        data = export.bieu_6a_xlsx(report, unit=unit, today=today)
        return _file(data, export.XLSX_MEDIA_TYPE, export.file_name("6a", report, "xlsx"))
    if format == "csv":
        return _file(
            export.bieu_6a_csv(report, unit=unit), export.CSV_MEDIA_TYPE, export.file_name("6a", report, "csv")
        )
    return Bieu6aOut.from_report(report, unit)


def _indicator_out(row, rules: ReportRules) -> AgencyIndicatorOut:
    try:
        name = rules.indicator(row.indicator).name
    except KeyError:
        name = None
    return AgencyIndicatorOut(
        period=PeriodOut.of(Period.between(row.period_start, row.period_end)),
        indicator=row.indicator,
        name=name,
        value=row.value,
        note=row.note,
        entered_by=row.entered_by,
        entered_at=row.entered_at,
        unit=row.unit_code,
    )


@router.put(
    "/agency-indicators",
    response_model=AgencyIndicatorOut,
    responses=error_responses(401, 409, 422),
)
def put_agency_indicator(
    body: AgencyIndicatorIn, session: SessionDep, rules: RulesDep, user: StaffDep, scope: ScopeDep
) -> AgencyIndicatorOut:
    """Enter the value of an agency-level indicator (5, 8, 9 …) of a unit for a period; it overrides the computed
    value in that unit's reports over exactly that period. `value: null` removes the entry. Repeating a request
    changes nothing. The unit: a commune officer's own; a province officer or an admin: `?unit=CODE`, else their
    own unit."""
    period = body.resolved_period()
    unit = scope.unit or user.unit_code
    try:
        row = entered.set_agency_indicator(
            session, period, body.indicator, body.value, note=body.note, actor=user.username, rules=rules, unit=unit
        )
    except entered.AgencyIndicatorError as exc:
        raise ApiError(422, "bad_indicator", str(exc)) from None
    except entered.AgencyIndicatorConflict:
        raise ApiError(409, "conflict", "the entry was changed at the same time; try again") from None
    if row is None:
        return AgencyIndicatorOut(
            period=PeriodOut.of(period),
            indicator=body.indicator,
            name=rules.indicator(body.indicator).name,
            value=None,
            note=None,
            entered_by=None,
            entered_at=None,
            unit=unit,
        )
    return _indicator_out(row, rules)


@router.get("/agency-indicators", response_model=list[AgencyIndicatorOut])
def list_agency_indicators(
    session: SessionDep,
    rules: RulesDep,
    scope: ScopeDep,
    start: Annotated[date | None, Query(alias="from", description="Only periods ending on or after this day")] = None,
    end: Annotated[date | None, Query(alias="to", description="Only periods starting on or before this day")] = None,
) -> list[AgencyIndicatorOut]:
    """Every entered value of the units in scope (newest period first), optionally only periods overlapping
    [from, to]."""
    rows = entered.list_agency_indicators(session, scope=scope, start=start, end=end)
    return [_indicator_out(row, rules) for row in rows]
