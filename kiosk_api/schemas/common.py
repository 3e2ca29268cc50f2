"""Models shared by every router."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """Every error response: a stable machine-readable code and a human-readable detail."""

    error: str = Field(examples=["not_found"])
    detail: Any = Field(default=None, examples=["Không tìm thấy thủ tục có mã 9.999999."])


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries documenting ErrorBody for the given status codes."""
    descriptions = {
        401: "Not logged in, or the token expired",
        404: "Not found",
        409: "Conflict with the current state",
        422: "Invalid input",
        429: "Too many failed attempts",
        503: "Service unavailable",
    }
    return {code: {"model": ErrorBody, "description": descriptions.get(code, "Error")} for code in codes}
