"""Phản ánh, kiến nghị submitted by citizens."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from motcua.vocabulary import PetitionChannel, PetitionKind, PetitionStatus
from pydantic import BaseModel, Field, StringConstraints

Content = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Contact = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class PetitionRequest(BaseModel):
    kind: PetitionKind
    content: Content
    contact: Contact | None = Field(default=None, description="Phone or address for the answer (personal data)")
    channel: PetitionChannel = PetitionChannel.CHAT


class PetitionResponse(BaseModel):
    id: int
    text: str
    deadline: date = Field(description="Date by which the answer is due")


Answer = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Username = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=2, max_length=64)]


class StaffPetition(BaseModel):
    """A phản ánh or kiến nghị as staff see it (with the citizen's contact: personal data, never logged)."""

    id: int
    kind: PetitionKind
    kind_label: str
    channel: str | None = Field(description="Where it was submitted; null for rows older than this field")
    channel_label: str | None
    content: str
    contact: str | None
    dossier_code: str | None
    rating_id: int | None = Field(description="The ballot whose comment was escalated to this petition")
    status: PetitionStatus
    status_label: str
    assigned_to: str | None
    assigned_name: str | None
    answer: str | None
    received_at: datetime
    deadline: date | None
    deadline_text: str | None = Field(description="dd/mm/yyyy")
    days_left: int | None = Field(description="Days until the deadline; negative once passed")
    overdue: bool = Field(description="Unanswered and past its deadline")
    answered_at: datetime | None
    answered_on_time: bool | None
    closed_at: datetime | None


class StaffPetitionPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[StaffPetition]


class PetitionUpdate(BaseModel):
    """Any combination, applied in this order: assign, answer, close."""

    assigned_to: Username | None = Field(default=None, description="Username of the officer handling it")
    answer: Answer | None = Field(default=None, description="The answer sent to the citizen: status da_tra_loi")
    close: bool = Field(default=False, description="Close an answered item (status da_dong)")
