"""`kiosk demo-data`: a realistic demo commune."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from .common import fail, load_catalogue, load_settings, open_session, working_calendar


def demo_data(
    seed: Annotated[int, typer.Option(help="Random seed (same seed and date → same data)")] = 42,
    dossiers: Annotated[int, typer.Option("--dossiers", min=1, max=20000, help="Number of dossiers")] = 400,
    today: Annotated[str | None, typer.Option(help="Reference date yyyy-mm-dd (default: today in Vietnam)")] = None,
) -> None:
    """Fill the database with a realistic demo commune (refuses when demo dossiers already exist)."""
    from ..clock import vn_today
    from ..services import demo_data as demo
    from ..services.catalogue_sync import sync_catalogue

    settings = load_settings()
    try:
        reference = date.fromisoformat(today) if today else vn_today(settings.make_clock())
    except ValueError:
        raise fail(f"Bad --today {today!r}: expected yyyy-mm-dd") from None
    catalogue = load_catalogue(settings)
    with open_session(settings) as session:
        sync_catalogue(session, catalogue, actor=demo.DEMO_ACTOR)
        report = demo.load(
            session,
            catalogue,
            secret=settings.resolved_secret_key(),
            seed=seed,
            count=dossiers,
            today=reference,
            calendar=working_calendar(settings),
        )
    if report.created:
        typer.echo(
            f"Demo data created: {report.dossiers} dossiers, {report.ratings} ratings, {report.petitions} petitions."
        )
    else:
        typer.echo(
            f"Demo data already present ({report.existing} demo dossiers): nothing added. "
            "Use a fresh database to start over."
        )
    if report.staff_password:
        typer.echo(
            f"Demo staff account {report.staff_username!r} created; password (shown only once): {report.staff_password}"
        )
