"""Requests for an officer: created by citizens (one open request per sender), listed, taken and closed by
authenticated staff; concurrent takes on the real database."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from kiosk_api.clock import FixedClock
from kiosk_api.db import make_engine, make_sessionmaker
from kiosk_api.domain.units import EVERY_UNIT
from kiosk_api.models import AuditLog, HandoffRequest, StaffUser
from kiosk_api.security import sender_hash
from kiosk_api.services import handoffs as handoff_service
from kiosk_api.services import staff as staff_service
from tests.support.constants import NOW


def request_officer(client, sender="kiosk-3", channel="kiosk", topic=None):
    response = client.post("/api/handoffs", json={"channel": channel, "sender": sender, "topic": topic})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def second_staff(client, session):
    staff_service.create_user(session, "minh", "mat-khau-thu-hai", full_name="Trần Văn Minh")
    token = client.post("/api/staff/login", json={"username": "minh", "password": "mat-khau-thu-hai"}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_citizen_request(client, session, secret):
    body = request_officer(client, topic="Hỏi về khai sinh, gọi tôi 0912345678")
    assert f"số {body['id']}" in body["text"] and "kiosk" in body["text"] and "UBND xã Thử Nghiệm" in body["text"]
    row = session.get(HandoffRequest, body["id"])
    assert row.status == "cho" and row.channel == "kiosk"
    assert row.sender_hash == sender_hash(secret, "kiosk", "kiosk-3")
    assert row.topic == "Hỏi về khai sinh, gọi tôi [phone]"  # personal data redacted


def test_channel_wording(client):
    assert "qua Zalo" in request_officer(client, sender="z1", channel="zalo")["text"]
    assert "cửa sổ trò chuyện" in request_officer(client, sender="c1", channel="chat")["text"]


def test_repeated_request_returns_the_open_one(client, auth_headers):
    first = request_officer(client)
    again = request_officer(client)
    assert again["id"] == first["id"] and "đã được ghi nhận trước đó" in again["text"]
    other = request_officer(client, sender="kiosk-4")
    assert other["id"] != first["id"]
    # once closed, a new request gets a new number
    assert (
        client.patch(f"/api/staff/handoffs/{first['id']}", json={"status": "xong"}, headers=auth_headers).status_code
        == 200
    )
    assert request_officer(client)["id"] not in (first["id"], other["id"])


def test_staff_endpoints_need_a_token(client):
    assert client.get("/api/staff/handoffs").status_code == 401
    response = client.patch("/api/staff/handoffs/1", json={"status": "xong"})
    assert response.status_code == 401 and response.json()["error"] == "unauthorized"


def test_staff_take_and_close(client, auth_headers, second_staff, session):
    a = request_officer(client, sender="a")["id"]
    b = request_officer(client, sender="b", channel="zalo")["id"]
    listed = client.get("/api/staff/handoffs", headers=auth_headers).json()
    assert [h["id"] for h in listed] == [a, b]
    assert listed[0]["status"] == "cho" and listed[0]["status_label"] == "Đang chờ"
    assert "sender" not in listed[0] and "sender_hash" not in listed[0]

    taken = client.patch(f"/api/staff/handoffs/{a}", json={"status": "dang_ho_tro"}, headers=auth_headers)
    assert taken.status_code == 200
    assert taken.json()["status"] == "dang_ho_tro" and taken.json()["handled_by"] == "lan"
    assert taken.json()["handled_at"] is not None
    # taking it again is harmless for the same officer …
    assert (
        client.patch(f"/api/staff/handoffs/{a}", json={"status": "dang_ho_tro"}, headers=auth_headers).status_code
        == 200
    )
    # … but another officer is told someone is on it
    clash = client.patch(f"/api/staff/handoffs/{a}", json={"status": "dang_ho_tro"}, headers=second_staff)
    assert clash.status_code == 409 and "lan" in clash.json()["detail"]

    closed = client.patch(f"/api/staff/handoffs/{a}", json={"status": "xong"}, headers=auth_headers)
    assert closed.json()["status"] == "xong"
    assert [h["id"] for h in client.get("/api/staff/handoffs", headers=auth_headers).json()] == [b]
    done = client.get("/api/staff/handoffs", params={"status": "xong"}, headers=auth_headers).json()
    assert [h["id"] for h in done] == [a]
    reopen = client.patch(f"/api/staff/handoffs/{a}", json={"status": "cho"}, headers=auth_headers)
    assert reopen.status_code == 409

    actions = session.scalars(select(AuditLog.details).where(AuditLog.action == "handoff.status")).all()
    assert actions == [{"from": "cho", "to": "dang_ho_tro"}, {"from": "dang_ho_tro", "to": "xong"}]


def test_release_back_to_the_queue(client, auth_headers):
    a = request_officer(client, sender="r")["id"]
    client.patch(f"/api/staff/handoffs/{a}", json={"status": "dang_ho_tro"}, headers=auth_headers)
    released = client.patch(f"/api/staff/handoffs/{a}", json={"status": "cho"}, headers=auth_headers).json()
    assert released["status"] == "cho" and released["handled_by"] is None


def test_errors(client, auth_headers):
    assert client.patch("/api/staff/handoffs/999", json={"status": "xong"}, headers=auth_headers).status_code == 404
    a = request_officer(client, sender="e")["id"]
    bad = client.patch(f"/api/staff/handoffs/{a}", json={"status": "mo"}, headers=auth_headers)
    assert bad.status_code == 422
    for body in (
        {"channel": "fax", "sender": "s"},
        {"channel": "kiosk", "sender": ""},
        {"channel": "kiosk", "sender": "x" * 129},
        {"channel": "kiosk", "sender": "s", "topic": "t" * 201},
    ):
        response = client.post("/api/handoffs", json=body)
        assert response.status_code == 422 and response.json()["error"] == "validation_error"


def test_concurrent_takes_one_wins(migrated_url, session, client):
    request_id = request_officer(client, sender="race")["id"]
    officers = [
        staff_service.create_user(session, f"can-bo-{i}", "mat-khau-an-toan", full_name=f"Cán bộ {i}") for i in range(5)
    ]
    engine = make_engine(migrated_url)
    make_session = make_sessionmaker(engine, FixedClock(NOW))
    barrier = threading.Barrier(len(officers))
    outcomes: list[object] = [None] * len(officers)

    def take(i):
        with make_session() as s:
            user = s.get(StaffUser, officers[i].id)
            barrier.wait()
            try:
                outcomes[i] = handoff_service.change_status(
                    s, request_id, "dang_ho_tro", user=user, scope=EVERY_UNIT
                ).handled_by
            except handoff_service.HandoffConflict as exc:
                outcomes[i] = exc

    threads = [threading.Thread(target=take, args=(i,)) for i in range(len(officers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    winners = [o for o in outcomes if isinstance(o, str)]
    assert len(winners) == 1, outcomes
    assert all(isinstance(o, handoff_service.HandoffConflict) for o in outcomes if o not in winners)
    session.expire_all()
    row = session.get(HandoffRequest, request_id)
    assert row.status == "dang_ho_tro" and row.handled_by == winners[0]
