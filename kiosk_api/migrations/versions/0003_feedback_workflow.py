"""Feedback and petitions workflow (issue 4): assignment, escalation from ballots.

Placeholder created so that parallel work has a fixed place in the revision chain; filled in by that work
(or removed when it needs no schema change).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
