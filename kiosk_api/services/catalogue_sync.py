"""Copying the catalogue (YAML files) into the `procedures` table, for joins in reports."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from procedures_kb.catalogue import Catalogue

from ..db import session_now
from ..models import ProcedureRow
from . import audit


@dataclass(frozen=True)
class SyncReport:
    added: int
    updated: int
    removed: int
    unchanged: int

    def summary(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.removed} removed, {self.unchanged} unchanged"


def sync_catalogue(session: Session, catalogue: Catalogue, actor: str = "system") -> SyncReport:
    """Upsert every catalogue procedure (by national code) and delete rows no longer in the catalogue."""
    existing = {row.code: row for row in session.scalars(select(ProcedureRow))}
    now = session_now(session)
    added = updated = unchanged = 0
    seen: set[str] = set()
    for procedure in catalogue.procedures:
        code = procedure.national_code
        seen.add(code)
        data = procedure.model_dump(mode="json")
        row = existing.get(code)
        if row is None:
            session.add(
                ProcedureRow(
                    code=code,
                    name=procedure.name,
                    field=procedure.field,
                    data=data,
                    fingerprint=catalogue.fingerprint,
                    synced_at=now,
                )
            )
            added += 1
        elif (row.name, row.field, row.data) != (procedure.name, procedure.field, data):
            row.name, row.field, row.data = procedure.name, procedure.field, data
            row.fingerprint, row.synced_at = catalogue.fingerprint, now
            updated += 1
        else:
            unchanged += 1
            if row.fingerprint != catalogue.fingerprint:
                row.fingerprint, row.synced_at = catalogue.fingerprint, now
    removed = 0
    for code, row in existing.items():
        if code not in seen:
            session.delete(row)
            removed += 1
    report = SyncReport(added=added, updated=updated, removed=removed, unchanged=unchanged)
    if added or updated or removed:
        audit.record(
            session,
            actor,
            "catalogue.sync",
            details={
                "added": added,
                "updated": updated,
                "removed": removed,
                "fingerprint": catalogue.fingerprint,
            },
        )
    session.commit()
    return report
