"""Ratings and reports (issue 4): QR tokens, agency-level indicators, report settings.

Placeholder created so that parallel work has a fixed place in the revision chain; filled in by that work
(or removed when it needs no schema change).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
