"""Applying a parsed dossier CSV file to the database (upsert by dossier code, in one transaction)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from procedures_kb.catalogue import Catalogue
from procedures_kb.timelimits import OFFICE_OPENS, NoTimeLimit, appointment_date
from procedures_kb.workdays import WorkingCalendar

from ..clock import VN_TZ
from ..db import session_now
from ..domain.channels import DossierChannel
from ..domain.dossier_csv import AppointmentFor, DossierRow, ParsedFile, RowProblem, parse_dossier_csv
from ..domain.phones import last4
from ..models import Dossier, DossierStatusHistory
from ..security import phone_hash, phone_last4_hash
from . import audit
from .units import DossierUnits

log = logging.getLogger(__name__)

IMPORT_ACTOR = "import"
OTHER_UNIT = "this dossier belongs to unit {unit}: another unit's import cannot change it"
_CHUNK = 500


@dataclass
class ImportReport:
    rows: int = 0  # data rows read (good and bad)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    written: bool = False
    partial: bool = False
    computed_appointments: int = 0  # rows whose empty ngay_hen_tra was computed from the time limit

    def summary(self) -> str:
        if self.errors and not self.written:
            return (
                f"{len(self.errors)} bad row(s) in {self.rows}: nothing was imported "
                "(fix the file, or import the good rows with --partial)"
            )
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.errors:
            text += f"; {len(self.errors)} bad row(s) skipped"
        if self.computed_appointments:
            text += f"; {self.computed_appointments} appointment date(s) computed from the time limit"
        if self.warnings:
            text += f"; {len(self.warnings)} warning(s)"
        return text


def _field_of(catalogue: Catalogue | None, procedure_code: str) -> str | None:
    if catalogue is None:
        return None
    procedure = catalogue.get(procedure_code)
    return procedure.field if procedure else None


def _values(row: DossierRow, secret: bytes, catalogue: Catalogue | None) -> dict[str, object]:
    return {
        "procedure_code": row.procedure_code,
        "field": _field_of(catalogue, row.procedure_code),
        "applicant_name": row.applicant_name,
        "phone_hash": phone_hash(secret, row.phone),
        "phone_last4_hash": phone_last4_hash(secret, row.code, last4(row.phone)),
        "channel": row.channel.value,
        "received_date": row.received_date,
        "appointment_date": row.appointment_date,
        "result_date": row.result_date,
        "returned_date": row.returned_date,
        "status": row.status.value,
    }


def appointment_rule(catalogue: Catalogue, calendar: WorkingCalendar) -> AppointmentFor:
    """The appointment date of a dossier whose export leaves ngay_hen_tra empty: the time limit of the procedure's
    channel (the one the dossier came through, else the in-person one), counted on the working-day calendar from
    the morning of the day received. None when the procedure is not in the catalogue."""

    def appointment_for(procedure_code: str, channel: DossierChannel, received: date) -> date | None:
        procedure = catalogue.get(procedure_code)
        if procedure is None:
            return None
        kind = next((k for k in channel.catalogue_kinds if procedure.channel(k) is not None), None)
        limit = (procedure.channel(kind) if kind else procedure.default_channel).time_limit  # type: ignore[union-attr]
        try:
            return appointment_date(limit, datetime.combine(received, OFFICE_OPENS, VN_TZ), calendar)
        except NoTimeLimit:
            return None

    return appointment_for


def import_csv(
    session: Session,
    data: bytes,
    *,
    secret: bytes,
    catalogue: Catalogue | None,
    calendar: WorkingCalendar | None = None,
    partial: bool = False,
    actor: str = "cli",
    source: str | None = None,
    unit: str | None = None,
) -> ImportReport:
    """Parse and apply a dossier CSV file; see `apply` for the write rules. With the catalogue and the working-day
    `calendar`, an empty ngay_hen_tra is computed from the procedure's time limit (`appointment_rule`)."""
    known = (lambda code: catalogue.get(code) is not None) if catalogue is not None else None
    rule = appointment_rule(catalogue, calendar) if catalogue is not None and calendar is not None else None
    parsed = parse_dossier_csv(data, known, rule)
    return apply(
        session, parsed, secret=secret, catalogue=catalogue, partial=partial, actor=actor, source=source, unit=unit
    )


def apply(
    session: Session,
    parsed: ParsedFile,
    *,
    secret: bytes,
    catalogue: Catalogue | None,
    partial: bool = False,
    actor: str = "cli",
    source: str | None = None,
    unit: str | None = None,
) -> ImportReport:
    """Upsert the good rows by dossier code, all in one transaction.

    With any bad row and `partial` false, nothing is written. A status that changes (or a new dossier)
    gets a status-history row by "import"; the import itself gets one audit entry (counts only). A new dossier
    belongs to `unit` when given, else to the unit whose dossier-code prefix its code starts with, else to the
    session's unit (services.units.DossierUnits; UnitError for an unknown `unit`).
    """
    units = DossierUnits(session, unit)
    report = ImportReport(
        rows=len(parsed.rows) + len(parsed.errors),
        errors=list(parsed.errors),
        warnings=list(parsed.warnings),
        partial=partial,
        computed_appointments=sum(1 for row in parsed.rows if row.appointment_computed),
    )
    if parsed.errors and not partial:
        return report

    codes = [row.code for row in parsed.rows]
    existing: dict[str, Dossier] = {}
    for i in range(0, len(codes), _CHUNK):
        chunk = codes[i : i + _CHUNK]
        existing.update((d.code, d) for d in session.scalars(select(Dossier).where(Dossier.code.in_(chunk))))
    # A dossier of another unit is never changed by this unit's import: a bad row like any other.
    foreign = {
        row.code
        for row in parsed.rows
        if unit is not None and row.code in existing and existing[row.code].unit_code != unit
    }
    for row in parsed.rows:
        if row.code in foreign:
            report.errors.append(RowProblem(row.line, OTHER_UNIT.format(unit=existing[row.code].unit_code), row.code))
    if foreign and not partial:
        report.errors.sort(key=lambda p: p.line)
        return report
    now = session_now(session)
    try:
        for row in parsed.rows:
            if row.code in foreign:
                continue
            values = _values(row, secret, catalogue)
            dossier = existing.get(row.code)
            if dossier is None:
                dossier = Dossier(code=row.code, unit_code=units.of(row.code), created_at=now, updated_at=now, **values)
                dossier.history.append(
                    DossierStatusHistory(
                        from_status=None, to_status=row.status.value, changed_at=now, changed_by=IMPORT_ACTOR
                    )
                )
                session.add(dossier)
                existing[row.code] = dossier
                report.created += 1
                continue
            changed = {k: v for k, v in values.items() if getattr(dossier, k) != v}
            if not changed:
                report.unchanged += 1
                continue
            if "status" in changed:
                dossier.history.append(
                    DossierStatusHistory(
                        from_status=dossier.status,
                        to_status=row.status.value,
                        changed_at=now,
                        changed_by=IMPORT_ACTOR,
                    )
                )
            for key, value in changed.items():
                setattr(dossier, key, value)
            dossier.updated_at = now
            report.updated += 1
        audit.record(
            session,
            actor,
            "dossiers.import",
            target=source,
            details={
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "errors": len(report.errors),
                "warnings": len(report.warnings),
                "partial": partial,
            },
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    report.written = True
    log.info(
        "dossier import by %s: %d created, %d updated, %d unchanged, %d errors",
        actor,
        report.created,
        report.updated,
        report.unchanged,
        len(report.errors),
    )
    return report
