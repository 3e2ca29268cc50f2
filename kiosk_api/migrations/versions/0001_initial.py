"""Initial schema: procedures, dossiers and history, ratings, feedback, hand-offs, chat events, staff,
audit log and lookup attempts.

Written by hand to run unchanged on SQLite and PostgreSQL: portable types only (String, Text, Integer,
SmallInteger, Boolean, Float, Date, DateTime(timezone=True), JSON), every constraint and index named
explicitly (the names follow kiosk_api.db.NAMING_CONVENTION, so batch mode can find them on SQLite).

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
HASH = sa.String(64)


def _in(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# Frozen copies of the value lists at this revision (later revisions change them explicitly).
DOSSIER_STATUSES = [
    "moi_tiep_nhan",
    "dang_xu_ly",
    "cho_bo_sung",
    "co_ket_qua",
    "da_tra_ket_qua",
    "tu_choi",
    "da_rut",
]
DOSSIER_CHANNELS = ["truc_tiep", "truc_tuyen", "buu_chinh"]
RATING_CHANNELS = ["qr", "kiosk", "chat", "zalo"]
SATISFACTION_LEVELS = ["rat_hai_long", "hai_long", "binh_thuong", "khong_hai_long"]
FEEDBACK_KINDS = ["phan_anh", "kien_nghi"]
FEEDBACK_STATUSES = ["moi", "dang_xu_ly", "da_tra_loi", "da_dong"]
HANDOFF_STATUSES = ["cho", "dang_ho_tro", "xong"]
STAFF_ROLES = ["staff", "admin"]


def upgrade() -> None:
    op.create_table(
        "procedures",
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("field", sa.String(200), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("synced_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_procedures"),
    )
    op.create_index("ix_procedures_field", "procedures", ["field"])

    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("procedure_code", sa.String(32), nullable=False),
        sa.Column("field", sa.String(200), nullable=True),
        sa.Column("applicant_name", sa.String(200), nullable=False),
        sa.Column("phone_hash", HASH, nullable=False),
        sa.Column("phone_last4_hash", HASH, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("received_date", sa.Date(), nullable=False),
        sa.Column("appointment_date", sa.Date(), nullable=False),
        sa.Column("result_date", sa.Date(), nullable=True),
        sa.Column("returned_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("officer", sa.String(100), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dossiers"),
        sa.UniqueConstraint("code", name="uq_dossiers_code"),
        sa.CheckConstraint(_in("status", DOSSIER_STATUSES), name="ck_dossiers_status"),
        sa.CheckConstraint(_in("channel", DOSSIER_CHANNELS), name="ck_dossiers_channel"),
    )
    op.create_index("ix_dossiers_procedure_code", "dossiers", ["procedure_code"])
    op.create_index("ix_dossiers_field", "dossiers", ["field"])
    op.create_index("ix_dossiers_received_date", "dossiers", ["received_date"])
    op.create_index("ix_dossiers_appointment_date", "dossiers", ["appointment_date"])
    op.create_index("ix_dossiers_status", "dossiers", ["status"])

    op.create_table(
        "dossier_status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("changed_at", TS, nullable=False),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dossier_status_history"),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name="fk_dossier_status_history_dossier_id_dossiers",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_dossier_status_history_dossier_id", "dossier_status_history", ["dossier_id"])

    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("counter_id", sa.String(50), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(100), nullable=False),
        sa.Column("i3", sa.SmallInteger(), nullable=True),
        sa.Column("i4", sa.SmallInteger(), nullable=True),
        sa.Column("i6", sa.SmallInteger(), nullable=True),
        sa.Column("i7", sa.SmallInteger(), nullable=True),
        sa.Column("satisfaction", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ratings"),
        sa.UniqueConstraint("dossier_id", name="uq_ratings_dossier_id"),
        sa.UniqueConstraint("idempotency_key", name="uq_ratings_idempotency_key"),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name="fk_ratings_dossier_id_dossiers", ondelete="SET NULL"
        ),
        sa.CheckConstraint(_in("channel", RATING_CHANNELS), name="ck_ratings_channel"),
        sa.CheckConstraint(_in("satisfaction", SATISFACTION_LEVELS), name="ck_ratings_satisfaction"),
        *(
            sa.CheckConstraint(f"{col} IS NULL OR ({col} >= 0 AND {col} <= 2)", name=f"ck_ratings_{col}_range")
            for col in ("i3", "i4", "i6", "i7")
        ),
    )
    op.create_index("ix_ratings_created_at", "ratings", ["created_at"])

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(200), nullable=True),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assigned_to", sa.String(100), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("answered_at", TS, nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name="fk_feedback_dossier_id_dossiers", ondelete="SET NULL"
        ),
        sa.CheckConstraint(_in("kind", FEEDBACK_KINDS), name="ck_feedback_kind"),
        sa.CheckConstraint(_in("status", FEEDBACK_STATUSES), name="ck_feedback_status"),
    )
    op.create_index("ix_feedback_dossier_id", "feedback", ["dossier_id"])
    op.create_index("ix_feedback_status", "feedback", ["status"])
    op.create_index("ix_feedback_received_at", "feedback", ["received_at"])

    op.create_table(
        "handoff_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("sender_hash", HASH, nullable=True),
        sa.Column("topic", sa.String(200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("handled_by", sa.String(100), nullable=True),
        sa.Column("handled_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_requests"),
        sa.CheckConstraint(_in("status", HANDOFF_STATUSES), name="ck_handoff_requests_status"),
    )
    op.create_index("ix_handoff_requests_status", "handoff_requests", ["status"])

    op.create_table(
        "chat_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_hash", HASH, nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("intent", sa.String(50), nullable=True),
        sa.Column("procedure_code", sa.String(32), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("text_redacted", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chat_events"),
    )
    op.create_index("ix_chat_events_created_at", "chat_events", ["created_at"])

    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_users"),
        sa.UniqueConstraint("username", name="uq_staff_users_username"),
        sa.CheckConstraint(_in("role", STAFF_ROLES), name="ck_staff_users_role"),
    )

    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", HASH, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_staff_sessions"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_users.id"], name="fk_staff_sessions_user_id_staff_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_staff_sessions_user_id", "staff_sessions", ["user_id"])
    op.create_index("ix_staff_sessions_expires_at", "staff_sessions", ["expires_at"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(200), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])

    op.create_table(
        "lookup_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_key_hash", HASH, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lookup_attempts"),
    )
    op.create_index("ix_lookup_attempts_client_at", "lookup_attempts", ["client_key_hash", "at"])
    op.create_index("ix_lookup_attempts_at", "lookup_attempts", ["at"])


def downgrade() -> None:
    for table in (
        "lookup_attempts",
        "audit_log",
        "staff_sessions",
        "staff_users",
        "chat_events",
        "handoff_requests",
        "feedback",
        "ratings",
        "dossier_status_history",
        "dossiers",
        "procedures",
    ):
        op.drop_table(table)
