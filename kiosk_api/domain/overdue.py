"""Overdue (quá hạn) computation: always derived from the appointment date, never stored."""

from __future__ import annotations

from datetime import date

from .status import CLOCK_RUNNING, DossierStatus


def days_overdue(status: DossierStatus, appointment_date: date | None, today: date) -> int:
    """Calendar days past the appointment date for a dossier the agency is still handling; else 0.

    Only `moi_tiep_nhan` and `dang_xu_ly` can be overdue: a dossier waiting for the citizen's papers
    (`cho_bo_sung`) counts as within the deadline (Biểu 6a convention), and resolved, refused or withdrawn
    dossiers are no longer running. The appointment day itself is not overdue.
    """
    if appointment_date is None or status not in CLOCK_RUNNING:
        return 0
    return max(0, (today - appointment_date).days)


def is_overdue(status: DossierStatus, appointment_date: date | None, today: date) -> bool:
    return days_overdue(status, appointment_date, today) > 0


def days_late(appointment_date: date | None, result_date: date | None) -> int:
    """Calendar days a result came after the appointment date (0 when on time, early or unknown)."""
    if appointment_date is None or result_date is None:
        return 0
    return max(0, (result_date - appointment_date).days)
