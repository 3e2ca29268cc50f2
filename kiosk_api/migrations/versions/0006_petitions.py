"""Petitions (phản ánh, kiến nghị) get their own name: the table `feedback` becomes `petitions`, and every
constraint and index named after it follows (kiosk_api.db.NAMING_CONVENTION), so that no name in the schema says
"feedback" any more. The rows, their ids and the links to dossiers and ballots are kept as they are.

- PostgreSQL renames in place: the table, its constraints (the primary key's and the unique constraint's
  indexes follow them), its indexes and the id sequence.
- SQLite cannot rename a constraint: the table is renamed, then copied in batch mode into a table whose
  constraints carry the new names (the definition below, frozen at this revision: 0001, 0003 and 0005's
  columns and value lists).

The check constraints are named as they stand in every database, as on every other table: the naming convention
put its prefix before the names 0001 and 0003 gave them (`ck_feedback_kind` became `ck_feedback_ck_feedback_kind`).
They keep that shape under the new name, and a downgrade restores the old names exactly, so that 0003's downgrade
still finds its constraint.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD, NEW = "feedback", "petitions"
TS = sa.DateTime(timezone=True)

# Frozen copies of the value lists at this revision.
KINDS = ["phan_anh", "kien_nghi"]
STATUSES = ["moi", "dang_xu_ly", "da_tra_loi", "da_dong"]
CHANNELS = ["chat", "kiosk", "zalo", "qr", "web"]

INDEXED = ("dossier_id", "status", "received_at", "deadline")
CHECKS = ("kind", "status", "channel")


def _in(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _constraints(table: str) -> list[str]:
    """The names of the table's constraints (indexes apart), as the earlier revisions left them."""
    return [
        f"pk_{table}",
        f"fk_{table}_dossier_id_dossiers",
        f"fk_{table}_rating_id_ratings",
        f"uq_{table}_rating_id",
        *(f"ck_{table}_ck_{table}_{check}" for check in CHECKS),
    ]


def _definition(table: str) -> sa.Table:
    """The table as it stands at this revision, its constraints and indexes named after `table`."""
    return sa.Table(
        table,
        sa.MetaData(),
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
        sa.Column("channel", sa.String(16), nullable=True),
        sa.Column("rating_id", sa.Integer(), nullable=True),
        sa.Column("spam", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=f"fk_{table}_dossier_id_dossiers", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["rating_id"], ["ratings.id"], name=f"fk_{table}_rating_id_ratings", ondelete="SET NULL"
        ),
        sa.UniqueConstraint("rating_id", name=f"uq_{table}_rating_id"),
        sa.CheckConstraint(_in("kind", KINDS), name=f"ck_{table}_ck_{table}_kind"),
        sa.CheckConstraint(_in("status", STATUSES), name=f"ck_{table}_ck_{table}_status"),
        sa.CheckConstraint("channel IS NULL OR " + _in("channel", CHANNELS), name=f"ck_{table}_ck_{table}_channel"),
        *(sa.Index(f"ix_{table}_{column}", column) for column in INDEXED),
    )


def _rename(old: str, new: str) -> None:
    op.rename_table(old, new)
    if op.get_bind().dialect.name == "sqlite":
        # The copy drops the renamed table, and with it the indexes that still carry the old name.
        with op.batch_alter_table(new, recreate="always", copy_from=_definition(new)):
            pass
        return
    for old_name, new_name in zip(_constraints(old), _constraints(new), strict=True):
        op.execute(f"ALTER TABLE {new} RENAME CONSTRAINT {old_name} TO {new_name}")
    for column in INDEXED:
        op.execute(f"ALTER INDEX ix_{old}_{column} RENAME TO ix_{new}_{column}")
    op.execute(f"ALTER SEQUENCE IF EXISTS {old}_id_seq RENAME TO {new}_id_seq")


def upgrade() -> None:
    _rename(OLD, NEW)


def downgrade() -> None:
    _rename(NEW, OLD)
