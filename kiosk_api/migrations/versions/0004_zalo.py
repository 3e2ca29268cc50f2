"""Zalo Official Account (issue 6): OA tokens, processed message ids.

Placeholder created so that parallel work has a fixed place in the revision chain; filled in by that work
(or removed when it needs no schema change).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
