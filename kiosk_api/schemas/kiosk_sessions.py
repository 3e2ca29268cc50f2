"""Kiosk sessions (one per citizen at a touch kiosk)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class KioskSessionOut(BaseModel):
    session: str = Field(description="Send it as X-Kiosk-Session with the citizen's requests")
    expires_in: int = Field(description="Seconds it stays valid")
