"""Requests to talk to an officer (gặp cán bộ)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from motcua.vocabulary import ConversationChannel, HandoffStatus
from pydantic import BaseModel, Field, StringConstraints

Sender = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Topic = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class HandoffCreate(BaseModel):
    channel: ConversationChannel
    topic: Topic | None = Field(default=None, description="What the citizen needs help with (redacted before storage)")
    sender: Sender = Field(description="Conversation id (stored only as a keyed hash)")


class HandoffCreated(BaseModel):
    id: int
    text: str


class HandoffOut(BaseModel):
    id: int
    channel: str
    topic: str | None
    status: HandoffStatus
    status_label: str
    created_at: datetime
    handled_by: str | None
    handled_at: datetime | None


class HandoffUpdate(BaseModel):
    status: HandoffStatus
