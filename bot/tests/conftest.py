"""Unit tests of the custom actions, in the bot's own environment (`.venv-bot/bin/python -m pytest bot/tests`):
a fake kiosk client stands in for kiosk_api, a plain rasa_sdk Tracker for Rasa; no model, no server."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `actions` is imported as Rasa's action server does

from fakes import FakeKiosk  # noqa: E402

from actions import kiosk_client  # noqa: E402


@pytest.fixture
def fake_kiosk(monkeypatch: pytest.MonkeyPatch):
    def install(**replies: Any) -> FakeKiosk:
        fake = FakeKiosk(**replies)
        monkeypatch.setattr(kiosk_client, "client", fake)
        return fake

    return install


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()
