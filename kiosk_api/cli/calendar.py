"""`kiosk calendar`: the working-day calendar the service counts time limits with (show a year, check the files)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from procedures_kb.workdays import (
    MAX_YEAR,
    MIN_YEAR,
    CalendarFileError,
    WorkingCalendar,
    check_overrides,
    describe_break,
    format_day,
    load_overrides,
    year_summary,
)

from ..settings import Settings

calendar_app = typer.Typer(
    help="Lịch ngày làm việc (working-day calendar): days off, Tết, days worked in exchange.", no_args_is_help=True
)


def _files(extra: Path | None) -> list[Path]:
    files = Settings().calendar_files()
    if extra is not None and extra not in files:
        files.append(extra)
    return files


@calendar_app.command("show")
def show(
    year: Annotated[int, typer.Argument(min=MIN_YEAR, max=MAX_YEAR, help="Năm (year), e.g. 2027")],
    file: Annotated[Path | None, typer.Option("--file", help="Also apply this override file")] = None,
) -> None:
    """Print the year's days off (holidays, Tết, substitute days), weekend days worked, and working days."""
    try:
        calendar = WorkingCalendar(load_overrides(*_files(file)))
    except CalendarFileError as exc:
        typer.echo(f"Tệp lịch có lỗi: {exc}", err=True)
        raise typer.Exit(1) from None
    summary = year_summary(calendar, year)
    typer.echo(f"Năm {year}: {summary['working_days']} ngày làm việc.")
    typer.echo("")
    typer.echo("Ngày nghỉ (ngoài thứ Bảy, Chủ nhật):")
    for day in summary["days_off"]:
        typer.echo(f"  {format_day(day.day):<22} {day.name}")
    if summary["workdays"]:
        typer.echo("")
        typer.echo("Ngày thứ Bảy / Chủ nhật đi làm (làm bù):")
        for day in summary["workdays"]:
            typer.echo(f"  {format_day(day.day):<22} {day.name}")
    typer.echo("")
    typer.echo("Các đợt nghỉ (kể cả thứ Bảy, Chủ nhật liền kề):")
    for brk in summary["breaks"]:
        typer.echo(f"  {describe_break(brk)} ({brk.days} ngày)")


@calendar_app.command("validate")
def validate(
    file: Annotated[
        Path | None, typer.Argument(help="An override file to check (default: the configured ones)")
    ] = None,
) -> None:
    """Check the override files: their format, and that each entry changes something (exit 1 on a problem)."""
    files = [file] if file is not None else Settings().calendar_files()
    try:
        overrides = load_overrides(*files)
    except CalendarFileError as exc:
        typer.echo(f"Tệp lịch có lỗi: {exc}", err=True)
        raise typer.Exit(1) from None
    problems = check_overrides(overrides)
    if problems:
        typer.echo("Tệp lịch có lỗi:", err=True)
        for problem in problems:
            typer.echo(f"  - {problem}", err=True)
        raise typer.Exit(1)
    entries = sum(len(y.days_off) + len(y.workdays) + len(y.not_off) for y in overrides.years.values())
    names = ", ".join(str(f) for f in files)
    typer.echo(f"Lịch hợp lệ: {entries} ngày được ghi cho {len(overrides.years)} năm ({names}).")
