"""The `kiosk` command line: database, catalogue, dossier import, staff accounts, demo data, server.

Configuration comes from the environment (see kiosk_api.settings).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import yaml
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from .cli_calendar import calendar_app
from .settings import Settings

if TYPE_CHECKING:
    from .services.slips import Size

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
app.add_typer(calendar_app, name="calendar")


def _settings() -> Settings:
    return Settings()


def vn_today_of(settings: Settings) -> date:
    from .clock import vn_today

    return vn_today(settings.make_clock())


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    from .db import make_engine, make_sessionmaker

    engine = make_engine(settings.resolved_database_url)
    try:
        with make_sessionmaker(engine, settings.make_clock())() as session:
            yield session
    finally:
        engine.dispose()


def _calendar(settings: Settings):
    from procedures_kb.workdays import CalendarFileError

    from .workcalendar import load_calendar

    try:
        return load_calendar(settings)
    except CalendarFileError as exc:
        raise _fail(f"Lịch ngày nghỉ có lỗi (calendar file): {exc}") from None


def _load_catalogue(settings: Settings):
    from procedures_kb.catalogue import CatalogueError

    from .catalogue_config import catalogue_for

    try:
        return catalogue_for(settings)
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
    imported_dir: Annotated[
        Path | None,
        typer.Option("--imported-dir", help="Folder of imported entries (default: the packaged one, unless --dir)"),
    ] = None,
) -> None:
    """Check every catalogue and province file, imported entries included (a garbled one is refused); exit 1
    listing every problem, 0 with the counts per level when valid."""
    from collections import Counter

    from procedures_kb import catalogue as cat

    if imported_dir is None and directory is None:
        imported_dir = cat.IMPORTED_DIR  # the packaged levels together; a --dir of one's own stands alone
    directory = directory or cat.PROCEDURES_DIR
    provinces_dir = provinces_dir or cat.PROVINCES_DIR
    problems = cat.validate(directory, provinces_dir, imported_dir)
    if problems:
        typer.echo(f"{len(problems)} problem(s):", err=True)
        for problem in problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1)
    procedures, _, fingerprint = cat.load_procedures(directory, imported_dir)
    levels = Counter(p.status.value for p in procedures)
    verified = sum(1 for p in procedures if p.verified)
    typer.echo(
        f"Catalogue valid: {len(procedures)} procedures ({levels['curated']} curated, {verified} of them verified; "
        f"{levels['imported']} imported; {levels['referral']} referral) in {len({p.field for p in procedures})} "
        f"fields (fingerprint {fingerprint[:12]})."
    )


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
    write: Annotated[
        bool, typer.Option("--write", help="Replace the imported level of the catalogue (procedures_kb/data/imported)")
    ] = False,
    out_dir: Annotated[Path | None, typer.Option("--out-dir", help="Write the imported entries here instead")] = None,
    drafts: Annotated[
        Path | None, typer.Option("--drafts", help="Also write every record as a draft for an editor (YAML)")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write what could not be parsed, record by record (YAML)")
    ] = None,
    day: Annotated[str | None, typer.Option("--date", help="The day the records were published (yyyy-mm-dd)")] = None,
) -> None:
    """Read national-portal records: which are commune procedures, how many parse cleanly, and (with --write) the
    imported level of the catalogue: facts only, shown to citizens with a notice; curated entries take precedence."""
    from procedures_kb import catalogue as cat
    from procedures_kb import importer, portal_import

    try:
        when = date.fromisoformat(day) if day else vn_today_of(_settings())
    except ValueError:
        raise _fail(f"Bad --date {day!r}: expected yyyy-mm-dd") from None
    parsed = importer.import_file(file, today=when)
    curated, _, _ = cat.load_procedures(imported_dir=None)
    outcome = portal_import.build(parsed, curated_codes={p.national_code for p in curated}, today=when)
    typer.echo(outcome.summary())
    if drafts is not None:
        typer.echo(f"{importer.write_drafts(parsed, drafts)} draft(s) written to {drafts}.")
    if report is not None:
        per_record = {
            r.code or f"line {r.line}": {"problems": r.problems, "gaps": r.gaps}
            for r in outcome.commune
            if r.problems or r.gaps
        }
        refused = {code: why for code, why in outcome.refused.items()}
        report.write_text(
            yaml.safe_dump({"records": per_record, "refused": refused, "left_out": outcome.left_out},
                           allow_unicode=True, sort_keys=True, width=118),
            encoding="utf-8",
        )  # fmt: skip
        typer.echo(f"Report written to {report}.")
    if (write or out_dir is not None) and outcome.new_fields:
        raise _fail("Nothing written: the export has portal fields the catalogue does not know (see above).")
    if write or out_dir is not None:
        target = out_dir or cat.IMPORTED_DIR
        files = portal_import.write(outcome, target, source=file.name, today=when)
        typer.echo(f"{len(outcome.entries)} imported entries written to {len(files)} file(s) in {target}.")


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
            calendar=_calendar(settings),
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


@staff_app.command("unlock")
def staff_unlock(username: Annotated[str, typer.Argument(help="The locked account")]) -> None:
    """Lift the lock that wrong passwords from many addresses put on an account (audit-logged)."""
    from .services import staff as staff_service

    settings = _settings()
    with _session(settings) as session:
        lifted = staff_service.unlock(session, username, secret=settings.resolved_secret_key(), actor="cli")
    typer.echo(f"Unlocked {username!r}." if lifted else f"{username!r} was not locked.")


@dossiers_app.command("unlock")
def dossiers_unlock(code: Annotated[str, typer.Argument(help="Mã hồ sơ whose lookup is locked")]) -> None:
    """Lift the lock that wrong phone digits put on a dossier code (audit-logged)."""
    from .services import audit, dossier_access

    settings = _settings()
    with _session(settings) as session:
        lifted = dossier_access.unlock(session, secret=settings.resolved_secret_key(), code=code)
        audit.record(session, "cli", "dossier.unlock", target=code[:64])
        session.commit()
    typer.echo("Unlocked." if lifted else "That code was not locked.")


# ---- demo data ----------------------------------------------------------------------------------


@app.command("demo-data")
def demo_data(
    seed: Annotated[int, typer.Option(help="Random seed (same seed and date → same data)")] = 42,
    dossiers: Annotated[int, typer.Option("--dossiers", min=1, max=20000, help="Number of dossiers")] = 400,
    today: Annotated[str | None, typer.Option(help="Reference date yyyy-mm-dd (default: today in Vietnam)")] = None,
) -> None:
    """Fill the database with a realistic demo commune (refuses when demo dossiers already exist)."""
    from .clock import vn_today
    from .services import demo_data as demo
    from .services.catalogue_sync import sync_catalogue

    settings = _settings()
    try:
        reference = date.fromisoformat(today) if today else vn_today(settings.make_clock())
    except ValueError:
        raise _fail(f"Bad --today {today!r}: expected yyyy-mm-dd") from None
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
            calendar=_calendar(settings),
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


# ---- QR rating slips ----------------------------------------------------------------------------

qr_app = typer.Typer(help="QR codes for satisfaction ratings: printable slips for dossiers and counters.")
app.add_typer(qr_app, name="qr", no_args_is_help=True)

SLIP_FORMATS = {".html": "html", ".htm": "html", ".png": "png", ".svg": "svg"}


def _write_slip(slip, size: Size, out: Path | None) -> None:
    from .services import slips

    typer.echo(slip.url)
    if out is None:
        return
    fmt = SLIP_FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise _fail(f"Unknown slip format {out.suffix!r}: use --out with .html, .png or .svg")
    if fmt == "png":
        out.write_bytes(slips.slip_png(slip, size))
    elif fmt == "svg":
        out.write_text(slips.slip_svg(slip), encoding="utf-8")
    else:
        out.write_text(slips.slip_html(slip, size), encoding="utf-8")
    typer.echo(f"Slip ({size}, {fmt}) written to {out}.")


SlipSize = Annotated[str, typer.Option("--size", help="Paper: a5 or 80mm (receipt printer)")]
SlipOut = Annotated[
    Path | None, typer.Option("--out", dir_okay=False, help="Slip file: .html (printable page), .png, or .svg (QR)")
]


def _check_size(size: str) -> Size:
    from .services.slips import SIZES

    for known in SIZES:
        if size == known:
            return known
    raise _fail(f"Bad --size {size!r}: use a5 or 80mm")


@qr_app.command("dossier")
def qr_dossier(
    code: Annotated[str, typer.Argument(help="Mã hồ sơ")],
    size: SlipSize = "a5",
    out: SlipOut = None,
) -> None:
    """Print the rating address of a dossier (valid KIOSK_RATING_TOKEN_DAYS from today); write its slip."""
    from .db import session_today
    from .services import slips
    from .services.dossiers import DossierNotFound

    paper = _check_size(size)
    settings = _settings()
    catalogue = _load_catalogue(settings)
    with _session(settings) as session:
        try:
            slip = slips.dossier_slip(
                session,
                code,
                settings=settings,
                secret=settings.resolved_secret_key(),
                catalogue=catalogue,
                today=session_today(session),
            )
        except DossierNotFound:
            raise _fail(f"No dossier with code {code!r}.") from None
    _write_slip(slip, paper, out)


@qr_app.command("counter")
def qr_counter(
    counter_id: Annotated[str, typer.Argument(help="Counter id, e.g. quay-2 (letters, digits, - and _)")],
    size: SlipSize = "a5",
    out: SlipOut = None,
) -> None:
    """Print the anonymous rating address of a counter; write the slip to stick on it."""
    from .services import slips

    paper = _check_size(size)
    try:
        slip = slips.counter_slip(counter_id, settings=_settings())
    except slips.UnknownCounter:
        raise _fail(f"Bad counter id {counter_id!r}: letters, digits, '-' and '_' only (at most 50).") from None
    _write_slip(slip, paper, out)


# ---- internal token -----------------------------------------------------------------------------


# ---- Zalo Official Account -----------------------------------------------------------------------

zalo_app = typer.Typer(help="The Zalo Official Account channel: OA tokens.")
app.add_typer(zalo_app, name="zalo", no_args_is_help=True)


@zalo_app.command("set-tokens")
def zalo_set_tokens(
    access: Annotated[str, typer.Option("--access", prompt="Access token", hide_input=True, help="OA access token")],
    refresh: Annotated[
        str, typer.Option("--refresh", prompt="Refresh token", hide_input=True, help="OA refresh token")
    ],
    expires_in: Annotated[
        int, typer.Option("--expires-in", min=1, help="Seconds the access token stays valid (Zalo: 90000)")
    ] = 90000,
) -> None:
    """Store a new OA token pair (from the Zalo OA admin page) for KIOSK_ZALO_OA_ID; clears a refresh failure.
    Without --access/--refresh the tokens are asked for (not echoed, not kept in the shell history)."""
    from .services.zalo_tokens import set_tokens

    settings = _settings()
    try:
        with _session(settings) as session:
            row = set_tokens(session, settings.zalo_oa_id, access, refresh, expires_in)
            expires = row.access_expires_at
    except ValueError as exc:
        raise _fail(f"Tokens not stored: {exc}") from None
    typer.echo(f"Zalo OA tokens stored; the access token is valid until {expires.isoformat(timespec='minutes')}.")


@zalo_app.command("status")
def zalo_status() -> None:
    """Whether Zalo is configured, and the state of the stored OA tokens (never the tokens themselves)."""
    from .services.zalo_tokens import OPERATOR_DEAD, OPERATOR_MISSING, token_status

    settings = _settings()
    typer.echo(
        f"Zalo: {'configured' if settings.zalo_enabled else 'not configured (KIOSK_ZALO_APP_ID, KIOSK_ZALO_OA_SECRET)'}"
    )
    typer.echo(
        f"Signature check: {'on' if settings.zalo_verify_signature else 'OFF (KIOSK_ZALO_VERIFY_SIGNATURE=false)'}"
    )
    with _session(settings) as session:
        status = token_status(session, settings.zalo_oa_id, margin_seconds=settings.zalo_refresh_margin_seconds)
    typer.echo(f"Tokens: {status.state}")
    if status.access_expires_at is not None:
        typer.echo(f"Access token valid until: {status.access_expires_at.isoformat(timespec='minutes')}")
        typer.echo(f"Last stored: {status.updated_at.isoformat(timespec='minutes') if status.updated_at else '-'}")
    if status.state == "missing":
        typer.echo(OPERATOR_MISSING)
    elif status.state == "refresh_failed":
        typer.echo(f"{OPERATOR_DEAD} [{status.refresh_error}]")


@app.command("internal-token")
def internal_token() -> None:
    """Print the token the Rasa action server must send in X-Kiosk-Internal (KIOSK_INTERNAL_TOKEN)."""
    typer.echo(_settings().resolved_internal_token())


@app.command("service-tokens")
def service_tokens() -> None:
    """Print the tokens the three processes share, as shell assignments (`eval "$(kiosk service-tokens)"`):
    KIOSK_INTERNAL_TOKEN (action server → kiosk_api), KIOSK_RASA_TOKEN (Rasa's HTTP API), KIOSK_ACTIONS_TOKEN
    (Rasa → action server)."""
    settings = _settings()
    typer.echo(f"export KIOSK_INTERNAL_TOKEN={settings.resolved_internal_token()}")
    typer.echo(f"export KIOSK_RASA_TOKEN={settings.resolved_rasa_token()}")
    typer.echo(f"export KIOSK_ACTIONS_TOKEN={settings.resolved_actions_token()}")


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
    from .serving import uvicorn_options

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = _settings()
    url = settings.resolved_database_url
    migrate.upgrade(url)
    catalogue = _load_catalogue(settings)
    with _session(settings) as session:
        report = sync_catalogue(session, catalogue, actor="serve")
    typer.echo(f"Database {_safe_url(url)} ready; catalogue: {report.summary()}.")
    application = create_app(settings, catalogue)
    uvicorn.run(application, host=host or settings.host, port=port or settings.port, **uvicorn_options(settings))


if __name__ == "__main__":  # pragma: no cover
    app()


# ---- speech models ------------------------------------------------------------------------------

models_app = typer.Typer(help="Speech models under models/ (installed by an operator, never at run time).")
app.add_typer(models_app, name="models", no_args_is_help=True)


@models_app.command("download")
def models_download(
    model: Annotated[str, typer.Argument(help="Which model: vosk-vn (vosk-model-small-vn-0.4)")],
    url: Annotated[str | None, typer.Option("--url", help="Download from this URL (default: the official one)")] = None,
    archive: Annotated[
        Path | None, typer.Option("--archive", exists=True, dir_okay=False, help="Install this local .zip instead")
    ] = None,
    sha256: Annotated[str | None, typer.Option("--sha256", help="Expected SHA-256 of the archive")] = None,
    verify: Annotated[bool, typer.Option("--verify/--no-verify", help="Refuse an archive without a checksum")] = True,
    models_dir: Annotated[Path, typer.Option("--dir", help="Folder of the models")] = Path("models"),
    force: Annotated[bool, typer.Option("--force", help="Replace an installed model")] = False,
) -> None:
    """Fetch the official archive (or take --archive PATH copied by USB), check its SHA-256, unpack it under
    models/. The kiosk uses Vosk automatically once models/vosk-model-small-vn-0.4 exists."""
    import tempfile

    from .speech.models_download import MODELS, InstallError, download, install_archive

    spec = MODELS.get(model)
    if spec is None:
        raise _fail(f"Unknown model {model!r}: choose one of {', '.join(MODELS)}")
    expected = sha256 or spec.sha256
    if verify and not expected:
        raise _fail(
            f"No SHA-256 known for {spec.name}: pass --sha256 with the value published on the Vosk site "
            "(or --no-verify to install without checking)."
        )
    try:
        with tempfile.TemporaryDirectory(prefix="kiosk-model-") as tmp:
            if archive is None:
                source = url or spec.url
                typer.echo(f"Downloading {source} …")
                archive_path = download(source, Path(tmp) / f"{spec.name}.zip")
            else:
                archive_path = archive
            target = install_archive(archive_path, models_dir, spec.name, sha256=expected, verify=verify, force=force)
    except InstallError as exc:
        raise _fail(f"Model not installed: {exc}") from None
    typer.echo(f"Installed {spec.name} in {target}.")


# ---- reports (Biểu 5a, Biểu 6a) -----------------------------------------------------------------

reports_app = typer.Typer(help="Biểu 5a (satisfaction) and Biểu 6a (dossier results) reports.")
app.add_typer(reports_app, name="reports", no_args_is_help=True)


def _report_period(quarter: str | None, year: int | None, month: str | None, start: str | None, end: str | None):
    from .domain.dates import parse_date
    from .domain.periods import PeriodError, resolve_period

    try:
        return resolve_period(
            start=parse_date(start) if start else None,
            end=parse_date(end) if end else None,
            quarter=quarter,
            year=year,
            month=month,
        )
    except (PeriodError, ValueError) as exc:
        raise _fail(f"Bad period: {exc}") from None


def _write_report(form: str, quarter, year, month, start, end, breakdown, fmt: str, out: Path | None) -> None:
    from .clock import vn_today
    from .report_rules import RuleFileError, rules_for
    from .schemas.reports import Bieu5aOut, Bieu6aOut
    from .services import report_export as export
    from .services import reports as svc

    if fmt not in ("json", "xlsx", "csv"):
        raise _fail("--format must be json, xlsx or csv")
    if breakdown not in (None, "field", "officer"):
        raise _fail("--breakdown must be field or officer")
    period = _report_period(quarter, year, month, start, end)
    settings = _settings()
    today = vn_today(settings.make_clock())
    try:
        rules = rules_for(settings.report_rules)
    except RuleFileError as exc:
        raise _fail("\n  ".join(["The report rules (KIOSK_REPORT_RULES) have problems:", *exc.problems])) from None
    unit = settings.commune_name
    report: svc.Bieu5aReport | svc.Bieu6aReport
    with _session(settings) as session:
        if form == "5a":
            report = report_5a = svc.bieu_5a(
                session, period.start, period.end, rules=rules, breakdown=breakdown, today=today
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
            report = report_6a = svc.bieu_6a(session, period.start, period.end, breakdown=breakdown, today=today)
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
_BD = Annotated[str | None, typer.Option("--breakdown", help="field or officer")]
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
) -> None:
    """Biểu 5a (satisfaction ballots: indicators, score, classification) for a period."""
    _write_report("5a", quarter, year, month, start, end, breakdown, fmt, out)


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
) -> None:
    """Biểu 6a (dossiers received, resolved, in progress) for a period."""
    _write_report("6a", quarter, year, month, start, end, breakdown, fmt, out)
