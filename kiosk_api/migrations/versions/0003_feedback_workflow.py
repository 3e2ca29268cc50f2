"""Feedback and petitions workflow (issue 4): submission channel, link to the ballot a comment came from,
and an index on the answer deadline (staff lists sorted by deadline, indicator 8 of Biểu 5a by due date).

`channel` is nullable: rows written before this revision did not record it. `rating_id` is unique, so a
ballot's comment is escalated at most once (a retried escalation finds the existing feedback).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen copy of the value list at this revision.
FEEDBACK_CHANNELS = ["chat", "kiosk", "zalo", "qr", "web"]


def upgrade() -> None:
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("channel", sa.String(16), nullable=True))
        batch.add_column(sa.Column("rating_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_feedback_rating_id_ratings", "ratings", ["rating_id"], ["id"], ondelete="SET NULL")
        batch.create_unique_constraint("uq_feedback_rating_id", ["rating_id"])
        batch.create_check_constraint(
            "ck_feedback_channel",
            "channel IS NULL OR channel IN (" + ", ".join(repr(c) for c in FEEDBACK_CHANNELS) + ")",
        )
    op.create_index("ix_feedback_deadline", "feedback", ["deadline"])


def downgrade() -> None:
    op.drop_index("ix_feedback_deadline", table_name="feedback")
    with op.batch_alter_table("feedback") as batch:
        batch.drop_constraint("ck_feedback_channel", type_="check")
        batch.drop_constraint("uq_feedback_rating_id", type_="unique")
        batch.drop_constraint("fk_feedback_rating_id_ratings", type_="foreignkey")
        batch.drop_column("rating_id")
        batch.drop_column("channel")
