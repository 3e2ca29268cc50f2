"""Citizen dossier lookup: second factor, identical failures, privacy, throttling across clients."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kiosk_api.services.dossier_import import import_csv

OVERDUE = "000.00.06.H56-261105-0003"  # dang_xu_ly, due 10/11/2026, phone 0901234567
READY = "000.00.06.H56-261110-0002"  # co_ket_qua, phone +84987654321
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Cường", "Bình"]


@pytest.fixture
def imported(session, good_csv, secret, catalogue):
    report = import_csv(session, good_csv, secret=secret, catalogue=catalogue)
    assert report.created == 6


def lookup(client, code, digits=None, **extra):
    body = {"code": code, **extra}
    if digits is not None:
        body["phone_last4"] = digits
    return client.post("/api/dossiers/lookup", json=body)


def test_lookup_overdue_dossier(client, imported):
    response = lookup(client, OVERDUE, "4567")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["code"] == OVERDUE
    assert body["status"] == "dang_xu_ly" and body["status_label"] == "Đang xử lý"
    assert body["procedure_code"] == "1.001193" and body["procedure_name"] == "Đăng ký khai sinh"
    assert body["received_date"] == "2026-11-05" and body["appointment_date"] == "2026-11-10"
    assert body["result_date"] is None
    assert body["overdue"] is True and body["days_overdue"] == 10  # today is 20/11/2026
    steps = " ".join(body["next_steps"])
    assert "phiếu xin lỗi" in steps and "hẹn lại" in steps
    assert body["channel"] == "truc_tuyen" and body["channel_label"] == "Trực tuyến"


def test_lookup_result_ready_tells_what_to_bring(client, imported):
    body = lookup(client, READY, "4321").json()
    assert body["status"] == "co_ket_qua" and body["overdue"] is False and body["days_overdue"] == 0
    assert body["procedure_name"].startswith("Chứng thực bản sao")
    steps = " ".join(body["next_steps"])
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in steps and "UBND xã Thử Nghiệm" in steps


def test_lookup_never_returns_name_or_phone(client, imported):
    for code, digits in ((OVERDUE, "4567"), (READY, "4321")):
        response = lookup(client, code, digits)
        text = response.text
        assert response.status_code == 200
        assert not any(name in text for name in NAMES)
        for secret_part in ("0901234567", "901234567", "0987654321", "987654321", "applicant", "phone"):
            assert secret_part not in text


def test_lookup_accepts_surrounding_spaces(client, imported):
    assert lookup(client, f"  {OVERDUE} ", " 4567 ").status_code == 200


def test_failures_are_indistinguishable(app, imported):
    attempts = [
        (OVERDUE, "0000"),  # wrong digits
        (OVERDUE, None),  # missing digits
        (OVERDUE, ""),  # empty digits
        (OVERDUE, "45678"),  # malformed digits
        (OVERDUE, 1234),  # a wrong number instead of text
        ("000.00.06.H56-261105-9999", "4567"),  # unknown code
        (READY, "4567"),  # another dossier's digits
    ]
    responses = []
    for i, (code, digits) in enumerate(attempts):  # one client each, to stay under the throttle
        with TestClient(app, client=(f"10.1.0.{i}", 1234)) as c:
            responses.append(lookup(c, code, digits))
    first = responses[0]
    assert first.status_code == 404
    assert first.json()["error"] == "not_found"
    assert "Không tìm thấy hồ sơ" in first.json()["detail"]
    for response in responses[1:]:
        assert response.status_code == first.status_code
        assert response.content == first.content
        assert response.headers.get("content-type") == first.headers.get("content-type")


def test_throttling_after_max_failures(app, imported):
    with TestClient(app, client=("10.0.0.1", 1234)) as attacker:
        for _ in range(3):  # KIOSK_LOOKUP_MAX_FAILURES = 3 in the test settings
            assert lookup(attacker, OVERDUE, "0000").status_code == 404
        blocked = lookup(attacker, OVERDUE, "4567")  # even the right answer is refused now
        assert blocked.status_code == 429
        assert blocked.json()["error"] == "too_many_attempts"
        assert "thử lại sau" in blocked.json()["detail"]
        retry = int(blocked.headers["Retry-After"])
        assert 0 < retry <= 900


def test_success_from_another_client_does_not_reset_throttling(app, imported):
    with (
        TestClient(app, client=("10.0.0.1", 1234)) as attacker,
        TestClient(app, client=("10.0.0.2", 1234)) as citizen,
    ):
        for _ in range(3):
            lookup(attacker, OVERDUE, "0000")
        assert lookup(citizen, OVERDUE, "4567").status_code == 200
        assert lookup(attacker, OVERDUE, "0000").status_code == 429
        # The other client is not affected by the attacker's failures.
        assert lookup(citizen, READY, "4321").status_code == 200


def test_own_success_does_not_reset_failures(app, imported):
    with TestClient(app, client=("10.0.0.3", 1234)) as c:
        lookup(c, OVERDUE, "0000")
        lookup(c, OVERDUE, "0001")
        assert lookup(c, OVERDUE, "4567").status_code == 200
        assert lookup(c, OVERDUE, "0002").status_code == 404
        assert lookup(c, OVERDUE, "4567").status_code == 429


def test_missing_code_is_422_without_echoing_input(client, imported):
    response = client.post("/api/dossiers/lookup", json={"phone_last4": "4567"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error" and "4567" not in response.text


def test_digits_sent_as_a_json_number_are_accepted(client, imported):
    assert lookup(client, OVERDUE, 4567).status_code == 200
