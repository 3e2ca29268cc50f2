"""Dossier lookup (citizens) and dossier management (staff) models."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator

from ..domain.channels import DossierChannel
from ..domain.status import DossierStatus


class LookupRequest(BaseModel):
    code: str = Field(min_length=1, max_length=64, description="Mã hồ sơ on the receipt")
    phone_last4: str | int | None = Field(
        default=None, description="Last 4 digits of the phone number given when submitting (text or a number)"
    )

    @field_validator("phone_last4", mode="after")
    @classmethod
    def _digits_as_text(cls, v: str | int | None) -> str | None:
        # Malformed digits are treated like wrong digits (the same 404), never as a validation error.
        return None if v is None else str(v)[:64]

    @property
    def phone_digits(self) -> str | None:
        """phone_last4 as the validator leaves it: text (a number given is made text), or None."""
        return None if self.phone_last4 is None else str(self.phone_last4)


class PublicDossier(BaseModel):
    """What a citizen may see about a dossier: never the applicant's name or phone."""

    code: str
    procedure_code: str
    procedure_name: str | None
    status: DossierStatus
    status_label: str
    status_description: str
    channel: DossierChannel
    channel_label: str
    received_date: date
    appointment_date: date
    result_date: date | None
    returned_date: date | None
    overdue: bool
    days_overdue: int = Field(description="Calendar days past the appointment date (0 when not overdue)")
    next_steps: list[str]
    rating_url: str | None = Field(
        default=None,
        description="Address of the dossier's rating page (show it as a QR code, or its image from "
        "/api/ratings/qr/{token}.svg); only in a lookup answer that gave the phone digits",
    )


class StaffDossier(PublicDossier):
    """Staff view: adds the applicant's name (never the phone number)."""

    applicant_name: str
    field: str | None
    officer: str | None
    updated_at: datetime


class HistoryEntry(BaseModel):
    from_status: DossierStatus | None
    to_status: DossierStatus
    changed_at: datetime
    changed_by: str
    note: str | None


class StaffDossierDetail(StaffDossier):
    history: list[HistoryEntry]


class StaffDossierPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[StaffDossier]


class StatusChange(BaseModel):
    status: DossierStatus
    note: str | None = Field(default=None, max_length=2000)
    result_date: date | None = Field(default=None, description="For co_ket_qua / tu_choi; default today")
    returned_date: date | None = Field(default=None, description="For da_tra_ket_qua; default today")


class RowProblemOut(BaseModel):
    line: int
    code: str | None
    message: str


class ImportReportOut(BaseModel):
    rows: int
    created: int
    updated: int
    unchanged: int
    written: bool = Field(description="False when bad rows stopped the whole import")
    partial: bool
    computed_appointments: int = Field(
        default=0, description="Rows with an empty ngay_hen_tra, computed from the procedure's time limit"
    )
    errors: list[RowProblemOut]
    warnings: list[RowProblemOut]
    summary: str
