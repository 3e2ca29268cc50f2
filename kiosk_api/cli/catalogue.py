"""`kiosk catalogue`: validate, sync and import the procedure catalogue."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
import yaml

from .common import fail, load_catalogue, load_settings, open_session, vn_today_of

catalogue_app = typer.Typer(help="The procedure catalogue (YAML files).", no_args_is_help=True)


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
    from ..services.catalogue_sync import sync_catalogue

    settings = load_settings()
    catalogue = load_catalogue(settings)
    with open_session(settings) as session:
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
        when = date.fromisoformat(day) if day else vn_today_of(load_settings())
    except ValueError:
        raise fail(f"Bad --date {day!r}: expected yyyy-mm-dd") from None
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
        raise fail("Nothing written: the export has portal fields the catalogue does not know (see above).")
    if write or out_dir is not None:
        target = out_dir or cat.IMPORTED_DIR
        files = portal_import.write(outcome, target, source=file.name, today=when)
        typer.echo(f"{len(outcome.entries)} imported entries written to {len(files)} file(s) in {target}.")
