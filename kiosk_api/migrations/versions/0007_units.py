"""Units: the communes a deployment serves (table `units`), and the unit each dossier, ballot, petition, officer
request, chat event and staff account belongs to (`unit_code`, not null, indexed, a foreign key to `units`).

The data from before units belongs to the default unit "00000", created here; `kiosk units add CODE
--adopt-default` later gives it to the commune's real code. The default is only used to fill the existing rows:
afterwards the column has no server default, so a row never lands in a unit by accident.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Frozen copies at this revision.
DEFAULT_UNIT = "00000"
DEFAULT_NAME = "Đơn vị mặc định (dữ liệu trước khi có đơn vị)"
KINDS = ["xa", "phuong", "dac_khu"]
OWNED = ("dossiers", "ratings", "petitions", "handoff_requests", "chat_events", "staff_users")


def upgrade() -> None:
    units = op.create_table(
        "units",
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("province", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("dossier_prefix", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_units"),
        sa.UniqueConstraint("dossier_prefix", name="uq_units_dossier_prefix"),
        sa.CheckConstraint(f"kind IN ({', '.join(repr(k) for k in KINDS)})", name="ck_units_kind"),
    )
    # The revision's date, not the machine's clock (no code reads it for the database).
    created = datetime(2026, 12, 7, tzinfo=UTC)
    if op.get_bind().dialect.name == "sqlite":
        created = created.replace(tzinfo=None)  # stored as naive UTC there (kiosk_api.db.UtcDateTime)
    op.bulk_insert(
        units,
        [{"code": DEFAULT_UNIT, "name": DEFAULT_NAME, "province": "", "kind": "xa", "created_at": created}],
    )
    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("unit_code", sa.String(16), nullable=False, server_default=DEFAULT_UNIT))
            batch.create_foreign_key(f"fk_{table}_unit_code_units", "units", ["unit_code"], ["code"])
            batch.create_index(f"ix_{table}_unit_code", ["unit_code"])
        with op.batch_alter_table(table) as batch:
            batch.alter_column("unit_code", existing_type=sa.String(16), existing_nullable=False, server_default=None)


def downgrade() -> None:
    for table in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_unit_code")
            batch.drop_constraint(f"fk_{table}_unit_code_units", type_="foreignkey")
            batch.drop_column("unit_code")
    op.drop_table("units")
