"""`kiosk reports`: Biểu 5a and Biểu 6a for a period, as XLSX, CSV or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import fail, load_settings, open_session

reports_app = typer.Typer(help="Biểu 5a (satisfaction) and Biểu 6a (dossier results) reports.")


def _report_period(quarter: str | None, year: int | None, month: str | None, start: str | None, end: str | None):
    from ..domain.dates import parse_date
    from ..domain.periods import PeriodError, resolve_period

    try:
        return resolve_period(
            start=parse_date(start) if start else None,
            end=parse_date(end) if end else None,
            quarter=quarter,
            year=year,
            month=month,
        )
    except (PeriodError, ValueError) as exc:
        raise fail(f"Bad period: {exc}") from None


def _scope(session, unit: str | None):
    """The report's units: one unit (`--unit CODE`, which must exist) or every unit."""
    from ..domain.units import EVERY_UNIT, Scope, UnitError, check_code
    from ..models import Unit

    if unit is None:
        return EVERY_UNIT
    try:
        code = check_code(unit)
    except UnitError as exc:
        raise fail(str(exc)) from None
    if session.get(Unit, code) is None:
        raise fail(f"Không có đơn vị mã {code} (kiosk units list).")
    return Scope(code)


def _write_report(
    form: str, quarter, year, month, start, end, breakdown, fmt: str, out: Path | None, unit_code: str | None
) -> None:
    from ..clock import vn_today
    from ..report_rules import RuleFileError, rules_for
    from ..schemas.reports import Bieu5aOut, Bieu6aOut
    from ..services import report_export as export
    from ..services import reports as svc

    if fmt not in ("json", "xlsx", "csv"):
        raise fail("--format must be json, xlsx or csv")
    if breakdown not in (None, "field", "officer", "unit"):
        raise fail("--breakdown must be field, officer or unit")
    period = _report_period(quarter, year, month, start, end)
    settings = load_settings()
    today = vn_today(settings.make_clock())
    try:
        rules = rules_for(settings.report_rules)
    except RuleFileError as exc:
        raise fail("\n  ".join(["The report rules (KIOSK_REPORT_RULES) have problems:", *exc.problems])) from None
    from ..services.units import unit_label

    report: svc.Bieu5aReport | svc.Bieu6aReport
    with open_session(settings) as session:
        scope = _scope(session, unit_code)
        unit = unit_label(session, scope, settings.commune_name)
        if form == "5a":
            report = report_5a = svc.bieu_5a(
                session, period.start, period.end, rules=rules, breakdown=breakdown, today=today, scope=scope
            )
            if fmt == "xlsx":
                data = export.bieu_5a_xlsx(report_5a, unit=unit, today=today)
            elif fmt == "csv":
                data = export.bieu_5a_csv(report_5a, unit=unit)
            else:
                data = Bieu5aOut.from_report(report_5a, unit).model_dump_json(by_alias=True, indent=2).encode()
            total = report_5a.total
            summary = f"score {total.score} ({total.classification}), {total.total_ballots} ballots"
        else:
            report = report_6a = svc.bieu_6a(
                session, period.start, period.end, breakdown=breakdown, today=today, scope=scope
            )
            if fmt == "xlsx":
                data = export.bieu_6a_xlsx(report_6a, unit=unit, today=today)
            elif fmt == "csv":
                data = export.bieu_6a_csv(report_6a, unit=unit)
            else:
                data = Bieu6aOut.from_report(report_6a, unit).model_dump_json(by_alias=True, indent=2).encode()
            summary = f"{report_6a.total.received} dossiers received, {report_6a.total.resolved} resolved"
    if out is None and fmt == "xlsx":
        out = Path(export.file_name(form, report, "xlsx"))
    if out is None:
        typer.echo(data.decode("utf-8-sig"))
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    typer.echo(f"Biểu {form} {period.label}: {summary} → {out}")


_Q = Annotated[str | None, typer.Option("--quarter", help="Quarter, e.g. 2026-Q3")]
_Y = Annotated[int | None, typer.Option("--year", help="Calendar year, e.g. 2026")]
_M = Annotated[str | None, typer.Option("--month", help="Month, e.g. 2026-07")]
_FROM = Annotated[str | None, typer.Option("--from", help="First day (dd/mm/yyyy or yyyy-mm-dd), with --to")]
_TO = Annotated[str | None, typer.Option("--to", help="Last day (dd/mm/yyyy or yyyy-mm-dd), with --from")]
_BD = Annotated[str | None, typer.Option("--breakdown", help="field, officer or unit")]
_UNIT = Annotated[str | None, typer.Option("--unit", help="One commune's code (default: every unit)")]
_FMT = Annotated[str, typer.Option("--format", help="json, xlsx or csv")]
_OUT = Annotated[Path | None, typer.Option("--out", help="Output file (default: stdout; xlsx: bieu-…xlsx here)")]


@reports_app.command("bieu-5a")
def reports_bieu_5a(
    quarter: _Q = None,
    year: _Y = None,
    month: _M = None,
    start: _FROM = None,
    end: _TO = None,
    breakdown: _BD = None,
    fmt: _FMT = "json",
    out: _OUT = None,
    unit: _UNIT = None,
) -> None:
    """Biểu 5a (satisfaction ballots: indicators, score, classification) for a period."""
    _write_report("5a", quarter, year, month, start, end, breakdown, fmt, out, unit)


@reports_app.command("bieu-6a")
def reports_bieu_6a(
    quarter: _Q = None,
    year: _Y = None,
    month: _M = None,
    start: _FROM = None,
    end: _TO = None,
    breakdown: _BD = None,
    fmt: _FMT = "json",
    out: _OUT = None,
    unit: _UNIT = None,
) -> None:
    """Biểu 6a (dossiers received, resolved, in progress) for a period."""
    _write_report("6a", quarter, year, month, start, end, breakdown, fmt, out, unit)
