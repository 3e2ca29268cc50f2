"""Dossier questions through the assistant: tiered disclosure (a code alone tells nothing), identical neutral
answers, throttling per citizen (the client ticket kiosk_api signed, trusted only with the internal token) and per
dossier code, and the `kiosk internal-token` command."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from kiosk_api.cli import app as cli_app
from kiosk_api.domain import identity
from kiosk_api.services.dossier_import import import_csv
from kiosk_api.settings import Settings
from tests.support.constants import TEST_SECRET

OVERDUE = "000.00.06.H56-261105-0003"  # dang_xu_ly, due 10/11/2026 (today 20/11/2026), phone …4567
READY = "000.00.06.H56-261110-0002"  # co_ket_qua, phone …4321
RETURNED = "000.00.06.H56-261102-0001"  # da_tra_ket_qua, phone …5678
UNKNOWN = "000.00.06.H56-261105-9999"
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]


@pytest.fixture
def imported(session, good_csv, secret, catalogue):
    assert import_csv(session, good_csv, secret=secret, catalogue=catalogue).created == 6


def ask(client, code, digits=None, headers=None):
    body = {"code": code}
    if digits is not None:
        body["phone_last4"] = digits
    response = client.post("/api/assistant/dossier", json=body, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()


def internal(app, citizen: str) -> dict[str, str]:
    """What the action server sends for a citizen: the internal token and the ticket /api/chat signed."""
    ticket = identity.client_ticket(app.state.secret, citizen, app.state.clock.now().timestamp())
    return {"X-Kiosk-Internal": app.state.internal_token, "X-Kiosk-Client": ticket}


def test_a_code_alone_tells_nothing(client, imported):
    """Until the phone digits are given, every code gets the same answer (asking for them): a code alone does not
    tell whether the dossier exists, nor its status."""
    bodies = {code: ask(client, code) for code in (OVERDUE, READY, RETURNED, UNKNOWN)}
    for code, body in bodies.items():
        assert body == {"text": body["text"], "found": False, "need_phone": True, "status": None, "rating_token": None}
        assert body["text"].replace(code, "<code>") == bodies[UNKNOWN]["text"].replace(UNKNOWN, "<code>")
        assert "4 số cuối" in body["text"]
        assert "Đang xử lý" not in body["text"] and "Không tìm thấy" not in body["text"]


def test_empty_digits_mean_code_only(client, imported):
    assert ask(client, OVERDUE, "")["need_phone"] is True
    assert ask(client, OVERDUE, "  ")["need_phone"] is True


def test_code_and_digits_give_the_full_answer(client, imported):
    body = ask(client, OVERDUE, "4567")
    assert body["found"] is True and body["need_phone"] is False and body["status"] == "dang_xu_ly"
    text = body["text"]
    assert "Đăng ký khai sinh" in text
    assert "Ngày hẹn trả kết quả: 10/11/2026" in text and "05/11/2026" in text
    assert "quá hạn" in text and "xin lỗi" in text and "hẹn lại" in text
    assert "UBND xã Thử Nghiệm" in text and "mang theo" in text

    ready = ask(client, READY, "4321")["text"]
    assert "Đã có kết quả" in ready and "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in ready


def test_answers_never_show_name_or_phone(app, imported):
    for i, (code, digits) in enumerate(((OVERDUE, "4567"), (READY, "4321"), (RETURNED, None))):
        with TestClient(app, client=(f"10.3.0.{i}", 1)) as c:
            text = c.post("/api/assistant/dossier", json={"code": code, "phone_last4": digits}).text
        assert not any(name in text for name in NAMES)
        for secret_part in ("0901234567", "901234567", "0987654321", "0912345678"):
            assert secret_part not in text


def test_wrong_digits_and_unknown_code_look_the_same(app, imported):
    attempts = [(OVERDUE, "0000"), (OVERDUE, "45678"), (OVERDUE, 1234), (UNKNOWN, "4567"), (READY, "4567")]
    bodies = []
    for i, (code, digits) in enumerate(attempts):  # one citizen each, to stay under the throttle
        with TestClient(app) as c:
            response = c.post(
                "/api/assistant/dossier",
                json={"code": code, "phone_last4": digits},
                headers=internal(app, f"citizen-{i}"),
            )
        assert response.status_code == 200
        bodies.append(response.content)
    assert len(set(bodies)) == 1
    first = response.json()
    assert first["found"] is False and first["need_phone"] is False and first["status"] is None
    assert first["rating_token"] is None and "Không tìm thấy hồ sơ" in first["text"]


def test_throttled_after_failures(app, imported):
    with TestClient(app, client=("10.9.0.1", 1)) as c:
        for _ in range(3):  # KIOSK_LOOKUP_MAX_FAILURES = 3 in the test settings
            assert ask(c, OVERDUE, "0000")["found"] is False
        response = c.post("/api/assistant/dossier", json={"code": OVERDUE, "phone_last4": "4567"})
        assert response.status_code == 200
        body = response.json()
        assert body == {"text": body["text"], "found": False, "need_phone": False, "status": None, "rating_token": None}
        assert "thử lại sau" in body["text"]
        assert 0 < int(response.headers["Retry-After"]) <= 900


def test_code_only_questions_are_throttled(app, imported):
    with TestClient(app, client=("10.9.0.2", 1)) as c:
        for i in range(12):  # four times KIOSK_LOOKUP_MAX_FAILURES (3 in the tests)
            assert ask(c, f"000.00.06.H56-261105-99{i:02d}")["need_phone"] is True
        blocked = c.post("/api/assistant/dossier", json={"code": OVERDUE})
        assert "thử lại sau" in blocked.json()["text"] and int(blocked.headers["Retry-After"]) > 0


def test_unknown_codes_count_as_failures(app, imported):
    with TestClient(app, client=("10.9.0.5", 1)) as c:
        for i in range(3):
            assert ask(c, f"000.00.06.H56-261105-99{i:02d}", "1234")["found"] is False
        assert "thử lại sau" in ask(c, OVERDUE, "4567")["text"]


def test_budget_is_shared_with_the_lookup_endpoint(app, imported):
    with TestClient(app, client=("10.9.0.3", 1)) as c:
        for _ in range(3):
            assert c.post("/api/dossiers/lookup", json={"code": OVERDUE, "phone_last4": "0000"}).status_code == 404
        assert "thử lại sau" in ask(c, OVERDUE, "4567")["text"]


def test_internal_token_gives_each_citizen_a_budget(app, imported):
    # The action server calls from one address for every citizen: with the token, budgets are per citizen.
    with TestClient(app, client=("127.0.0.1", 1)) as server:
        for _ in range(3):
            ask(server, READY, "0000", headers=internal(app, "addr:10.1.1.1"))
        assert "thử lại sau" in ask(server, OVERDUE, "4567", headers=internal(app, "addr:10.1.1.1"))["text"]
        citizen = ask(server, OVERDUE, "4567", headers=internal(app, "addr:10.1.1.2"))
        assert citizen["found"] is True and citizen["rating_token"]


def test_a_forged_client_ticket_shares_one_strict_budget(app, imported):
    """The action server relays whatever Rasa's metadata held: a value kiosk_api did not sign (or signed long ago)
    is not a fresh budget; all of them share one."""
    with TestClient(app, client=("127.0.0.1", 1)) as server:
        stale = identity.client_ticket(app.state.secret, "addr:10.7.7.7", app.state.clock.now().timestamp() - 3600)
        for forged in ("addr:10.7.7.1", "chat:random-1", stale):
            headers = {"X-Kiosk-Internal": app.state.internal_token, "X-Kiosk-Client": forged}
            ask(server, READY, "0000", headers=headers)
        headers = {"X-Kiosk-Internal": app.state.internal_token, "X-Kiosk-Client": "another-fresh-value"}
        assert "thử lại sau" in ask(server, OVERDUE, "4567", headers=headers)["text"]


def test_client_header_without_the_token_is_ignored(app, imported):
    spoofed = [
        {"X-Kiosk-Client": "a"},
        {"X-Kiosk-Client": "b", "X-Kiosk-Internal": "wrong-token"},
        {"X-Kiosk-Client": "c", "X-Kiosk-Internal": ""},
    ]
    with TestClient(app, client=("10.9.0.4", 1)) as c:
        for headers in spoofed:
            ask(c, OVERDUE, "0000", headers=headers)
        # every attempt counted against the address, whatever the header said
        assert "thử lại sau" in ask(c, OVERDUE, "4567", headers={"X-Kiosk-Client": "fresh"})["text"]


def test_validation(client, imported):
    for body in ({}, {"code": ""}, {"code": "x" * 65}, {"phone_last4": "4567"}):
        response = client.post("/api/assistant/dossier", json=body)
        assert response.status_code == 422 and response.json()["error"] == "validation_error"
        assert "4567" not in response.text


# ---- the internal token -------------------------------------------------------------------------


def test_internal_token_setting(tmp_path):
    derived = Settings(secret_key=TEST_SECRET, var_dir=tmp_path).resolved_internal_token()
    assert (
        len(derived) == 64 and derived == Settings(secret_key=TEST_SECRET, var_dir=tmp_path).resolved_internal_token()
    )
    assert derived != Settings(secret_key="another-secret", var_dir=tmp_path).resolved_internal_token()
    assert Settings(secret_key=TEST_SECRET, internal_token=" explicit ").resolved_internal_token() == "explicit"


def test_cli_prints_the_internal_token(tmp_path):
    runner = CliRunner()
    env = {"KIOSK_SECRET_KEY": TEST_SECRET, "KIOSK_VAR_DIR": str(tmp_path / "var"), "KIOSK_INTERNAL_TOKEN": ""}
    result = runner.invoke(cli_app, ["internal-token"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == Settings(secret_key=TEST_SECRET).resolved_internal_token()
    result = runner.invoke(cli_app, ["internal-token"], env={**env, "KIOSK_INTERNAL_TOKEN": "tok-123"})
    assert result.output.strip() == "tok-123"
