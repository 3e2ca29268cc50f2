"""Procedure catalogue responses."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from procedures_kb.schema import ChannelKind, Procedure


class ProcedureSummary(BaseModel):
    code: str
    name: str
    field: str
    popularity: int
    score: float | None = Field(default=None, description="Search relevance 0..1 (only with q)")
    matched: str | None = Field(default=None, description="The name or alias that matched (only with q)")


class ProcedurePage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[ProcedureSummary]


class ChannelText(BaseModel):
    """Human-readable Vietnamese wording for one submission channel."""

    kind: ChannelKind
    label: str
    time_limit: str
    fee: str
    note: str | None = None


class ProcedureDetail(BaseModel):
    procedure: Procedure
    channels: list[ChannelText]
    province: str | None = Field(default=None, description="Province whose fee overrides apply")
    notice: str | None = Field(
        default=None,
        description="What the citizen must be told with this entry: imported from the national portal on a date, "
        "or not fully checked yet, or the province's amounts under review; none for a checked entry",
    )
    offered: bool = Field(default=True, description="Whether this commune's desk handles the procedure")


class FeeResponse(BaseModel):
    code: str
    channel: ChannelKind
    amount: int | None = Field(description="In đồng; null when the province amount is not configured")
    formatted: str
    explanation: str
    lines: list[str]
    exempt: bool = False


class FieldCount(BaseModel):
    name: str
    count: int


class BreakOut(BaseModel):
    first: date
    last: date
    name: str = Field(description="E.g. Tết Nguyên đán")
    text: str = Field(description="Vietnamese, e.g. 'nghỉ Tết Nguyên đán từ thứ Năm 04/02 đến hết thứ Tư 10/02/2027'")


class AppointmentResponse(BaseModel):
    code: str
    channel: ChannelKind
    time_limit: str = Field(description="The channel's time limit, in Vietnamese")
    received_at: datetime = Field(description="When the complete file is handed in (the commune's time, UTC+7)")
    counted_from: date = Field(description="The working day the file counts as received")
    appointment_date: date = Field(description="Ngày hẹn trả kết quả")
    latest_date: date | None = Field(
        default=None, description="The latest date when the time limit has a longer case (e.g. verification)"
    )
    breaks: list[BreakOut] = Field(description="Holiday breaks between the day received and the appointment")
    explanation: str = Field(description="Vietnamese, for the citizen")
