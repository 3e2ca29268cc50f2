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
- ``KIOSK_PETITION_WORKING_DAYS``: working days within which a citizen's phản ánh, kiến nghị is answered.
  Default: ``10``.
- ``KIOSK_PUBLIC_BASE_URL``: address citizens' phones reach this server at, used in QR codes (rating pages,
  checklists): the kiosk PC's LAN address on the commune Wi-Fi (e.g. ``http://192.168.1.10:8000``) or a public
  address where one exists. Default: ``http://<KIOSK_HOST>:<KIOSK_PORT>``.
- ``KIOSK_RATING_TOKEN_DAYS``: days a dossier's rating QR code stays valid after it is issued. Default: ``90``.
- ``KIOSK_COUNTER_BALLOTS_PER_HOUR``: anonymous counter ballots (no dossier) accepted from one client (a phone, or
  one citizen's session at a kiosk) per hour, so nobody can flood the quarterly report. Default: ``5``.
- ``KIOSK_ASR_ENGINE``: speech recognition engine, ``vosk`` or ``viet-asr``. Default: ``vosk`` when its model
  directory (``KIOSK_VOSK_MODEL_DIR``) exists, else ``viet-asr`` (which embeds its model); GET /api/speech/status
  and the log say which was chosen and why.
- ``KIOSK_VOSK_MODEL_DIR``: the Vosk model directory (``kiosk models download vosk-vn`` installs it). Default:
  ``models/vosk-model-small-vn-0.4``.
- ``KIOSK_VOSK_GRAMMAR``: restrict Vosk (small models) to the kiosk's vocabulary (procedure names and the words of
  common questions), ``on``/``off``. Default: ``on``.
- ``KIOSK_TTS_VOICE``: default synthesis voice, ``north``, ``central`` or ``south`` (espeak-ng's Vietnamese
  voices). Default: ``north``.
- ``KIOSK_TTS_ENGINE``: ``auto`` (a Vietnamese Piper voice installed under ``KIOSK_TTS_VOICES_DIR`` speaks, else
  espeak-ng), ``piper`` (the installed voice ``KIOSK_TTS_PIPER_VOICE``, whatever its language) or ``espeak``.
  Default: ``auto``.
- ``KIOSK_TTS_VOICES_DIR``: the Piper voices installed with ``kiosk models install tts-voice``. Default:
  ``models/tts``.
- ``KIOSK_TTS_PIPER_VOICE``: the name of the installed Piper voice to speak with. Default: the first Vietnamese
  one.
- ``KIOSK_SPEECH_MAX_SECONDS``: longest recording accepted for recognition, in seconds. Default: ``30``.
- ``KIOSK_TTS_CACHE_MB``: size limit of the synthesised-speech cache (``<KIOSK_VAR_DIR>/tts-cache``) in MB.
  Default: ``100``.
- ``KIOSK_KIOSK_ADDRESSES``: comma-separated IP addresses or networks of the touch kiosks (the browser of the kiosk
  PC). Only these addresses get kiosk sessions (POST /api/kiosk/session): a kiosk's lookups that carry its session
  in ``X-Kiosk-Session`` are throttled per session (one per citizen), so one citizen's failed lookups do not lock
  the kiosk for the next; from any other address the header is ignored. Default: ``127.0.0.1,::1`` (a kiosk
  browser on the server PC itself).
- ``KIOSK_COUNTER_ID``: the desk (quầy) the kiosk's ratings are recorded for. Default: ``quay-1``.
- ``KIOSK_DOSSIER_UNIT_CODE``: unit-code prefix of this commune's dossier codes (``000.00.06.H56`` in
  ``000.00.06.H56-261105-0003``); when set, the kiosk's lookup keypad shows it and the citizen types only the
  digits. Default: none (the whole code is typed).
- ``KIOSK_UNIT``: the official five-digit code of the commune (xã, phường, đặc khu) this deployment's kiosk serves,
  added with ``kiosk units add``; the ballots, petitions, officer requests and chat events its citizens leave belong
  to it. Default: ``00000``, the default unit that holds the data from before units.
- ``KIOSK_KIOSK_IDLE_SECONDS`` / ``KIOSK_KIOSK_CONFIRM_SECONDS``: seconds without a touch before the kiosk asks
  whether the citizen is still there, and seconds it then waits before clearing the screen. Default: ``90`` / ``15``.
- ``KIOSK_ZALO_APP_ID``: id of the Zalo app linked to the Official Account (webhook signature, token refresh).
  Zalo is off (the webhook answers 503) until this and ``KIOSK_ZALO_OA_SECRET`` are set.
- ``KIOSK_ZALO_APP_SECRET``: the app's secret key, sent when refreshing the OA access token.
- ``KIOSK_ZALO_OA_SECRET``: the OA secret key that signs webhook calls (``X-ZEvent-Signature``).
- ``KIOSK_ZALO_OA_ID``: id of the Official Account (its own messages, echoed back by Zalo, are ignored).
- ``KIOSK_ZALO_API_BASE``: base URL of the OA message API. Default: ``https://openapi.zalo.me``.
- ``KIOSK_ZALO_OAUTH_BASE``: base URL of the OA token API. Default: ``https://oauth.zaloapp.com``.
- ``KIOSK_ZALO_VERIFY_SIGNATURE``: reject webhook calls with a wrong signature (401). Set to ``false`` only while
  setting up the first real integration (mismatches are then logged and accepted). Default: ``true``.
- ``KIOSK_ZALO_WORKERS``: messages answered at the same time by the background Zalo workers. Default: ``4``.
- ``KIOSK_ZALO_QUEUE_SIZE``: accepted webhook events waiting for a worker; when full the webhook answers 503 and
  Zalo delivers the event again later. Default: ``1000``.
- ``KIOSK_ZALO_TIMEOUT``: seconds to wait for one call to the Zalo API. Default: ``10``.
- ``KIOSK_ZALO_RETRY_ATTEMPTS``: attempts to send one message when Zalo fails (network error, HTTP 5xx/429).
  Default: ``4``.
- ``KIOSK_ZALO_RETRY_BASE_DELAY``: seconds before the first retry; doubled at each retry, plus random jitter.
  Default: ``1``.
- ``KIOSK_ZALO_REFRESH_MARGIN_SECONDS``: the access token is refreshed when it has less than this left.
  Default: ``3600``.
- ``KIOSK_REPORT_RULES``: path of a YAML file with the Biểu 5a scoring rules (indicators, points, rounding,
  classification bands, satisfaction levels), validated at start-up. Default: the packaged
  ``kiosk_api/report_rules/default.yaml`` (Thông tư 01/2018/TT-VPCP, Thanh Hóa's bands).
- ``KIOSK_CALENDAR_FILE``: a YAML file of days off and weekend days worked in exchange for the years a decision
  changed (same format as the packaged ``procedures_kb/data/calendar.yaml``, which is always read first; check it
  with ``kiosk calendar validate``). Default: none.
- ``KIOSK_DESK_NAME``: what the commune's one-stop desk is called on its door, used where the catalogue tells a
  citizen where to go. Default: ``Trung tâm Phục vụ hành chính công`` (since Nghị định 118/2025/NĐ-CP; some
  provinces say "Bộ phận Tiếp nhận và Trả kết quả").
- ``KIOSK_OFFERED_PROCEDURES``: a file listing the procedures this commune's desk handles (one national code per
  line, ``#`` comments); the others are answered "not done here" with who does them. Default: all.
- ``KIOSK_TRUSTED_PROXIES``: comma-separated addresses or networks of reverse proxies in front of the server whose
  ``X-Forwarded-For`` / ``X-Forwarded-Proto`` headers are believed. Default: none (the peer address is the client;
  loopback is not trusted as a proxy, so a process on the server PC cannot pretend to be many clients).
- ``KIOSK_LOOKUP_CODE_MAX_FAILURES``: wrong phone digits allowed for one dossier code, from anywhere, within
  ``KIOSK_LOOKUP_WINDOW_SECONDS``; then the code is locked for the rest of the window (staff see and can lift the
  lock). Default: ``5``.
- ``KIOSK_KIOSK_SESSIONS_PER_HOUR``: kiosk sessions (one per citizen at a touch kiosk) a kiosk address may be issued
  per hour. Default: ``120``.
- ``KIOSK_KIOSK_SESSION_MINUTES``: how long a kiosk session stays valid. Default: ``60``.
- ``KIOSK_LOGIN_ACCOUNT_MAX_FAILURES``: wrong passwords for one staff account, from anywhere, within the window
  before the account is locked (until the window passes or an admin unlocks it with ``kiosk staff unlock``). Wrong
  passwords from one address lock only that account from that address (``KIOSK_LOOKUP_MAX_FAILURES``). Default:
  ``10``.
- ``KIOSK_PETITIONS_PER_HOUR`` / ``KIOSK_HANDOFFS_PER_HOUR``: petitions (phản ánh, kiến nghị) and requests for an
  officer accepted from one client (address, kiosk session or chat user) per hour. Default: ``5`` / ``10``.
- ``KIOSK_RASA_TOKEN``: token of Rasa's HTTP API (``rasa run --auth-token``), sent by kiosk_api when it reads a
  conversation. Default: derived from the secret key (``kiosk service-tokens`` prints it).
- ``KIOSK_ACTIONS_TOKEN``: token Rasa sends to the action server (header ``X-Actions-Token``); the action server
  refuses calls without it. Default: derived from the secret key (``kiosk service-tokens`` prints it).
- ``KIOSK_CLOCK_START``: start the server's clock at this ISO date and time (e.g. ``2027-02-03T09:00:00+07:00``)
  instead of the machine's; it runs on from there. For demonstrations and end-to-end tests only. Default: none.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from procedures_kb.workdays import DEFAULT_OVERRIDES as DEFAULT_CALENDAR_FILE

from .clock import VN_TZ, Clock, clock_from_setting
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
    petition_working_days: int = Field(default=10, ge=1, le=90)
    """KIOSK_PETITION_WORKING_DAYS: working days to answer a phản ánh, kiến nghị."""
    public_base_url: str | None = None
    """KIOSK_PUBLIC_BASE_URL: base URL put in QR codes; default http://KIOSK_HOST:KIOSK_PORT."""
    rating_token_days: int = Field(default=90, ge=1, le=3650)
    """KIOSK_RATING_TOKEN_DAYS: validity of a dossier's rating QR code, in days."""
    counter_ballots_per_hour: int = Field(default=5, ge=1, le=10000)
    """KIOSK_COUNTER_BALLOTS_PER_HOUR: anonymous counter ballots accepted per client per hour."""
    asr_engine: Literal["vosk", "viet-asr"] | None = None
    """KIOSK_ASR_ENGINE: vosk | viet-asr; default vosk when KIOSK_VOSK_MODEL_DIR exists, else viet-asr."""
    vosk_model_dir: Path = Path("models/vosk-model-small-vn-0.4")
    """KIOSK_VOSK_MODEL_DIR: the Vosk model directory."""
    vosk_grammar: bool = True
    """KIOSK_VOSK_GRAMMAR: on/off, restrict Vosk small models to the kiosk's vocabulary."""
    tts_voice: Literal["north", "central", "south"] = "north"
    """KIOSK_TTS_VOICE: default synthesis voice (north | central | south)."""
    tts_engine: Literal["auto", "piper", "espeak"] = "auto"
    """KIOSK_TTS_ENGINE: auto (a Vietnamese Piper voice when one is installed, else espeak-ng) | piper | espeak."""
    tts_voices_dir: Path = Path("models/tts")
    """KIOSK_TTS_VOICES_DIR: the Piper voices `kiosk models install tts-voice` installs."""
    tts_piper_voice: str | None = None
    """KIOSK_TTS_PIPER_VOICE: which installed Piper voice speaks (its name); default the first Vietnamese one."""
    speech_max_seconds: float = Field(default=30, gt=0, le=120)
    """KIOSK_SPEECH_MAX_SECONDS: longest recording accepted for recognition, in seconds."""
    tts_cache_mb: float = Field(default=100, ge=0)
    """KIOSK_TTS_CACHE_MB: size limit of the synthesised-speech cache under KIOSK_VAR_DIR/tts-cache, in MB."""
    zalo_app_id: str | None = None
    """KIOSK_ZALO_APP_ID: Zalo app id (webhook signature, token refresh); Zalo is off without it."""
    zalo_app_secret: str | None = None
    """KIOSK_ZALO_APP_SECRET: the Zalo app's secret key, for refreshing the OA access token."""
    zalo_oa_secret: str | None = None
    """KIOSK_ZALO_OA_SECRET: OA secret key that signs webhook calls; Zalo is off without it."""
    zalo_oa_id: str | None = None
    """KIOSK_ZALO_OA_ID: id of the Official Account (echoes of its own messages are ignored)."""
    zalo_api_base: str = "https://openapi.zalo.me"
    """KIOSK_ZALO_API_BASE: base URL of the OA message API."""
    zalo_oauth_base: str = "https://oauth.zaloapp.com"
    """KIOSK_ZALO_OAUTH_BASE: base URL of the OA token API."""
    zalo_verify_signature: bool = True
    """KIOSK_ZALO_VERIFY_SIGNATURE: answer 401 to webhook calls with a wrong signature (false: log and accept)."""
    zalo_workers: int = Field(default=4, ge=1, le=64)
    """KIOSK_ZALO_WORKERS: Zalo messages answered concurrently in the background."""
    zalo_queue_size: int = Field(default=1000, ge=1, le=100_000)
    """KIOSK_ZALO_QUEUE_SIZE: accepted Zalo events waiting for a worker (full: the webhook answers 503)."""
    zalo_timeout: float = Field(default=10, gt=0, le=120)
    """KIOSK_ZALO_TIMEOUT: seconds to wait for one Zalo API call."""
    zalo_retry_attempts: int = Field(default=4, ge=1, le=10)
    """KIOSK_ZALO_RETRY_ATTEMPTS: attempts to send a message when Zalo fails (network error, HTTP 5xx/429)."""
    zalo_retry_base_delay: float = Field(default=1.0, ge=0, le=60)
    """KIOSK_ZALO_RETRY_BASE_DELAY: seconds before the first retry, doubled each time, plus jitter."""
    zalo_refresh_margin_seconds: int = Field(default=3600, ge=0, le=86_400)
    """KIOSK_ZALO_REFRESH_MARGIN_SECONDS: refresh the access token when less than this is left."""
    kiosk_addresses: str = "127.0.0.1,::1"
    """KIOSK_KIOSK_ADDRESSES: comma-separated IPs or networks of the kiosks (throttled per kiosk session)."""
    counter_id: str = Field(default="quay-1", min_length=1, max_length=50)
    """KIOSK_COUNTER_ID: the desk the kiosk's ratings are recorded for."""
    dossier_unit_code: str | None = Field(default=None, max_length=40)
    """KIOSK_DOSSIER_UNIT_CODE: unit-code prefix of this commune's dossier codes, shown on the lookup keypad."""
    unit: str = Field(default="00000", pattern=r"^\d{5}$")
    """KIOSK_UNIT: the official code of the commune this kiosk serves (`kiosk units add`); what its citizens leave
    (ballots, petitions, officer requests, chat events) belongs to it. Default 00000, the default unit."""
    kiosk_idle_seconds: int = Field(default=90, ge=5, le=3600)
    """KIOSK_KIOSK_IDLE_SECONDS: seconds without a touch before the kiosk asks "Ông/bà còn sử dụng không?"."""
    kiosk_confirm_seconds: int = Field(default=15, ge=1, le=600)
    """KIOSK_KIOSK_CONFIRM_SECONDS: seconds the question stays before the kiosk clears everything."""
    report_rules: Path | None = None
    """KIOSK_REPORT_RULES: YAML file of Biểu 5a scoring rules; default kiosk_api/report_rules/default.yaml."""

    desk_name: str = Field(default="Trung tâm Phục vụ hành chính công", min_length=3, max_length=120)
    """KIOSK_DESK_NAME: the one-stop desk's name on its door (catalogue texts say where to go with it)."""
    offered_procedures: Path | None = None
    """KIOSK_OFFERED_PROCEDURES: file of the national codes this desk handles; default all."""
    trusted_proxies: str = ""
    """KIOSK_TRUSTED_PROXIES: comma-separated proxies whose X-Forwarded-For is believed (default none)."""
    lookup_code_max_failures: int = Field(default=5, ge=1)
    """KIOSK_LOOKUP_CODE_MAX_FAILURES: wrong digits for one dossier code (from anywhere) before it is locked."""
    kiosk_sessions_per_hour: int = Field(default=120, ge=1, le=100_000)
    """KIOSK_KIOSK_SESSIONS_PER_HOUR: kiosk sessions one kiosk address may be issued per hour."""
    kiosk_session_minutes: int = Field(default=60, ge=1, le=24 * 60)
    """KIOSK_KIOSK_SESSION_MINUTES: lifetime of a kiosk session."""
    login_account_max_failures: int = Field(default=10, ge=1)
    """KIOSK_LOGIN_ACCOUNT_MAX_FAILURES: wrong passwords for one account (from anywhere) before it is locked."""
    petitions_per_hour: int = Field(default=5, ge=1, le=10_000)
    """KIOSK_PETITIONS_PER_HOUR: petitions accepted per client per hour."""
    handoffs_per_hour: int = Field(default=10, ge=1, le=10_000)
    """KIOSK_HANDOFFS_PER_HOUR: requests for an officer accepted per client per hour."""
    rasa_token: str | None = None
    """KIOSK_RASA_TOKEN: token of Rasa's HTTP API; default derived from the secret key."""
    actions_token: str | None = None
    """KIOSK_ACTIONS_TOKEN: token Rasa sends to the action server; default derived from the secret key."""
    calendar_file: Path | None = None
    """KIOSK_CALENDAR_FILE: extra days off / days worked in exchange, added to the packaged calendar.yaml."""
    clock_start: datetime | None = None
    """KIOSK_CLOCK_START: the moment the server's clock starts at (demonstrations and end-to-end tests)."""

    @field_validator("report_rules", "calendar_file", "clock_start", "offered_procedures", mode="before")
    @classmethod
    def _empty_rules_is_default(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("clock_start")
    @classmethod
    def _aware_start(cls, v: datetime | None) -> datetime | None:
        # A time without a zone is the commune's time (UTC+7).
        return v.replace(tzinfo=VN_TZ) if v is not None and v.tzinfo is None else v

    def make_clock(self) -> Clock:
        """The clock the service reads: the machine's, or one started at KIOSK_CLOCK_START."""
        return clock_from_setting(self.clock_start)

    def calendar_files(self) -> list[Path]:
        """The override files of the working-day calendar: the packaged one, then KIOSK_CALENDAR_FILE."""
        return [DEFAULT_CALENDAR_FILE, *([self.calendar_file] if self.calendar_file else [])]

    @field_validator("kiosk_addresses", "trusted_proxies")
    @classmethod
    def _check_addresses(cls, v: str) -> str:
        for part in v.split(","):
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)  # ValueError → a clear settings error
        return v

    @property
    def trusted_proxy_list(self) -> list[str]:
        """KIOSK_TRUSTED_PROXIES as a list (for uvicorn's forwarded_allow_ips)."""
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    @property
    def kiosk_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        """KIOSK_KIOSK_ADDRESSES parsed into networks (a single address is a /32 or /128)."""
        return [ipaddress.ip_network(p.strip(), strict=False) for p in self.kiosk_addresses.split(",") if p.strip()]

    @field_validator("asr_engine", mode="before")
    @classmethod
    def _engine_auto(cls, v: object) -> object:
        return None if isinstance(v, str) and v.strip().lower() in ("", "auto") else v

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

    @field_validator("zalo_app_id", "zalo_app_secret", "zalo_oa_secret", "zalo_oa_id")
    @classmethod
    def _zalo_empty_is_none(cls, v: str | None) -> str | None:
        return v.strip() or None if v is not None else None

    @field_validator("zalo_api_base", "zalo_oauth_base")
    @classmethod
    def _strip_zalo_url(cls, v: str) -> str:
        return v.strip().rstrip("/")

    @property
    def zalo_enabled(self) -> bool:
        """True when the Zalo webhook can verify calls: KIOSK_ZALO_APP_ID and KIOSK_ZALO_OA_SECRET are set."""
        return bool(self.zalo_app_id and self.zalo_oa_secret)

    @property
    def resolved_public_base_url(self) -> str:
        """KIOSK_PUBLIC_BASE_URL, or the address the server listens on."""
        return self.public_base_url or f"http://{self.host}:{self.port}"

    @field_validator("province", "secret_key", "internal_token", "rasa_token", "actions_token", "dossier_unit_code")
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

    def resolved_rasa_token(self) -> str:
        """KIOSK_RASA_TOKEN, or a keyed hash under the secret key."""
        return self.rasa_token or keyed_hash(self.resolved_secret_key(), "service-token", "rasa")

    def resolved_actions_token(self) -> str:
        """KIOSK_ACTIONS_TOKEN, or a keyed hash under the secret key."""
        return self.actions_token or keyed_hash(self.resolved_secret_key(), "service-token", "actions")


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
