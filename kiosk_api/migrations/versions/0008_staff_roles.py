"""Staff roles that keep units apart: "staff" becomes "officer" (a commune officer: their own unit only), and
"province" is added (reads every unit of the province). "admin" stays (manages staff and units).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Frozen copies at this revision. The check keeps the shape 0001 gave it (the naming convention's prefix twice).
NAME = "ck_staff_users_ck_staff_users_role"
BEFORE = ["staff", "admin"]
AFTER = ["officer", "province", "admin"]


def _check(roles: list[str]) -> str:
    return f"role IN ({', '.join(repr(r) for r in roles)})"


def _swap(roles: list[str], old: str, new: str) -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_constraint(op.f(NAME), type_="check")
    op.execute(sa.text("UPDATE staff_users SET role = :new WHERE role = :old").bindparams(old=old, new=new))
    with op.batch_alter_table("staff_users") as batch:
        batch.create_check_constraint(op.f(NAME), _check(roles))


def upgrade() -> None:
    _swap(AFTER, "staff", "officer")


def downgrade() -> None:
    op.execute(sa.text("UPDATE staff_users SET role = 'staff' WHERE role = 'province'"))
    _swap(BEFORE, "officer", "staff")
