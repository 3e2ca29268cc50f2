"""Short signed tokens the server issues and later trusts: kiosk sessions, conversation ids, the client ticket the
chat passes through Rasa to the action server. Pure: the secret and the current time are parameters.

A token is ``<purpose tag>.<payload>.<expiry>.<signature>``: the payload is URL-safe base64 of text (no padding),
the expiry an integer (epoch seconds), the signature the first 16 bytes of HMAC-SHA256 under the secret over the
purpose, payload and expiry. Only the canonical spelling is accepted, so one token has one form.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

SIGNATURE_BYTES = 16
MAX_TOKEN = 300


class SignedInvalid(ValueError):
    """Not made by this server for this purpose (tampered, truncated, another purpose, or garbage)."""


class SignedExpired(ValueError):
    """Made by this server but past its expiry."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64(raw) != text:
        raise ValueError("not canonical base64")
    return raw


def _signature(secret: bytes, purpose: str, payload: str, expires: int) -> bytes:
    message = f"signed\x00{purpose}\x00{payload}\x00{expires}".encode()
    return hmac.new(secret, message, hashlib.sha256).digest()[:SIGNATURE_BYTES]


def make(secret: bytes, purpose: str, payload: str, expires: int) -> str:
    """A token carrying `payload` (text) for `purpose`, valid until `expires` (epoch seconds)."""
    body = _b64(payload.encode())
    return f"{purpose}.{body}.{expires}.{_b64(_signature(secret, purpose, body, expires))}"


def read(secret: bytes, purpose: str, token: str, now: float) -> str:
    """The payload of a token made by `make` with the same secret and purpose; SignedInvalid or SignedExpired."""
    if not token or len(token) > MAX_TOKEN:
        raise SignedInvalid("empty or too long")
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != purpose or not parts[2].isdigit() or str(int(parts[2])) != parts[2]:
        raise SignedInvalid("malformed")
    _, body, expires_text, signature_text = parts
    try:
        signature = _unb64(signature_text)
        payload = _unb64(body).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise SignedInvalid("malformed") from None
    expires = int(expires_text)
    if not hmac.compare_digest(signature, _signature(secret, purpose, body, expires)):
        raise SignedInvalid("bad signature")
    if now >= expires:
        raise SignedExpired("expired")
    return payload
