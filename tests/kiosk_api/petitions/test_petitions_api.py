"""Phản ánh, kiến nghị: stored with a deadline in working days; the audit entry holds no personal data."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kiosk_api.app import create_app
from kiosk_api.clock import FixedClock
from kiosk_api.models import AuditLog, Petition
from kiosk_api.petitions.service import deadline
from tests.support.constants import NOW, TODAY


def test_deadline_counts_working_days(calendar):
    assert TODAY.weekday() == 4  # a Friday
    # 24/11/2026 (Ngày Văn hóa Việt Nam) is a day off: ten working days end on Monday 7/12, not Friday 4/12.
    assert deadline(TODAY, 10, calendar) == date(2026, 12, 7)
    assert deadline(TODAY, 1, calendar) == date(2026, 11, 23)  # the weekend is skipped
    # Received on a Saturday: deemed received on Monday 23/11; five working days after it (24/11 off) → 01/12.
    assert deadline(date(2026, 11, 21), 5, calendar) == date(2026, 12, 1)
    # Received just before Tết 2027 (mùng 1 is Saturday 6/2): the days off from 4/2 to 10/2 are not counted.
    assert deadline(date(2027, 2, 3), 10, calendar) == date(2027, 2, 24)


def test_submit_petition(client, session):
    body = {
        "kind": "phan_anh",
        "content": "  Cán bộ hẹn trả kết quả nhưng đến nơi chưa có.  ",
        "contact": "0912 345 678",
        "channel": "zalo",
    }
    response = client.post("/api/petitions", json=body)
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["deadline"] == "2026-12-07"  # 24/11 (Ngày Văn hóa Việt Nam) is a day off
    assert f"phản ánh số {out['id']}" in out["text"] and "07/12/2026" in out["text"]
    assert "10 ngày làm việc" in out["text"] and "UBND xã Thử Nghiệm" in out["text"]
    assert "0912" not in out["text"]

    row = session.get(Petition, out["id"])
    assert (row.kind, row.status, row.deadline) == ("phan_anh", "moi", date(2026, 12, 7))
    assert row.content == "Cán bộ hẹn trả kết quả nhưng đến nơi chưa có." and row.contact == "0912 345 678"
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "petition.create")).one()
    assert audit.target == str(row.id) and audit.details == {"kind": "phan_anh", "channel": "zalo"}
    assert "0912" not in str(audit.details) and audit.actor == "citizen:zalo"


def test_without_contact_the_citizen_keeps_the_number(client):
    out = client.post("/api/petitions", json={"kind": "kien_nghi", "content": "Nên mở cửa thứ Bảy", "channel": "kiosk"})
    text = out.json()["text"]
    assert "kiến nghị số" in text and "chưa để lại thông tin liên hệ" in text


def test_working_days_are_configurable(settings, catalogue):
    application = create_app(settings.model_copy(update={"petition_working_days": 5}), catalogue, clock=FixedClock(NOW))
    with TestClient(application) as c:
        out = c.post("/api/petitions", json={"kind": "phan_anh", "content": "Chậm", "channel": "chat"}).json()
    assert out["deadline"] == "2026-11-30" and "5 ngày làm việc" in out["text"]


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "khieu_nai", "content": "x", "channel": "chat"},
        {"kind": "phan_anh", "content": "   ", "channel": "chat"},
        {"kind": "phan_anh", "content": "x" * 5001, "channel": "chat"},
        {"kind": "phan_anh", "content": "x", "contact": "y" * 201, "channel": "chat"},
        {"kind": "phan_anh", "content": "x", "channel": "fax"},
        {"content": "x", "channel": "chat"},
    ],
)
def test_validation(client, session, body):
    response = client.post("/api/petitions", json=body)
    assert response.status_code == 422 and response.json()["error"] == "validation_error"
    assert session.scalars(select(Petition)).all() == []
