"""Findings L2 and L3: rating tokens never reach the access log; the phone's last digits, typed names and house
numbers never reach chat_events."""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import select

from kiosk_api.models import ChatEvent
from kiosk_api.ratings import service as rating_service
from tests.security.conftest import RETURNED

pytestmark = pytest.mark.db


def test_rating_tokens_are_not_logged(imported, session, secret, from_address, caplog):
    from kiosk_api.models import Dossier
    from tests.support.constants import TODAY

    dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == RETURNED))
    token = rating_service.token_for(secret, dossier_id, today=TODAY, valid_days=90)
    phone = from_address("127.0.0.80")
    with caplog.at_level(logging.INFO, logger="kiosk_api.access"):
        assert phone.get(f"/r/{token}").status_code == 200
        assert phone.get(f"/api/ratings/qr/{token}.svg").status_code == 200
        deadline = time.monotonic() + 5  # the server logs a request just after answering it
        while len(caplog.records) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET /r/… 200" in logged and "GET /api/ratings/qr/….svg 200" in logged
    assert token not in logged and token.split(".")[0] not in logged


@pytest.mark.parametrize(
    ("message", "secret_parts"),
    [
        ("tra cứu hồ sơ 000.00.06.H56-261201-9036 4 số cuối 0036", ["0036", "9036"]),
        ("0036", ["0036"]),
        ("tôi tên là Nguyễn Thị Bình, nhà số 12 ngõ 34 xin hỏi làm khai sinh", ["Bình", "Nguyễn", " 12 ", "34"]),
        ("số điện thoại đuôi 4567 nhé", ["4567"]),
    ],
)
def test_chat_events_keep_no_digits_names_or_house_numbers(client, session, message, secret_parts):
    assert client.post("/api/chat", json={"message": message}).status_code == 200
    session.expire_all()
    stored = session.scalars(select(ChatEvent.text_redacted)).all()
    assert len(stored) == 1
    for part in secret_parts:
        assert part not in stored[0], stored[0]
