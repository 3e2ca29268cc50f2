"""Signed, unguessable rating tokens: the QR code on a dossier's receipt or result slip carries one.

A token names one dossier and an expiry date, signed with HMAC-SHA256 under KIOSK_SECRET_KEY (purpose
"rating-token"), URL-safe base64 without padding: ``<payload>.<signature>``. Nothing personal is in it (the dossier's
database id and the expiry day only). Pure: the secret and the current date are parameters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

PURPOSE = b"rating-token\x00"
SIGNATURE_BYTES = 16  # 128 bits: unguessable, and keeps the QR code small


class TokenInvalid(ValueError):
    """Tampered, truncated or not a token at all."""


class TokenExpired(ValueError):
    """Well signed but past its expiry date."""


@dataclass(frozen=True)
class RatingTicket:
    dossier_id: int
    expires: date


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, PURPOSE + payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]


def make_token(secret: bytes, dossier_id: int, expires: date) -> str:
    payload = f"{dossier_id}:{expires.strftime('%Y%m%d')}".encode("ascii")
    return f"{_b64(payload)}.{_b64(_sign(secret, payload))}"


def read_token(secret: bytes, token: str, today: date) -> RatingTicket:
    """The ticket a token carries; TokenInvalid if it was not made with `secret`, TokenExpired after its day."""
    try:
        payload_part, signature_part = token.strip().split(".")
        payload = _unb64(payload_part)
        signature = _unb64(signature_part)
    except (ValueError, UnicodeError) as exc:
        raise TokenInvalid("malformed token") from exc
    # Only the canonical spelling: base64 ignores a last character's unused bits, so without this check
    # several one-character variants of a token would be accepted as the same token.
    if _b64(payload) != payload_part or _b64(signature) != signature_part:
        raise TokenInvalid("non-canonical encoding")
    if not hmac.compare_digest(signature, _sign(secret, payload)):
        raise TokenInvalid("bad signature")
    try:
        dossier_text, expires_text = payload.decode("ascii").split(":")
        ticket = RatingTicket(
            int(dossier_text), date(int(expires_text[:4]), int(expires_text[4:6]), int(expires_text[6:]))
        )
    except (ValueError, UnicodeError) as exc:
        raise TokenInvalid("bad payload") from exc
    if today > ticket.expires:
        raise TokenExpired(ticket.expires.isoformat())
    return ticket
