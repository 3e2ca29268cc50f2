"""Health check response."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..domain.qa import MeaningState

# how the assistant matches questions: by words and meaning ("ready"), by words while the catalogue's questions are
# being embedded at start ("warming"), or by words alone (the meaning model is not installed)
AssistantState = MeaningState


class CatalogueHealth(BaseModel):
    procedures: int
    fingerprint: str


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: Literal["ok", "error"]
    catalogue: CatalogueHealth
    assistant: AssistantState = "ready"
    voice: str = Field(default="espeak-ng", description="Who reads answers aloud: 'piper:<voice>' or 'espeak-ng'")
