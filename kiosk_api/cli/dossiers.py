"""`kiosk dossiers`: import dossiers from the provincial software; unlock a dossier code's lookup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import load_catalogue, load_settings, open_session, working_calendar

dossiers_app = typer.Typer(help="Dossiers (hồ sơ).", no_args_is_help=True)


@dossiers_app.command("import")
def dossiers_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV export of dossiers")],
    partial: Annotated[
        bool, typer.Option("--partial", help="Import the good rows even when some rows are bad")
    ] = False,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            help="Code of the commune the new dossiers belong to (default: the unit whose dossier-code prefix a "
            "code starts with, else KIOSK_UNIT)",
        ),
    ] = None,
) -> None:
    """Import (upsert by ma_ho_so) dossiers from a CSV file; exits 1 when a row is bad."""
    from ..domain.units import UnitError
    from ..services.dossier_import import import_csv

    settings = load_settings()
    catalogue = load_catalogue(settings)
    with open_session(settings) as session:
        try:
            report = import_csv(
                session,
                file.read_bytes(),
                secret=settings.resolved_secret_key(),
                catalogue=catalogue,
                calendar=working_calendar(settings),
                partial=partial,
                actor="cli",
                source=file.name,
                unit=unit,
            )
        except UnitError as e:
            typer.echo(str(e), err=True)
            raise typer.Exit(2) from None
    for problem in report.errors:
        typer.echo(f"line {problem.line}: error: {problem.message}", err=True)
    for problem in report.warnings:
        typer.echo(f"line {problem.line}: warning: {problem.message}", err=True)
    typer.echo(report.summary())
    if report.errors:
        raise typer.Exit(1)


@dossiers_app.command("unlock")
def dossiers_unlock(code: Annotated[str, typer.Argument(help="Mã hồ sơ whose lookup is locked")]) -> None:
    """Lift the lock that wrong phone digits put on a dossier code (audit-logged)."""
    from ..services import audit, dossier_access

    settings = load_settings()
    with open_session(settings) as session:
        lifted = dossier_access.unlock(session, secret=settings.resolved_secret_key(), code=code)
        audit.record(session, "cli", "dossier.unlock", target=code[:64])
        session.commit()
    typer.echo("Unlocked." if lifted else "That code was not locked.")
