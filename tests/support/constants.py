"""The tests' fixed values: their clock, secret and staff login, and where the fixture and evaluation files are."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from kiosk_api.clock import VN_TZ

ROOT = Path(__file__).resolve().parents[2]
"""The repository."""
TESTS = ROOT / "tests"
FIXTURES = TESTS / "fixtures"
EVAL_DIR = TESTS / "eval"
SHARED = ROOT.parent / "shared"
"""The shared folder beside the repository (domain notes, data, the public evaluation set)."""

TEST_SECRET = "test-secret-key-not-for-production"
TODAY = date(2026, 11, 20)  # a Friday; the fixture CSV files are written relative to it
NOW = datetime(2026, 11, 20, 9, 30, tzinfo=VN_TZ)  # the tests' "now": the app and the sessions read it
STAFF_USERNAME = "lan"
STAFF_PASSWORD = "mat-khau-an-toan"
