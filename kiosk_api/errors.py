"""Uniform JSON errors: every error body is {"error": code, "detail": ...}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .domain import staff_texts

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_error",
    429: "too_many_attempts",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """Raise from a route to answer with this status and body."""

    def __init__(self, status_code: int, error: str, detail: Any = None, headers: dict[str, str] | None = None):
        super().__init__(f"{status_code} {error}")
        self.status_code = status_code
        self.error = error
        self.detail = detail
        self.headers = headers


def login_error(wait: int | None, scope: str | None) -> ApiError:
    """A refused staff login (services.staff.LoginRefused): 401 for wrong credentials, 429 with Retry-After when no
    tries are left."""
    detail = staff_texts.login_refused(wait, scope)
    if wait is None:
        return ApiError(401, "invalid_credentials", detail)
    return ApiError(429, "too_many_attempts", detail, headers={"Retry-After": str(wait)})


def error_response(status_code: int, error: str, detail: Any = None, headers: dict[str, str] | None = None):
    return JSONResponse(
        status_code=status_code,
        content={"error": error, "detail": jsonable_encoder(detail)},
        headers=headers,
    )


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    return error_response(exc.status_code, exc.error, exc.detail, exc.headers)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return error_response(
        exc.status_code, _HTTP_CODES.get(exc.status_code, "error"), exc.detail, getattr(exc, "headers", None)
    )


# What the common validation errors say, in Vietnamese (the kiosk and the phone pages show `msg` to citizens).
_VI_MESSAGES = {
    "missing": "Thiếu thông tin bắt buộc.",
    "greater_than_equal": "Giá trị phải từ {ge} trở lên.",
    "greater_than": "Giá trị phải lớn hơn {gt}.",
    "less_than_equal": "Giá trị không được lớn hơn {le}.",
    "less_than": "Giá trị phải nhỏ hơn {lt}.",
    "int_parsing": "Cần một số nguyên.",
    "int_type": "Cần một số nguyên.",
    "float_parsing": "Cần một số.",
    "string_too_short": "Nội dung quá ngắn (ít nhất {min_length} ký tự).",
    "string_too_long": "Nội dung quá dài (tối đa {max_length} ký tự).",
    "string_type": "Cần nội dung dạng chữ.",
    "literal_error": "Giá trị không hợp lệ (cho phép: {expected}).",
    "enum": "Giá trị không hợp lệ (cho phép: {expected}).",
    "bool_parsing": "Cần giá trị đúng/sai (true/false).",
    "date_from_datetime_parsing": "Ngày không hợp lệ.",
    "datetime_from_date_parsing": "Ngày giờ không hợp lệ.",
    "json_invalid": "Nội dung gửi lên không phải JSON hợp lệ.",
}


def _message(err: dict[str, Any]) -> str:
    template = _VI_MESSAGES.get(err.get("type", ""))
    if template is None:
        return str(err.get("msg", ""))
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return str(err.get("msg", ""))


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    # Never echo the submitted values back (they may be personal data): locations and messages only.
    detail = [
        {"loc": list(err.get("loc", ())), "msg": _message(err), "type": err.get("type", "")} for err in exc.errors()
    ]
    return error_response(422, "validation_error", detail)


async def _out_of_range(request: Request, exc: Exception) -> JSONResponse:
    # A number the database cannot hold (SQLite's 64-bit integers, PostgreSQL's int4) reached a query.
    log.info("request with an out-of-range value refused: %s %s", request.method, request.url.path)
    return error_response(422, "validation_error", "Một giá trị số vượt quá giới hạn cho phép.")


async def _statement_error(request: Request, exc: Exception) -> JSONResponse:
    orig = getattr(exc, "orig", None)
    if isinstance(exc, DataError) or isinstance(orig, OverflowError):
        return await _out_of_range(request, exc)
    return await _unexpected(request, exc)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The error envelope even for a bug; the traceback goes to the log (never the body).
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "Có lỗi ở máy chủ. Vui lòng thử lại sau hoặc hỏi cán bộ.")


def install(app: FastAPI) -> None:
    # Starlette types a handler as taking any Exception, not the class it is registered for (hence the ignores).
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(StatementError, _statement_error)
    app.add_exception_handler(Exception, _unexpected)
