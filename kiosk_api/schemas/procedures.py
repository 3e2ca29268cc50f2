"""Procedure catalogue responses."""

from __future__ import annotations

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
