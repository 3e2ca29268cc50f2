"""HTTP client of kiosk_api for the custom actions (see the contract: every request carries the internal token
and the citizen's client key; all Vietnamese wording comes from kiosk_api).

Environment: KIOSK_API_URL (default http://127.0.0.1:8000), KIOSK_INTERNAL_TOKEN, KIOSK_API_TIMEOUT (seconds,
default 5).
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)

DEFAULT_URL = "http://127.0.0.1:8000"


class KioskUnavailable(Exception):
    """kiosk_api could not be reached, timed out, or answered with an error we cannot relay."""


@dataclass
class Reply:
    """A kiosk_api JSON answer with its HTTP status (4xx answers that carry a Vietnamese `text` are relayed)."""

    status: int
    data: dict[str, Any]

    @property
    def text(self) -> str | None:
        value = self.data.get("text")
        if isinstance(value, str) and value.strip():
            return value
        detail = self.data.get("detail")
        if isinstance(detail, dict) and isinstance(detail.get("text"), str):
            return detail["text"]
        if isinstance(detail, str) and self.status in (409, 410, 429):
            return detail
        return None

    @property
    def buttons(self) -> list[dict[str, str]]:
        raw = self.data.get("buttons") or []
        return [
            {"title": str(b["title"]), "payload": str(b["payload"])}
            for b in raw
            if isinstance(b, dict) and b.get("title") and b.get("payload")
        ]


class KioskClient:
    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.base_url = (base_url or os.environ.get("KIOSK_API_URL") or DEFAULT_URL).rstrip("/")
        self.token = token if token is not None else os.environ.get("KIOSK_INTERNAL_TOKEN", "")
        self.timeout = timeout or float(os.environ.get("KIOSK_API_TIMEOUT", "5"))

    def _headers(self, client_key: str) -> dict[str, str]:
        headers = {"X-Kiosk-Client": client_key, "Accept": "application/json"}
        if self.token:
            headers["X-Kiosk-Internal"] = self.token
        return headers

    async def _call(
        self,
        method: str,
        path: str,
        client_key: str,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        relay_statuses: tuple = (),
    ) -> Reply:
        url = f"{self.base_url}{path}"
        query = {k: str(v) for k, v in (params or {}).items() if v is not None and v != ""}
        try:
            timeout = aiohttp.ClientTimeout(total=self.timeout)
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.request(method, url, params=query, json=body, headers=self._headers(client_key)) as resp,
            ):
                try:
                    data = await resp.json(content_type=None)
                except (ValueError, aiohttp.ContentTypeError):
                    data = None
                status = resp.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.warning("kiosk_api %s %s failed: %s", method, path, type(exc).__name__)
            raise KioskUnavailable(type(exc).__name__) from exc
        if not isinstance(data, dict):
            data = {}
        reply = Reply(status, data)
        if 200 <= status < 300 or (status in relay_statuses and reply.text):
            return reply
        logger.warning("kiosk_api %s %s answered %s", method, path, status)
        raise KioskUnavailable(f"HTTP {status}")

    # ---- the assistant endpoints ------------------------------------------------------------------------

    async def resolve(self, client_key: str, q: str, current: str | None = None, hint: str | None = None) -> Reply:
        """`current`: the procedure of the conversation (follow-ups); `hint`: a code the NLU extracted."""
        return await self._call(
            "GET", "/api/assistant/resolve", client_key, params={"q": q, "current": current, "hint": hint}
        )

    async def answer(
        self,
        client_key: str,
        code: str,
        aspect: str,
        pages: int | None = None,
        copies: int | None = None,
        question: str | None = None,
    ) -> Reply:
        """`question`: the citizen's message; kiosk_api answers the fact it asks about first, if any."""
        return await self._call(
            "GET",
            "/api/assistant/answer",
            client_key,
            params={"code": code, "aspect": aspect, "pages": pages, "copies": copies, "q": question},
        )

    async def menu(self, client_key: str) -> Reply:
        return await self._call("GET", "/api/assistant/menu", client_key)

    async def dossier(self, client_key: str, code: str, phone_last4: str | None) -> Reply:
        return await self._call(
            "POST",
            "/api/assistant/dossier",
            client_key,
            body={"code": code, "phone_last4": phone_last4},
            relay_statuses=(404, 429),
        )

    async def handoff(self, client_key: str, channel: str, topic: str | None, sender: str) -> Reply:
        return await self._call(
            "POST", "/api/handoffs", client_key, body={"channel": channel, "topic": topic, "sender": sender}
        )

    async def rating(
        self,
        client_key: str,
        *,
        channel: str,
        satisfaction: str,
        comment: str | None,
        token: str | None,
        idempotency_key: str,
        counter_id: str | None = None,
    ) -> Reply:
        """A ballot; `token` is the rating token of the dossier the conversation verified (none: the counter)."""
        return await self._call(
            "POST",
            "/api/ratings",
            client_key,
            body={
                "channel": channel,
                "satisfaction": satisfaction,
                "comment": comment,
                "token": token,
                "counter_id": counter_id,
                "idempotency_key": idempotency_key,
            },
            relay_statuses=(409, 410, 429),
        )

    async def petition(
        self, client_key: str, *, kind: str, content: str, channel: str, contact: str | None = None
    ) -> Reply:
        return await self._call(
            "POST",
            "/api/petitions",
            client_key,
            body={"kind": kind, "content": content, "contact": contact, "channel": channel},
        )


# The client the actions use (one per action-server process); tests replace it with a fake.
client = KioskClient()


def kiosk() -> KioskClient:
    """The client in use (looked up at each call, so a test's fake takes its place)."""
    return client
