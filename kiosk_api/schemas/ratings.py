"""Satisfaction ballots (phiếu đánh giá)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Optional64 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
Optional50 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]


class RatingRequest(BaseModel):
    channel: Literal["chat", "kiosk", "zalo", "qr"]
    satisfaction: Literal["rat_hai_long", "hai_long", "binh_thuong", "khong_hai_long"]
    comment: str | None = Field(default=None, max_length=2000)
    dossier_code: Optional64 | None = Field(default=None, description="Mã hồ sơ being rated (one ballot each)")
    counter_id: Optional50 | None = Field(default=None, description="Desk / counter the citizen was served at")
    idempotency_key: Key = Field(description="Client-chosen key: resubmitting it returns the same ballot")


class RatingResponse(BaseModel):
    id: int
    text: str
