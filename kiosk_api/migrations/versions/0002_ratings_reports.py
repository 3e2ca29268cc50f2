"""Ratings and reports (issue 4): agency-level indicators of Biểu 5a, and the indexes the reports aggregate on.

- agency_indicators: values of the agency-level indicators (5, 8, 9 …) entered by staff per report period.
- Reports (kiosk_api.services.reports) aggregate in SQL: Biểu 5a reads the ballots of a period (a range of
  ratings.created_at) joined to their dossiers; Biểu 6a reads the dossiers received up to the period's end. Three
  covering indexes (ix_ratings_report, ix_dossiers_rating keyed by id for the ballot → dossier lookup,
  ix_dossiers_report) hold every column those queries use, so they run as index-only scans.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
RATINGS_REPORT_COLUMNS = ("created_at", "dossier_id", "satisfaction", "i3", "i4", "i6", "i7")
DOSSIERS_RATING_COLUMNS = ("id", "appointment_date", "result_date", "returned_date", "field", "officer")
DOSSIERS_REPORT_COLUMNS = (
    "received_date",
    "status",
    "channel",
    "appointment_date",
    "result_date",
    "returned_date",
    "field",
    "officer",
)


def upgrade() -> None:
    # ---- reports (helper A) ----
    op.create_table(
        "agency_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("indicator", sa.SmallInteger(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("entered_by", sa.String(100), nullable=False),
        sa.Column("entered_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agency_indicators"),
        sa.UniqueConstraint("period_start", "period_end", "indicator", name="uq_agency_indicators_period_start"),
        sa.CheckConstraint("period_end >= period_start", name="ck_agency_indicators_period"),
        sa.CheckConstraint("indicator >= 1", name="ck_agency_indicators_indicator"),
        sa.CheckConstraint("value >= 0", name="ck_agency_indicators_value"),
    )
    # Covering indexes: the report queries become index-only range scans (see bench/reports_scale.py).
    op.create_index("ix_ratings_report", "ratings", list(RATINGS_REPORT_COLUMNS))
    op.create_index("ix_dossiers_rating", "dossiers", list(DOSSIERS_RATING_COLUMNS))
    op.create_index("ix_dossiers_report", "dossiers", list(DOSSIERS_REPORT_COLUMNS))


def downgrade() -> None:
    # ---- reports (helper A) ----
    op.drop_index("ix_dossiers_report", table_name="dossiers")
    op.drop_index("ix_dossiers_rating", table_name="dossiers")
    op.drop_index("ix_ratings_report", table_name="ratings")
    op.drop_table("agency_indicators")
