"""A fake of the Zalo APIs the OA uses, served by a real uvicorn on loopback, recording every request.

- ``POST /v3.0/oa/message/cs``: the OA message API. Checks the ``access_token`` header against the token it
  issued last (else ``{"error": -216}``), records the body, answers ``{"error": 0, …}``. Scripted failures can be
  queued in ``message_failures`` (HTTP status, JSON body), consumed one per request.
- ``POST /v4/oa/access_token``: the OA token API. A refresh token is single-use: the current one gets a new pair
  (the old one dies); anything else gets ``{"error": -14014, "error_name": "Invalid refresh token"}``.

Also the helpers to sign a webhook body like Zalo does, and a fake slow Rasa REST channel.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.support.constants import NOW

APP_ID = "1234567890123456789"
APP_SECRET = "app-secret-for-tests"
OA_SECRET = "oa-secret-for-tests"
OA_ID = "579745863508352884"


def sign(raw: bytes, timestamp: str, *, app_id: str = APP_ID, oa_secret: str = OA_SECRET) -> str:
    return hashlib.sha256(app_id.encode() + raw + timestamp.encode() + oa_secret.encode()).hexdigest()


_counter = itertools.count(1)


def text_event(user_id: str, text: str, *, msg_id: str | None = None, timestamp: str | None = None) -> dict[str, Any]:
    n = next(_counter)
    return {
        "app_id": APP_ID,
        "user_id_by_app": f"app-{user_id}",
        "event_name": "user_send_text",
        "timestamp": timestamp or str(int(NOW.timestamp() * 1000) + n),  # the tests' clock: a fresh event
        "sender": {"id": user_id},
        "recipient": {"id": OA_ID},
        "message": {"text": text, "msg_id": msg_id or f"msg-{n:06d}-{time.monotonic_ns()}"},
    }


def signed(event: dict[str, Any], *, prefix: str = "mac=", **sign_args: Any) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(event, ensure_ascii=False).encode()
    mac = sign(raw, event["timestamp"], **sign_args)
    headers = {"Content-Type": "application/json", "X-ZEvent-Signature": prefix + mac}
    return raw, headers


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: Any
    at: float = field(default_factory=time.monotonic)


class FakeZalo:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[Recorded] = []  # messages accepted (error 0)
        self.attempts: list[Recorded] = []  # every call to the message API
        self.token_requests: list[Recorded] = []
        self.message_failures: list[tuple[int, Any]] = []
        self.access_token = "access-0"
        self.refresh_token = "refresh-0"
        self.expires_in = "90000"
        self.refresh_broken = False  # answer 503 to refresh calls
        self.delay = 0.0
        self._issued = 0
        self.app = self._make_app()

    # what the OA has been given
    def issue(self) -> tuple[str, str]:
        with self.lock:
            self._issued += 1
            self.access_token = f"access-{self._issued}"
            self.refresh_token = f"refresh-{self._issued}"
            return self.access_token, self.refresh_token

    def texts(self, user_id: str | None = None) -> list[str]:
        with self.lock:
            return [
                m.body["message"]["text"]
                for m in self.messages
                if user_id is None or m.body["recipient"]["user_id"] == user_id
            ]

    def wait_for_messages(self, count: int, timeout: float = 60.0) -> list[Recorded]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.02)
        with self.lock:
            raise AssertionError(f"expected {count} messages, got {len(self.messages)}: {self.messages}")

    def _make_app(self) -> FastAPI:
        app = FastAPI()
        fake = self

        @app.post("/v3.0/oa/message/cs")
        async def message(request: Request) -> Response:
            if fake.delay:
                await asyncio.sleep(fake.delay)
            try:
                body = json.loads(await request.body())
            except ValueError:
                return JSONResponse({"error": -201, "message": "body is not JSON"})
            record = Recorded(request.url.path, dict(request.headers), body)
            with fake.lock:
                fake.attempts.append(record)
                failure = fake.message_failures.pop(0) if fake.message_failures else None
                if failure is None and request.headers.get("access_token") == fake.access_token:
                    fake.messages.append(record)
            if failure is not None:
                status, payload = failure
                return JSONResponse(payload, status_code=status)
            if request.headers.get("access_token") != fake.access_token:
                return JSONResponse({"error": -216, "message": "Access token is invalid"})
            return JSONResponse({"error": 0, "message": "Success", "data": {"message_id": f"m{len(fake.messages)}"}})

        @app.post("/v4/oa/access_token")
        async def access_token(request: Request) -> Response:
            form = dict(await request.form())
            with fake.lock:
                fake.token_requests.append(Recorded(request.url.path, dict(request.headers), form))
            if fake.refresh_broken:
                return JSONResponse({"error": "unavailable"}, status_code=503)
            valid = (
                request.headers.get("secret_key") == APP_SECRET
                and form.get("app_id") == APP_ID
                and form.get("grant_type") == "refresh_token"
                and form.get("refresh_token") == fake.refresh_token
            )
            if not valid:
                return JSONResponse(
                    {"error": -14014, "error_name": "Invalid refresh token", "error_reason": "expired or used"}
                )
            access, refresh = fake.issue()
            return JSONResponse({"access_token": access, "refresh_token": refresh, "expires_in": fake.expires_in})

        return app


class SlowRasa:
    """A Rasa REST channel that takes `delay` seconds and answers `reply` (a list of bot messages)."""

    def __init__(self, delay: float = 0.0, reply: list[dict[str, Any]] | None = None) -> None:
        self.delay = delay
        self.reply = reply or [{"text": "Xin chào từ Rasa"}]
        self.requests: list[dict[str, Any]] = []
        app = FastAPI()
        fake = self

        @app.post("/webhooks/rest/webhook")
        async def webhook(request: Request) -> Response:
            fake.requests.append(json.loads(await request.body()))
            await asyncio.sleep(fake.delay)
            return JSONResponse(fake.reply)

        @app.get("/conversations/{sender}/tracker")
        async def tracker(sender: str) -> Response:
            return JSONResponse({"status": "failure"}, status_code=404)

        self.app = app
