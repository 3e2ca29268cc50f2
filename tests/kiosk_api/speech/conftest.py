"""Fixtures shared by the speech tests that drive a real browser."""

from __future__ import annotations

import pytest

from kiosk_api.app import create_app
from kiosk_api.settings import Settings
from tests.support.browser import LiveServer


@pytest.fixture(scope="module")
def server_url(tmp_path_factory, catalogue):
    """The app served on a real port, with the real recognisers (no Vosk model: viet-asr) and its own database."""
    tmp = tmp_path_factory.mktemp("speech-server")
    settings = Settings(
        var_dir=tmp, database_url=f"sqlite:///{tmp}/k.sqlite3", vosk_model_dir=tmp / "none", asr_engine=None
    )
    server = LiveServer(create_app(settings, catalogue)).start()
    yield server.url
    server.stop()
