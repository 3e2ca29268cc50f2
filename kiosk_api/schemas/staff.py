"""Staff login models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenResponse(BaseModel):
    token: str
    token_type: str = "bearer"
    expires_at: datetime


class StaffMe(BaseModel):
    username: str
    full_name: str
    role: str


class Message(BaseModel):
    status: str = "ok"
    detail: str | None = None
