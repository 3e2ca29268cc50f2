"""Files: reading a JSONL export and writing the drafts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import yaml

from .base import BAD_JSON, ImportReport, ParsedRecord
from .records import parse_record

# ---- files ------------------------------------------------------------------------------------------------


def import_file(path: Path, *, today: date | None = None) -> ImportReport:
    """Read a JSONL file of portal records. Unreadable lines become records with a problem naming the line."""
    path = Path(path)
    records: list[ParsedRecord] = []
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                why = f"{exc.msg}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
                pr = ParsedRecord(code=None, name=None, draft=None, line=lineno)
                pr.problems.append(f"{BAD_JSON}: line {lineno}: {why}")
                pr.problem_kinds.append(BAD_JSON)
                records.append(pr)
                continue
            pr = parse_record(obj, today=today)
            pr.line = lineno
            pr.record = obj if isinstance(obj, dict) else None
            records.append(pr)
    return ImportReport(records=records, source=path)


def write_drafts(report: ImportReport, out: Path, only_clean: bool = False) -> int:
    """Write the drafts as a YAML list for an editor to review; returns how many were written."""
    drafts = [r.draft for r in report.records if r.draft is not None and (r.clean or not only_clean)]
    header = (
        "# Draft catalogue entries imported from the national portal"
        + (f" ({report.source.name})" if report.source else "")
        + ".\n# Every entry is unverified: review it against its source_url, write the text in the"
        " catalogue's own words,\n# fix the notes in unverified_notes, then move it into a catalogue file.\n"
    )
    body = yaml.safe_dump(drafts, allow_unicode=True, sort_keys=False, width=110) if drafts else "[]\n"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + body, encoding="utf-8")
    return len(drafts)
