"""Keyed hashes (phone numbers, client addresses, tokens), password hashing and bearer tokens.

Every keyed hash is HMAC-SHA256 under KIOSK_SECRET_KEY with a purpose prefix, so a value hashed for one
purpose cannot be matched against another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import cache

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_DKLEN = 32


def keyed_hash(secret: bytes, purpose: str, value: str) -> str:
    """Hex HMAC-SHA256 of `value` for `purpose`."""
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def phone_hash(secret: bytes, normalised_phone: str) -> str:
    return keyed_hash(secret, "phone", normalised_phone)


def phone_last4_hash(secret: bytes, dossier_code: str, last4: str) -> str:
    """The lookup's second factor, bound to the dossier code (so equal digits differ across dossiers)."""
    return keyed_hash(secret, "phone-last4", f"{dossier_code}\x00{last4}")


def client_key_hash(secret: bytes, scope: str, client: str) -> str:
    """Throttling key for a client (IP address), per scope (lookup, login …)."""
    return keyed_hash(secret, f"client:{scope}", client)


def token_hash(secret: bytes, token: str) -> str:
    return keyed_hash(secret, "staff-token", token)


def csrf_token(secret: bytes, session_token: str) -> str:
    """The CSRF token of a logged-in staff session: derived from (and only valid with) its session token."""
    return keyed_hash(secret, "staff-csrf", session_token)[:32]


def sender_hash(secret: bytes, channel: str, sender: str) -> str:
    """Pseudonymous id of a chat / Zalo sender."""
    return keyed_hash(secret, f"sender:{channel}", sender)


def short(digest: str) -> str:
    """A prefix of a hash, enough to correlate log lines."""
    return digest[:12]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_password(password: str) -> str:
    """`scrypt$n$r$p$salt$hash` with a random 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=SCRYPT_DKLEN)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt = base64.b64decode(salt_b64)
        expected = base64.b64decode(digest_b64)
        digest = hashlib.scrypt(password.encode(), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)


@cache
def dummy_password_hash() -> str:
    """A hash to verify against when the user does not exist, so timing does not reveal usernames."""
    return hash_password(secrets.token_urlsafe(16))
