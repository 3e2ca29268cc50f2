"""Database tables (SQLAlchemy 2 typed models). The schema itself is created by the Alembic migrations.

Personal data: dossiers.applicant_name (shown to staff only) and petitions.contact. Phone numbers are never
stored: only keyed hashes (see kiosk_api.security). Chat events hold redacted text only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from motcua.vocabulary import (
    HandoffStatus,
    PetitionChannel,
    PetitionKind,
    PetitionStatus,
    RatingChannel,
    Satisfaction,
    StaffRole,
    UnitKind,
    values,
)
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base, UtcDateTime, owned_by_unit, stamp
from .domain.channels import DossierChannel
from .domain.status import DossierStatus

HASH = String(64)


def _in(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


DOSSIER_STATUSES = [s.value for s in DossierStatus]
DOSSIER_CHANNELS = [c.value for c in DossierChannel]
RATING_CHANNELS = values(RatingChannel)
SATISFACTION_LEVELS = values(Satisfaction)
PETITION_KINDS = values(PetitionKind)
PETITION_STATUSES = values(PetitionStatus)
PETITION_CHANNELS = values(PetitionChannel)
HANDOFF_STATUSES = values(HandoffStatus)
STAFF_ROLES = values(StaffRole)
UNIT_KINDS = values(UnitKind)
UNIT_CODE = String(16)


class Unit(Base):
    """A commune (xã, phường, đặc khu) the deployment serves, by its official administrative code."""

    __tablename__ = "units"
    __table_args__ = (CheckConstraint(_in("kind", UNIT_KINDS), name="kind"),)

    code: Mapped[str] = mapped_column(UNIT_CODE, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    # The start of this unit's dossier codes (000.00.06.H56…), to give imported dossiers their unit.
    dossier_prefix: Mapped[str | None] = mapped_column(String(40), unique=True)
    # The addresses of its touch kiosks ("10.1.2.0/24, 10.1.3.7"): what a citizen leaves at one belongs to this unit.
    kiosk_addresses: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"))


def _unit() -> Mapped[str]:
    """The unit a row belongs to: set by the use case, else the session's unit (kiosk_api.db.owned_by_unit)."""
    return mapped_column(ForeignKey("units.code"), index=True, info=owned_by_unit())


class ProcedureRow(Base):
    """A copy of a catalogue entry, synced by `kiosk catalogue sync`, for joins in reports."""

    __tablename__ = "procedures"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    field: Mapped[str] = mapped_column(String(200), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    fingerprint: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"))


class Dossier(Base):
    __tablename__ = "dossiers"
    __table_args__ = (
        CheckConstraint(_in("status", DOSSIER_STATUSES), name="status"),
        CheckConstraint(_in("channel", DOSSIER_CHANNELS), name="channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    procedure_code: Mapped[str] = mapped_column(String(32), index=True)
    field: Mapped[str | None] = mapped_column(String(200), index=True)
    applicant_name: Mapped[str] = mapped_column(String(200))
    phone_hash: Mapped[str] = mapped_column(HASH)
    phone_last4_hash: Mapped[str] = mapped_column(HASH)
    channel: Mapped[str] = mapped_column(String(16))
    received_date: Mapped[date] = mapped_column(Date, index=True)
    appointment_date: Mapped[date] = mapped_column(Date, index=True)
    result_date: Mapped[date | None] = mapped_column(Date)
    returned_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), index=True)
    officer: Mapped[str | None] = mapped_column(String(100))
    unit_code: Mapped[str] = _unit()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("update"))

    history: Mapped[list[DossierStatusHistory]] = relationship(
        back_populates="dossier",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="DossierStatusHistory.id",
    )


class DossierStatusHistory(Base):
    __tablename__ = "dossier_status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"))
    changed_by: Mapped[str] = mapped_column(String(100))  # staff username or "import"
    note: Mapped[str | None] = mapped_column(Text)

    dossier: Mapped[Dossier] = relationship(back_populates="history")


class Rating(Base):
    """One satisfaction ballot (phiếu đánh giá); at most one per dossier."""

    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint(_in("channel", RATING_CHANNELS), name="channel"),
        CheckConstraint(_in("satisfaction", SATISFACTION_LEVELS), name="satisfaction"),
        *(
            CheckConstraint(f"{col} IS NULL OR ({col} >= 0 AND {col} <= 2)", name=f"{col}_range")
            for col in ("i3", "i4", "i6", "i7")
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="SET NULL"), unique=True)
    counter_id: Mapped[str | None] = mapped_column(String(50))
    channel: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    i3: Mapped[int | None] = mapped_column(SmallInteger)
    i4: Mapped[int | None] = mapped_column(SmallInteger)
    i6: Mapped[int | None] = mapped_column(SmallInteger)
    i7: Mapped[int | None] = mapped_column(SmallInteger)
    satisfaction: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    unit_code: Mapped[str] = _unit()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"), index=True)


class Petition(Base):
    """Phản ánh, kiến nghị: a citizen's report or petition and its handling."""

    __tablename__ = "petitions"
    __table_args__ = (
        CheckConstraint(_in("kind", PETITION_KINDS), name="kind"),
        CheckConstraint(_in("status", PETITION_STATUSES), name="status"),
        CheckConstraint("channel IS NULL OR " + _in("channel", PETITION_CHANNELS), name="channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(200))  # personal data: never logged or exported
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=PetitionStatus.NEW.value, index=True)
    assigned_to: Mapped[str | None] = mapped_column(String(100))
    answer: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"), index=True)
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Where it was submitted (NULL for rows older than migration 0003) and the ballot whose comment it escalates.
    channel: Mapped[str | None] = mapped_column(String(16))
    rating_id: Mapped[int | None] = mapped_column(ForeignKey("ratings.id", ondelete="SET NULL"), unique=True)
    spam: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # marked junk by staff
    unit_code: Mapped[str] = _unit()


class HandoffRequest(Base):
    """A citizen asking for an officer (from the kiosk, chat or Zalo)."""

    __tablename__ = "handoff_requests"
    __table_args__ = (CheckConstraint(_in("status", HANDOFF_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender_hash: Mapped[str | None] = mapped_column(HASH)
    topic: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=HandoffStatus.WAITING.value, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"))
    handled_by: Mapped[str | None] = mapped_column(String(100))
    handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    spam: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # marked junk by staff
    unit_code: Mapped[str] = _unit()


class ChatEvent(Base):
    """One answered question, for statistics. No personal data: the text is redacted."""

    __tablename__ = "chat_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sender_hash: Mapped[str | None] = mapped_column(HASH)
    channel: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(50))
    procedure_code: Mapped[str | None] = mapped_column(String(32))
    confidence: Mapped[float | None] = mapped_column(Float)
    text_redacted: Mapped[str | None] = mapped_column(Text)
    unit_code: Mapped[str] = _unit()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"), index=True)


class StaffUser(Base):
    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint(_in("role", STAFF_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=StaffRole.OFFICER.value)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    unit_code: Mapped[str] = _unit()
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"))


class StaffSession(Base):
    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

    user: Mapped[StaffUser] = relationship()


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class LookupAttempt(Base):
    """Attempts per hashed key (a client, a dossier code, a staff account…), for throttling across replicas."""

    __tablename__ = "lookup_attempts"
    __table_args__ = (Index("ix_lookup_attempts_client_at", "client_key_hash", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_key_hash: Mapped[str] = mapped_column(HASH)
    at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"), index=True)
    success: Mapped[bool] = mapped_column(Boolean)
    # For a dossier-code budget: the dossier the digits were typed for (staff see which dossier is locked).
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)


# ---- Zalo Official Account (migration 0004) ------------------------------------------------------


class ZaloToken(Base):
    """The OA's access and refresh tokens (secrets: never logged), one row per Official Account.

    The refresh token is single-use: kiosk_api.zalo.tokens replaces the pair in one transaction.
    """

    __tablename__ = "zalo_tokens"

    oa_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    access_expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"))
    refresh_error: Mapped[str | None] = mapped_column(String(200))
    refresh_failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ZaloInbound(Base):
    """Webhook events already accepted (keyed hash of Zalo's msg_id): Zalo re-delivers, each is answered once."""

    __tablename__ = "zalo_inbound"

    event_key: Mapped[str] = mapped_column(HASH, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"), index=True)


class ZaloConversation(Base):
    """The buttons last offered to a Zalo sender (pseudonymous hash), so that a reply "2" picks the second."""

    __tablename__ = "zalo_conversations"

    sender_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    buttons: Mapped[list[Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"), index=True)


# ---- Reports: Biểu 5a agency-level indicators (migration 0002) -----------------------------------------------


class AgencyIndicator(Base):
    """The value of a Biểu 5a agency-level indicator (5, 8, 9 …) entered by staff for one report period.

    An entered value overrides the value computed from the registers for a report over exactly that period
    (same first and last day) of the unit it was entered for; entries are audit-logged (action
    "report.agency_indicator").
    """

    __tablename__ = "agency_indicators"
    __table_args__ = (
        UniqueConstraint("unit_code", "period_start", "period_end", "indicator"),
        CheckConstraint("period_end >= period_start", name="period"),
        CheckConstraint("indicator >= 1", name="indicator"),
        CheckConstraint("value >= 0", name="value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    indicator: Mapped[int] = mapped_column(SmallInteger)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime, info=stamp("insert"))
    unit_code: Mapped[str] = _unit()


# Covering indexes of the report aggregations (services.reports; migration 0002): Biểu 5a reads a range of
# ratings.created_at and looks up each ballot's dossier by id, Biểu 6a reads a range of dossiers.received_date,
# each index holding every column the query uses, so they run as index-only scans instead of visiting each row
# (measured by bench/reports_scale.py).
Index(
    "ix_ratings_report",
    Rating.created_at,
    Rating.dossier_id,
    Rating.satisfaction,
    Rating.i3,
    Rating.i4,
    Rating.i6,
    Rating.i7,
)
Index(
    "ix_dossiers_rating",
    Dossier.id,
    Dossier.appointment_date,
    Dossier.result_date,
    Dossier.returned_date,
    Dossier.field,
    Dossier.officer,
)
Index(
    "ix_dossiers_report",
    Dossier.received_date,
    Dossier.status,
    Dossier.channel,
    Dossier.appointment_date,
    Dossier.result_date,
    Dossier.returned_date,
    Dossier.field,
    Dossier.officer,
)
