"""Access log without personal data or capabilities: method, redacted path (no query string), status and duration.

Used instead of uvicorn's access log, which prints query strings (search questions may hold phone numbers
or names) and client addresses. Paths that carry a rating token (a dossier's one ballot: /r/<token>, the QR images
/api/ratings/qr/<token>.png|svg) are logged with the token replaced by "…".
"""

from __future__ import annotations

import logging
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .domain.redact import redact

log = logging.getLogger("kiosk_api.access")
# The rating pages' fixed paths (/r/quay/…, /r/cam-on/…) are not tokens.
_TOKEN_PATHS = re.compile(r"^(/r/(?!quay/|cam-on/)|/api/ratings/qr/)[^/]+?(\.png|\.svg)?$")


def loggable_path(path: str) -> str:
    """The path as it may be logged: personal data redacted, rating tokens hidden."""
    return redact(_TOKEN_PATHS.sub(lambda m: f"{m.group(1)}…{m.group(2) or ''}", path))


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.info("%s %s %d %.0fms", scope["method"], loggable_path(scope["path"]), status, elapsed_ms)
