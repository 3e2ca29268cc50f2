"""The `kiosk` command line: database, catalogue, dossier import, staff accounts, demo data, server.

Configuration comes from the environment (see kiosk_api.settings).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from .settings import Settings

app = typer.Typer(
    help="Trợ lý Một cửa: manage the kiosk service (database, catalogue, dossiers, staff).",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
catalogue_app = typer.Typer(help="The procedure catalogue (YAML files).", no_args_is_help=True)
dossiers_app = typer.Typer(help="Dossiers (hồ sơ).", no_args_is_help=True)
staff_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(catalogue_app, name="catalogue")
app.add_typer(dossiers_app, name="dossiers")
app.add_typer(staff_app, name="staff")


def _settings() -> Settings:
    return Settings()


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    from .db import make_engine, make_sessionmaker

    engine = make_engine(settings.resolved_database_url)
    try:
        with make_sessionmaker(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _load_catalogue(settings: Settings):
    from procedures_kb.catalogue import CatalogueError, load_catalogue

    try:
        return load_catalogue(province=settings.province)
    except CatalogueError as exc:
        typer.echo("The catalogue has problems (run `kiosk catalogue validate`):", err=True)
        for problem in exc.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1) from None


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(1)


# ---- db -----------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Option(help="Target revision")] = "head",
) -> None:
    """Create or update the database schema (alembic upgrade head)."""
    from . import migrate

    settings = _settings()
    url = settings.resolved_database_url
    migrate.upgrade(url, revision)
    typer.echo(f"Database {_safe_url(url)} is at revision {migrate.current_revision(url)}.")


# ---- catalogue ----------------------------------------------------------------------------------


@catalogue_app.command("validate")
def catalogue_validate(
    directory: Annotated[
        Path | None, typer.Option("--dir", help="Folder of procedure YAML files (default: the packaged data)")
    ] = None,
    provinces_dir: Annotated[Path | None, typer.Option("--provinces-dir", help="Folder of province fee files")] = None,
) -> None:
    """Check every catalogue and province file; exit 1 listing every problem, 0 with a count when valid."""
    from procedures_kb import catalogue as cat

    directory = directory or cat.PROCEDURES_DIR
    provinces_dir = provinces_dir or cat.PROVINCES_DIR
    problems = cat.validate(directory, provinces_dir)
    if problems:
        typer.echo(f"{len(problems)} problem(s):", err=True)
        for problem in problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1)
    procedures, _, fingerprint = cat.load_procedures(directory)
    typer.echo(f"Catalogue valid: {len(procedures)} procedures (fingerprint {fingerprint[:12]}).")


@catalogue_app.command("sync")
def catalogue_sync() -> None:
    """Copy the catalogue into the database's procedures table (upsert; delete removed procedures)."""
    from .services.catalogue_sync import sync_catalogue

    settings = _settings()
    catalogue = _load_catalogue(settings)
    with _session(settings) as session:
        report = sync_catalogue(session, catalogue, actor="cli")
    typer.echo(f"Catalogue synced ({len(catalogue)} procedures): {report.summary()}.")


@catalogue_app.command("import")
def catalogue_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Portal records, JSONL")],
    out: Annotated[Path, typer.Option("--out", help="YAML file to write the draft entries to")],
    only_clean: Annotated[bool, typer.Option("--only-clean", help="Write only drafts without problems")] = False,
) -> None:
    """Turn national-portal records into draft catalogue entries for an editor to review."""
    from procedures_kb import importer  # imported lazily: optional module with its own dependencies

    report = importer.import_file(file)
    written = importer.write_drafts(report, out, only_clean=only_clean)
    typer.echo(report.summary())
    typer.echo(f"{written} draft(s) written to {out}.")


# ---- dossiers -----------------------------------------------------------------------------------


@dossiers_app.command("import")
def dossiers_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV export of dossiers")],
    partial: Annotated[
        bool, typer.Option("--partial", help="Import the good rows even when some rows are bad")
    ] = False,
) -> None:
    """Import (upsert by ma_ho_so) dossiers from a CSV file; exits 1 when a row is bad."""
    from .services.dossier_import import import_csv

    settings = _settings()
    catalogue = _load_catalogue(settings)
    with _session(settings) as session:
        report = import_csv(
            session,
            file.read_bytes(),
            secret=settings.resolved_secret_key(),
            catalogue=catalogue,
            partial=partial,
            actor="cli",
            source=file.name,
        )
    for problem in report.errors:
        typer.echo(f"line {problem.line}: error: {problem.message}", err=True)
    for problem in report.warnings:
        typer.echo(f"line {problem.line}: warning: {problem.message}", err=True)
    typer.echo(report.summary())
    if report.errors:
        raise typer.Exit(1)


# ---- staff --------------------------------------------------------------------------------------


@staff_app.command("create")
def staff_create(
    username: Annotated[str, typer.Argument(help="Login name (lower-case letters, digits, . _ -)")],
    full_name: Annotated[str, typer.Option("--full-name", help="Full name, e.g. 'Nguyễn Thị Lan'")],
    admin: Annotated[bool, typer.Option("--admin", help="Give the admin role")] = False,
    password: Annotated[
        str | None, typer.Option("--password", help="Password (prompted twice, hidden, when omitted)")
    ] = None,
) -> None:
    """Create a staff account."""
    from .services import staff as staff_service

    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    settings = _settings()
    with _session(settings) as session:
        try:
            user = staff_service.create_user(session, username, password, full_name=full_name, admin=admin)
        except staff_service.StaffError as exc:
            raise _fail(f"Cannot create the account: {exc}") from None
    typer.echo(f"Created {user.role} account {user.username!r}.")


# ---- demo data ----------------------------------------------------------------------------------


@app.command("demo-data")
def demo_data(
    seed: Annotated[int, typer.Option(help="Random seed (same seed and date → same data)")] = 42,
    dossiers: Annotated[int, typer.Option("--dossiers", min=1, max=20000, help="Number of dossiers")] = 400,
    today: Annotated[str | None, typer.Option(help="Reference date yyyy-mm-dd (default: today in Vietnam)")] = None,
) -> None:
    """Fill the database with a realistic demo commune (refuses when demo dossiers already exist)."""
    from .clock import today_vn
    from .services import demo_data as demo
    from .services.catalogue_sync import sync_catalogue

    try:
        reference = date.fromisoformat(today) if today else today_vn()
    except ValueError:
        raise _fail(f"Bad --today {today!r}: expected yyyy-mm-dd") from None
    settings = _settings()
    catalogue = _load_catalogue(settings)
    with _session(settings) as session:
        sync_catalogue(session, catalogue, actor=demo.DEMO_ACTOR)
        report = demo.load(
            session,
            catalogue,
            secret=settings.resolved_secret_key(),
            seed=seed,
            count=dossiers,
            today=reference,
        )
    if report.created:
        typer.echo(
            f"Demo data created: {report.dossiers} dossiers, {report.ratings} ratings, "
            f"{report.feedback} feedback items."
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


# ---- internal token -----------------------------------------------------------------------------


@app.command("internal-token")
def internal_token() -> None:
    """Print the token the Rasa action server must send in X-Kiosk-Internal (KIOSK_INTERNAL_TOKEN)."""
    typer.echo(_settings().resolved_internal_token())


# ---- serve --------------------------------------------------------------------------------------


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default KIOSK_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default KIOSK_PORT)")] = None,
) -> None:
    """Upgrade the database, sync the catalogue, then run the API with uvicorn."""
    import uvicorn

    from . import migrate
    from .app import create_app
    from .services.catalogue_sync import sync_catalogue

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = _settings()
    url = settings.resolved_database_url
    migrate.upgrade(url)
    catalogue = _load_catalogue(settings)
    with _session(settings) as session:
        report = sync_catalogue(session, catalogue, actor="serve")
    typer.echo(f"Database {_safe_url(url)} ready; catalogue: {report.summary()}.")
    application = create_app(settings, catalogue)
    uvicorn.run(
        application,
        host=host or settings.host,
        port=port or settings.port,
        proxy_headers=True,
        access_log=False,  # kiosk_api.access logs requests without query strings or personal data
    )


if __name__ == "__main__":  # pragma: no cover
    app()
