"""Privacy: redact() for free text, and no personal data or lookup input in the logs."""

from __future__ import annotations

import logging

import pytest

from kiosk_api.domain.redact import DOSSIER_CODE, EMAIL, ID_NUMBER, NUMBER, PHONE, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Số của tôi là 0912345678 nhé", f"Số của tôi là {PHONE} nhé"),
        ("gọi 0912 345 678 hoặc 0912.345.679", f"gọi {PHONE} hoặc {PHONE}"),
        ("+84 912 345 678", PHONE),
        ("84912345678", PHONE),
        ("CCCD 038095001234 cấp 2021", f"CCCD {ID_NUMBER} cấp 2021"),
        ("CMND 172345678", f"CMND {ID_NUMBER}"),
        ("hộ chiếu C1234567", f"hộ chiếu {ID_NUMBER}"),
        ("hồ sơ 000.00.06.H56-231027-0361 đến đâu rồi", f"hồ sơ {DOSSIER_CODE} đến đâu rồi"),
        ("email an.nguyen@example.com", f"email {EMAIL}"),
        ("tài khoản 1903 5566 7788 99", f"tài khoản {NUMBER}"),
    ],
)
def test_redact_personal_data(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "thủ tục 1.001193 và 1.001193.000.00.00.H56",
        "chứng thực 10 trang 3 bản hết 36.000 đồng",
        "hẹn ngày 20/11/2026 lúc 15:00",
        "lệ phí 200.000 đồng",
        "",
    ],
)
def test_redact_keeps_harmless_text(text):
    assert redact(text) == text


def test_redact_is_idempotent():
    text = "0912345678 / 038095001234 / 000.00.06.H56-231027-0361"
    assert redact(redact(text)) == redact(text)


def test_logs_hold_no_names_phones_or_lookup_input(app, client, auth_headers, good_csv, caplog):
    caplog.set_level(logging.DEBUG, logger="kiosk_api")
    client.post("/api/staff/dossiers/import", headers=auth_headers, files={"file": ("a.csv", good_csv, "text/csv")})
    client.post("/api/dossiers/lookup", json={"code": "000.00.06.H56-261105-0003", "phone_last4": "4567"})
    client.post("/api/dossiers/lookup", json={"code": "000.00.06.H56-261105-0003", "phone_last4": "9999"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "lookup ok" in logged and "lookup failed" in logged
    for forbidden in ("Lê Văn Cường", "0901234567", "4567", "9999", "000.00.06.H56-261105-0003", "261105"):
        assert forbidden not in logged


def test_access_log_drops_query_strings_and_redacts_paths(client, auth_headers, caplog):
    caplog.set_level(logging.INFO, logger="kiosk_api.access")
    client.get("/api/procedures", params={"q": "khai sinh cho con, sđt 0912345678"})
    client.get("/api/staff/dossiers/000.00.06.H56-261105-0003", headers=auth_headers)
    lines = [r.getMessage() for r in caplog.records if r.name == "kiosk_api.access"]
    assert "GET /api/procedures 200" in lines[0]
    assert "GET /api/staff/dossiers/[dossier-code] 404" in lines[1]
    assert not any("0912345678" in line or "khai" in line or "261105" in line for line in lines)
