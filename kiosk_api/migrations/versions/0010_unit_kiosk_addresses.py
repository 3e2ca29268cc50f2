"""The addresses of each unit's touch kiosks (`units.kiosk_addresses`), so that one deployment serves the kiosks of
many communes: what a citizen leaves at a kiosk belongs to the unit whose addresses hold the kiosk's.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("kiosk_addresses", sa.String(500), nullable=True))


def downgrade() -> None:
    # Not a batch "move and copy" on SQLite: other tables' rows point at units, so it must not be dropped and
    # rebuilt. ALTER TABLE … DROP COLUMN works in place (SQLite 3.35 and later, PostgreSQL).
    op.execute("ALTER TABLE units DROP COLUMN kiosk_addresses")
