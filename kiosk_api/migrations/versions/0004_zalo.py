"""Zalo Official Account (issue 6): OA tokens, accepted webhook events, the buttons last offered per sender.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
HASH = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "zalo_tokens",
        sa.Column("oa_id", sa.String(64), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("access_expires_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("refresh_error", sa.String(200), nullable=True),
        sa.Column("refresh_failed_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("oa_id", name="pk_zalo_tokens"),
    )
    op.create_table(
        "zalo_inbound",
        sa.Column("event_key", HASH, nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("event_key", name="pk_zalo_inbound"),
    )
    op.create_index("ix_zalo_inbound_received_at", "zalo_inbound", ["received_at"])
    op.create_table(
        "zalo_conversations",
        sa.Column("sender_hash", HASH, nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("sender_hash", name="pk_zalo_conversations"),
    )
    op.create_index("ix_zalo_conversations_updated_at", "zalo_conversations", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_zalo_conversations_updated_at", table_name="zalo_conversations")
    op.drop_table("zalo_conversations")
    op.drop_index("ix_zalo_inbound_received_at", table_name="zalo_inbound")
    op.drop_table("zalo_inbound")
    op.drop_table("zalo_tokens")
