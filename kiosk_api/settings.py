"""Configuration of the kiosk service, read from environment variables (pydantic-settings).

Environment variables (all optional):

- ``DATABASE_URL``: SQLAlchemy URL of the database. Default: the SQLite file ``var/kiosk.sqlite3`` under the
  current directory (the repository root when run from there); its folder is created if missing. For
  PostgreSQL use ``postgresql+psycopg://user:password@host:5432/dbname``; ``postgresql://`` and ``postgres://``
  are rewritten to the psycopg 3 driver.
- ``KIOSK_SECRET_KEY``: secret for the keyed hashes of phone numbers, client addresses and staff tokens.
  Default: generated once and stored in ``var/secret_key`` (permissions 0600) so restarts keep it. Set it
  explicitly, to the same value, when several replicas share one database. Changing it makes existing
  dossiers unverifiable by lookup (re-import them).
- ``KIOSK_VAR_DIR``: folder for the default SQLite file and the generated secret key. Default: ``./var``.
- ``KIOSK_PROVINCE``: province whose fee overrides apply (a file ``procedures_kb/data/provinces/<id>.yaml``,
  e.g. ``thanh-hoa``). Default: none (national rules and each procedure's default amount).
- ``KIOSK_COMMUNE_NAME``: the commune People's Committee shown to citizens. Default: ``UBND xã Demo``.
- ``KIOSK_HOST`` / ``KIOSK_PORT``: address ``kiosk serve`` listens on. Default: ``127.0.0.1`` / ``8000``.
- ``KIOSK_LOOKUP_MAX_FAILURES``: failed dossier lookups allowed from one client within the window before
  further lookups are refused with 429. Default: ``5``.
- ``KIOSK_LOOKUP_WINDOW_SECONDS``: length of that window in seconds. Default: ``900``.
- ``KIOSK_STAFF_TOKEN_TTL_HOURS``: lifetime of a staff login token in hours. Default: ``12``.
- ``RASA_URL``: base URL of the Rasa server (REST channel) that /api/chat forwards to. Default:
  ``http://127.0.0.1:5005``.
- ``KIOSK_RASA_TIMEOUT``: seconds /api/chat waits for Rasa before answering from the catalogue itself.
  Default: ``10``.
- ``KIOSK_INTERNAL_TOKEN``: token the Rasa action server sends in ``X-Kiosk-Internal`` so that its
  ``X-Kiosk-Client`` header is trusted for throttling. Default: derived from the secret key (print it with
  ``kiosk internal-token``).
- ``KIOSK_FEEDBACK_WORKING_DAYS``: working days within which a citizen's phản ánh, kiến nghị is answered.
  Default: ``10``.
- ``KIOSK_PUBLIC_BASE_URL``: address citizens' phones reach this server at, used in QR codes (rating pages,
  checklists): the kiosk PC's LAN address on the commune Wi-Fi (e.g. ``http://192.168.1.10:8000``) or a public
  address where one exists. Default: ``http://<KIOSK_HOST>:<KIOSK_PORT>``.
- ``KIOSK_RATING_TOKEN_DAYS``: days a dossier's rating QR code stays valid after it is issued. Default: ``90``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .security import keyed_hash

SECRET_KEY_FILE = "secret_key"
SQLITE_FILE = "kiosk.sqlite3"


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver; leave every other URL unchanged."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Settings(BaseSettings):
    """Service configuration; see the module docstring for the environment variables."""

    model_config = SettingsConfigDict(env_prefix="KIOSK_", extra="ignore", populate_by_name=True)

    database_url: str | None = Field(default=None, validation_alias=AliasChoices("DATABASE_URL", "database_url"))
    """DATABASE_URL: SQLAlchemy URL; default SQLite file var/kiosk.sqlite3."""
    secret_key: str | None = None
    """KIOSK_SECRET_KEY: secret for keyed hashes and token signing; default generated into var/secret_key."""
    var_dir: Path = Path("var")
    """KIOSK_VAR_DIR: folder for the default SQLite database and the generated secret key."""
    province: str | None = None
    """KIOSK_PROVINCE: province id whose fee overrides apply, e.g. thanh-hoa."""
    commune_name: str = "UBND xã Demo"
    """KIOSK_COMMUNE_NAME: name of the commune People's Committee shown to citizens."""
    host: str = "127.0.0.1"
    """KIOSK_HOST: address `kiosk serve` binds to."""
    port: int = Field(default=8000, ge=1, le=65535)
    """KIOSK_PORT: port `kiosk serve` listens on."""
    lookup_max_failures: int = Field(default=5, ge=1)
    """KIOSK_LOOKUP_MAX_FAILURES: failed lookups per client within the window before 429."""
    lookup_window_seconds: int = Field(default=900, ge=1)
    """KIOSK_LOOKUP_WINDOW_SECONDS: throttling window for failed lookups, in seconds."""
    staff_token_ttl_hours: float = Field(default=12, gt=0)
    """KIOSK_STAFF_TOKEN_TTL_HOURS: lifetime of a staff bearer token, in hours."""
    rasa_url: str = Field(default="http://127.0.0.1:5005", validation_alias=AliasChoices("RASA_URL", "rasa_url"))
    """RASA_URL: base URL of the Rasa server."""
    rasa_timeout: float = Field(default=10, gt=0, le=120)
    """KIOSK_RASA_TIMEOUT: seconds to wait for Rasa before the catalogue fallback answers."""
    internal_token: str | None = None
    """KIOSK_INTERNAL_TOKEN: token of the Rasa action server; default derived from the secret key."""
    feedback_working_days: int = Field(default=10, ge=1, le=90)
    """KIOSK_FEEDBACK_WORKING_DAYS: working days to answer a phản ánh, kiến nghị."""
    public_base_url: str | None = None
    """KIOSK_PUBLIC_BASE_URL: base URL put in QR codes; default http://KIOSK_HOST:KIOSK_PORT."""
    rating_token_days: int = Field(default=90, ge=1, le=3650)
    """KIOSK_RATING_TOKEN_DAYS: validity of a dossier's rating QR code, in days."""

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, v: str | None) -> str | None:
        return normalise_database_url(v.strip()) if v else None

    @field_validator("rasa_url")
    @classmethod
    def _strip_url(cls, v: str) -> str:
        return v.strip().rstrip("/")

    @field_validator("public_base_url")
    @classmethod
    def _strip_base(cls, v: str | None) -> str | None:
        return v.strip().rstrip("/") or None if v is not None else None

    @property
    def resolved_public_base_url(self) -> str:
        """KIOSK_PUBLIC_BASE_URL, or the address the server listens on."""
        return self.public_base_url or f"http://{self.host}:{self.port}"

    @field_validator("province", "secret_key", "internal_token")
    @classmethod
    def _empty_is_none(cls, v: str | None) -> str | None:
        return v.strip() or None if v is not None else None

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or the default SQLite file (its folder created if missing)."""
        if self.database_url:
            return self.database_url
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.var_dir / SQLITE_FILE).resolve()}"

    def resolved_secret_key(self) -> bytes:
        """KIOSK_SECRET_KEY, or the key stored in var/secret_key (generated with 0600 perms if missing)."""
        if self.secret_key:
            return self.secret_key.encode()
        return load_or_create_secret(self.var_dir / SECRET_KEY_FILE).encode()

    def resolved_internal_token(self) -> str:
        """KIOSK_INTERNAL_TOKEN, or a keyed hash of "internal" under the secret key (stable across restarts)."""
        if self.internal_token:
            return self.internal_token
        return keyed_hash(self.resolved_secret_key(), "internal-token", "internal")


def load_or_create_secret(path: Path) -> str:
    """Read the secret stored at `path`, creating it (random, mode 0600) on first use."""
    if path.exists():
        value = path.read_text(encoding="ascii").strip()
        if value:
            return value
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    # Create with 0600 from the start so the key is never readable by others, even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    os.chmod(path, 0o600)
    return value
