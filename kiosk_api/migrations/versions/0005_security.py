"""Security (issue 11): dossier-code locks visible to staff, spam marks on petitions and officer requests.

- lookup_attempts.dossier_id: the dossier a failed second factor was typed for (per-code locks, shown to staff).
- feedback.spam, handoff_requests.spam: staff mark junk; marked items leave the lists and reports and can be purged.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lookup_attempts") as batch:
        batch.add_column(sa.Column("dossier_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_lookup_attempts_dossier_id_dossiers", "dossiers", ["dossier_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_lookup_attempts_dossier_id", ["dossier_id"])
    for table in ("feedback", "handoff_requests"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("spam", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    for table in ("handoff_requests", "feedback"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("spam")
    with op.batch_alter_table("lookup_attempts") as batch:
        batch.drop_index("ix_lookup_attempts_dossier_id")
        batch.drop_constraint("fk_lookup_attempts_dossier_id_dossiers", type_="foreignkey")
        batch.drop_column("dossier_id")
