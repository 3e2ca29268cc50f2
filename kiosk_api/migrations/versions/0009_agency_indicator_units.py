"""Agency indicators entered by staff belong to a unit: a commune officer's value for indicator 5, 8 or 9 applies
to their commune's Biểu 5a only (`agency_indicators.unit_code`, not null, a foreign key to `units`; one value per
unit, period and indicator). The values entered before units belong to the default unit "00000".

The downgrade keeps the default unit's values (the table then holds one value per period and indicator again) and
deletes the other units' values.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Frozen copies at this revision.
DEFAULT_UNIT = "00000"
TABLE = "agency_indicators"
OLD_UNIQUE = "uq_agency_indicators_period_start"
NEW_UNIQUE = "uq_agency_indicators_unit_code"
COLUMNS = ["period_start", "period_end", "indicator"]


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("unit_code", sa.String(16), nullable=False, server_default=DEFAULT_UNIT))
        batch.create_foreign_key(f"fk_{TABLE}_unit_code_units", "units", ["unit_code"], ["code"])
        batch.create_index(f"ix_{TABLE}_unit_code", ["unit_code"])
        batch.drop_constraint(OLD_UNIQUE, type_="unique")
        batch.create_unique_constraint(NEW_UNIQUE, ["unit_code", *COLUMNS])
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("unit_code", existing_type=sa.String(16), existing_nullable=False, server_default=None)


def downgrade() -> None:
    op.execute(sa.text(f"DELETE FROM {TABLE} WHERE unit_code <> :unit").bindparams(unit=DEFAULT_UNIT))
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(NEW_UNIQUE, type_="unique")
        batch.create_unique_constraint(OLD_UNIQUE, COLUMNS)
        batch.drop_index(f"ix_{TABLE}_unit_code")
        batch.drop_constraint(f"fk_{TABLE}_unit_code_units", type_="foreignkey")
        batch.drop_column("unit_code")
