"""Zalo Official Account: the webhook's answer and the channel's health."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class WebhookAck(BaseModel):
    status: Literal["accepted", "duplicate", "ignored"] = Field(
        description="accepted: queued for an answer; duplicate: this msg_id was already accepted; "
        "ignored: an event the assistant does not answer (echo of the OA's own message, sticker, seen …)"
    )


class ZaloHealth(BaseModel):
    zalo: Literal["off", "ok", "expiring", "expired", "refresh_failed", "missing"] = Field(
        description="off: not configured; missing: no tokens stored (run `kiosk zalo set-tokens`); "
        "refresh_failed: Zalo refused the refresh token (get a new pair, run `kiosk zalo set-tokens`)"
    )
    access_expires_at: datetime | None = None
    queued: int = Field(default=0, description="Accepted messages waiting for an answer")
