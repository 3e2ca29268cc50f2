"""Finding L7: one huge WebSocket frame is refused before any recognition, and no more than
KIOSK_SPEECH_MAX_SECONDS of audio is ever recognised."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

pytestmark = pytest.mark.db


def test_a_ten_megabyte_frame_is_refused(app):
    with TestClient(app) as c, c.websocket_connect("/api/speech/stream?rate=16000") as ws:
        ready = ws.receive_json()
        if ready["type"] == "error":  # no speech engine on this machine: nothing to abuse
            pytest.fail(f"speech engine unavailable: {ready}")
        ws.send_bytes(b"\x00\x01" * (5 * 1024 * 1024))
        answer = ws.receive_json()
        assert answer["type"] == "error" and answer["error"] == "too_large"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1009
