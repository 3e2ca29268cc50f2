"""Health check response."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class CatalogueHealth(BaseModel):
    procedures: int
    fingerprint: str


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    database: Literal["ok", "error"]
    catalogue: CatalogueHealth
