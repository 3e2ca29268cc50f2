"""Models shared by every router."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, Field

MAX_ID = 2_147_483_647  # a 32-bit database id: anything larger is refused with 422, never sent to the database
RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="The row's number")]
PageNumber = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1")]


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
        400: "Malformed request",
        403: "Not allowed",
        410: "Expired",
        413: "Too large",
        429: "Too many attempts",
        503: "Service unavailable",
    }
    return {code: {"model": ErrorBody, "description": descriptions.get(code, "Error")} for code in codes}
