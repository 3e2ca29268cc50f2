"""Finding M4: petitions (phản ánh, kiến nghị) and requests for an officer are rate-limited per client, and staff
can mark junk and purge it so that it never reaches the dashboard or indicator 8."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from kiosk_api.domain.units import EVERY_UNIT
from kiosk_api.models import HandoffRequest, Petition
from kiosk_api.petitions import service as petition_service

pytestmark = pytest.mark.db


def petition(i: int) -> dict:
    return {"kind": "phan_anh", "content": f"Nội dung phản ánh số {i} về thái độ phục vụ tại quầy.", "channel": "web"}


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def test_petitions_are_rate_limited_per_client(from_address, session):
    phone = from_address("127.0.0.70")
    statuses = [phone.post("/api/petitions", json=petition(i)).status_code for i in range(7)]
    assert statuses == [200] * 5 + [429, 429]  # KIOSK_PETITIONS_PER_HOUR = 5
    refused = phone.post("/api/petitions", json=petition(9)).json()
    assert refused["error"] == "too_many_petitions" and "quầy tiếp nhận hồ sơ" in refused["detail"]
    assert from_address("127.0.0.71").post("/api/petitions", json=petition(10)).status_code == 200
    assert count(session, Petition) == 6


def test_officer_requests_are_rate_limited_per_client(from_address, session):
    phone = from_address("127.0.0.72")
    statuses = [
        phone.post("/api/handoffs", json={"channel": "chat", "sender": f"s-{i}", "topic": "Cần hỗ trợ"}).status_code
        for i in range(12)
    ]
    assert statuses == [200] * 10 + [429, 429]  # KIOSK_HANDOFFS_PER_HOUR = 10; new senders each time
    assert count(session, HandoffRequest) == 10


def test_staff_mark_spam_and_purge(client, auth_headers, session):
    ids = [client.post("/api/petitions", json=petition(i)).json()["id"] for i in range(3)]
    assert client.post(f"/api/staff/petitions/{ids[0]}/spam", headers=auth_headers).status_code == 200
    listed = client.get("/api/staff/petitions", headers=auth_headers).json()
    assert listed["total"] == 2 and ids[0] not in [item["id"] for item in listed["items"]]
    timeliness = petition_service.timeliness(
        session, date(2026, 1, 1), date(2026, 12, 31), today=date(2026, 12, 31), scope=EVERY_UNIT
    )
    assert timeliness.due == 2  # the junk is not counted in indicator 8
    handoff = client.post("/api/handoffs", json={"channel": "kiosk", "sender": "x", "topic": "quảng cáo"}).json()
    assert client.post(f"/api/staff/handoffs/{handoff['id']}/spam", headers=auth_headers).status_code == 200
    assert client.get("/api/staff/handoffs", headers=auth_headers).json() == []
    assert "Đã xóa 1" in client.delete("/api/staff/petitions/spam", headers=auth_headers).json()["detail"]
    assert "Đã xóa 1" in client.delete("/api/staff/handoffs/spam", headers=auth_headers).json()["detail"]
    assert count(session, Petition) == 2 and count(session, HandoffRequest) == 0
