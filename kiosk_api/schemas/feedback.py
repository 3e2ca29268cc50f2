"""Phản ánh, kiến nghị submitted by citizens."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

Content = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Contact = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class FeedbackRequest(BaseModel):
    kind: Literal["phan_anh", "kien_nghi"]
    content: Content
    contact: Contact | None = Field(default=None, description="Phone or address for the answer (personal data)")
    channel: Literal["chat", "kiosk", "zalo", "qr", "web"] = "chat"


class FeedbackResponse(BaseModel):
    id: int
    text: str
    deadline: date = Field(description="Date by which the answer is due")
