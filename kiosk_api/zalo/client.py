"""Sending text messages through the Zalo OA message API.

``POST {KIOSK_ZALO_API_BASE}/v3.0/oa/message/cs`` with the header ``access_token`` and the body
``{"recipient": {"user_id": …}, "message": {"text": …}}``. Zalo answers HTTP 200 with ``{"error": 0, …}`` on
success and a non-zero ``error`` otherwise. An access-token error (-216 invalid, -124 expired) refreshes the token
once and sends again; network errors, HTTP 5xx and 429 are retried with exponential back-off and jitter
(KIOSK_ZALO_RETRY_ATTEMPTS attempts, first delay KIOSK_ZALO_RETRY_BASE_DELAY); any other error is final.

Nothing personal is logged: neither the recipient's id nor the text (callers pass a pseudonymous `ref`).
"""

from __future__ import annotations

import asyncio
import logging
import random
from enum import Enum
from typing import Any

import httpx

from .tokens import TokenManager, ZaloTokenError

log = logging.getLogger(__name__)

MESSAGE_PATH = "/v3.0/oa/message/cs"
TOKEN_ERRORS = {-216, -124}


class SendOutcome(Enum):
    SENT = "sent"
    FAILED = "failed"  # Zalo refused the message, or it kept failing after every retry
    NO_TOKEN = "no_token"  # no usable access token (the operator has been told)


def backoff_delay(attempt: int, base: float, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2 …): base·2^(attempt−1) plus up to base of
    random jitter, so that several replicas do not retry in step."""
    jitter = (rng or random).uniform(0, base)
    return base * 2 ** (attempt - 1) + jitter


class ZaloClient:
    def __init__(
        self,
        api_base: str,
        tokens: TokenManager,
        *,
        timeout: float = 10,
        attempts: int = 4,
        base_delay: float = 1.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.tokens = tokens
        self.attempts = attempts
        self.base_delay = base_delay
        self._http = httpx.AsyncClient(base_url=api_base.rstrip("/"), timeout=timeout, transport=transport)

    @classmethod
    def from_settings(cls, settings: Any, tokens: TokenManager) -> ZaloClient:
        return cls(
            settings.zalo_api_base,
            tokens,
            timeout=settings.zalo_timeout,
            attempts=settings.zalo_retry_attempts,
            base_delay=settings.zalo_retry_base_delay,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send_text(self, user_id: str, text: str, *, ref: str = "-") -> SendOutcome:
        """Send one text message (at most 2000 characters) to a follower."""
        body = {"recipient": {"user_id": user_id}, "message": {"text": text}}
        try:
            token = await self.tokens.access_token()
        except ZaloTokenError as exc:
            log.error("Zalo reply to %s not sent: no access token (%s)", ref, type(exc).__name__)
            return SendOutcome.NO_TOKEN
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._http.post(MESSAGE_PATH, json=body, headers={"access_token": token})
            except httpx.HTTPError as exc:
                reason = f"connection error ({type(exc).__name__})"
            else:
                if response.status_code >= 500 or response.status_code == 429:
                    reason = f"HTTP {response.status_code}"
                elif response.status_code != 200:
                    log.error("Zalo reply to %s refused: HTTP %d", ref, response.status_code)
                    return SendOutcome.FAILED
                else:
                    data = _json(response)
                    error = data.get("error") if data is not None else None
                    if error == 0:
                        return SendOutcome.SENT
                    if error in TOKEN_ERRORS and not refreshed:
                        refreshed = True
                        attempt -= 1  # a token refresh is not a failed attempt
                        try:
                            token = await self.tokens.refresh(rejected=token)
                        except ZaloTokenError as exc:
                            log.error("Zalo reply to %s not sent: token refresh failed (%s)", ref, type(exc).__name__)
                            return SendOutcome.NO_TOKEN
                        continue
                    if data is None:
                        reason = "body is not JSON"
                    else:
                        message = str(data.get("message") or "")[:100]
                        log.error("Zalo reply to %s refused: error %s %s", ref, error, message)
                        return SendOutcome.FAILED
            if attempt >= self.attempts:
                log.error("Zalo reply to %s not sent after %d attempts: %s", ref, attempt, reason)
                return SendOutcome.FAILED
            delay = backoff_delay(attempt, self.base_delay)
            log.warning("Zalo reply to %s failed (%s); retrying in %.1f s", ref, reason, delay)
            await asyncio.sleep(delay)


def _json(response: httpx.Response) -> dict[str, Any] | None:
    try:
        data = response.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
