"""What the `kiosk` sub-commands share: settings, a database session, the calendar and catalogue, failing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from ..settings import Settings


def load_settings() -> Settings:
    return Settings()


def vn_today_of(settings: Settings) -> date:
    from ..clock import vn_today

    return vn_today(settings.make_clock())


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@contextmanager
def open_session(settings: Settings) -> Iterator[Session]:
    from ..db import make_engine, make_sessionmaker

    engine = make_engine(settings.resolved_database_url)
    try:
        with make_sessionmaker(engine, settings.make_clock(), settings.unit)() as session:
            yield session
    finally:
        engine.dispose()


def working_calendar(settings: Settings):
    from procedures_kb.workdays import CalendarFileError

    from ..workcalendar import load_calendar

    try:
        return load_calendar(settings)
    except CalendarFileError as exc:
        raise fail(f"Lịch ngày nghỉ có lỗi (calendar file): {exc}") from None


def load_catalogue(settings: Settings):
    from procedures_kb.catalogue import CatalogueError

    from ..catalogue_config import catalogue_for

    try:
        return catalogue_for(settings)
    except CatalogueError as exc:
        typer.echo("The catalogue has problems (run `kiosk catalogue validate`):", err=True)
        for problem in exc.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1) from None


def fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)
