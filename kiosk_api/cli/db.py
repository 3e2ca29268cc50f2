"""`kiosk db`: the database schema (Alembic migrations)."""

from __future__ import annotations

from typing import Annotated

import typer

from .common import load_settings, safe_url

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Option(help="Target revision")] = "head",
) -> None:
    """Create or update the database schema (alembic upgrade head)."""
    from .. import migrate

    settings = load_settings()
    url = settings.resolved_database_url
    migrate.upgrade(url, revision)
    typer.echo(f"Database {safe_url(url)} is at revision {migrate.current_revision(url)}.")
