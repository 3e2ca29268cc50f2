"""Findings H1, H2, M1, M2/M5, L6: the phone digits cannot be brute-forced, a code alone tells nothing, and no header
a client writes buys a fresh budget."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import event

from kiosk_api.domain import identity
from kiosk_api.services.dossiers import match_second_factor
from tests.security.conftest import OVERDUE, OVERDUE_DIGITS, READY, RETURNED, UNKNOWN
from tests.support.constants import NOW

pytestmark = pytest.mark.db


def lookup(client: httpx.Client, code: str, digits: str, **headers: str) -> httpx.Response:
    return client.post("/api/dossiers/lookup", json={"code": code, "phone_last4": digits}, headers=headers)


def wrong(i: int) -> str:
    return f"{i:04d}" if f"{i:04d}" != OVERDUE_DIGITS else "9999"


def test_wrong_digits_from_many_addresses_lock_the_code(imported, from_address):
    """The probe's H1 in its black-box form: many clients, each with a fresh budget, guess one dossier's digits.
    After KIOSK_LOOKUP_CODE_MAX_FAILURES (5) wrong tries for that code, from anywhere, the code is locked: even the
    right digits from yet another address disclose nothing until the lock ends."""
    statuses = [lookup(from_address(f"127.0.0.{10 + i}"), OVERDUE, wrong(i)).status_code for i in range(30)]
    assert statuses[:5] == [404] * 5 and set(statuses[5:]) == {429}
    right = lookup(from_address("127.0.0.99"), OVERDUE, OVERDUE_DIGITS)
    assert right.status_code == 429
    body = right.json()
    assert "tạm khóa tra cứu" in body["detail"] and "Lê Văn Cường" not in right.text and "dang_xu_ly" not in right.text
    assert 0 < int(right.headers["Retry-After"]) <= 900
    # Other dossiers are not affected.
    assert lookup(from_address("127.0.0.98"), READY, "4321").status_code == 200


def test_unknown_codes_lock_like_known_ones(imported, from_address):
    """A lock says nothing about whether a code exists: an unknown code locks after the same number of tries."""
    for code in (UNKNOWN, READY):
        statuses = [lookup(from_address(f"127.0.1.{i}"), code, "0000").status_code for i in range(6)]
        assert statuses == [404] * 5 + [429]


def test_rotating_the_chat_sender_id_buys_nothing(app, imported, from_address):
    """H1 through the assistant: the action server's calls are throttled by the ticket /api/chat signed for the
    client's address, whatever sender_id the client picked for each message."""
    state = app.state
    now = NOW.timestamp()
    server = from_address("127.0.0.1")  # the action server calls from loopback with the internal token
    answers = []
    for i in range(6):
        ticket = identity.client_ticket(state.secret, "addr:127.0.0.77", now)  # one client, six "senders"
        response = server.post(
            "/api/assistant/dossier",
            json={"code": READY if i < 5 else OVERDUE, "phone_last4": "0000" if i < 5 else OVERDUE_DIGITS},
            headers={"X-Kiosk-Internal": state.internal_token, "X-Kiosk-Client": ticket},
        )
        answers.append(response.json())
    assert all(a["found"] is False for a in answers)
    assert "thử lại sau" in answers[-1]["text"]


def test_metadata_written_by_the_caller_is_not_a_budget(app, imported, from_address):
    """H2: whatever a caller writes into Rasa's metadata reaches kiosk_api as X-Kiosk-Client; unsigned values all
    share one strict bucket instead of getting a budget each."""
    server = from_address("127.0.0.1")
    for i in range(3):
        headers = {"X-Kiosk-Internal": app.state.internal_token, "X-Kiosk-Client": f"chat:fresh-{i}"}
        server.post("/api/assistant/dossier", json={"code": READY, "phone_last4": "0000"}, headers=headers)
    headers = {"X-Kiosk-Internal": app.state.internal_token, "X-Kiosk-Client": "chat:yet-another"}
    blocked = server.post(
        "/api/assistant/dossier", json={"code": OVERDUE, "phone_last4": OVERDUE_DIGITS}, headers=headers
    )
    assert blocked.json()["found"] is False and "thử lại sau" in blocked.json()["text"]


def test_a_code_alone_does_not_tell_whether_it_exists(imported, from_address):
    """M1: the code-only tier answers every code the same way and is throttled."""
    client = from_address("127.0.0.40")
    known = client.post("/api/assistant/dossier", json={"code": RETURNED}).json()
    unknown = client.post("/api/assistant/dossier", json={"code": UNKNOWN}).json()
    assert known["text"].replace(RETURNED, "X") == unknown["text"].replace(UNKNOWN, "X")
    assert (known["found"], known["need_phone"], known["status"]) == (unknown["found"], unknown["need_phone"], None)
    answers = [client.post("/api/assistant/dossier", json={"code": f"{UNKNOWN}{i}"}) for i in range(12)]
    assert "thử lại sau" in answers[-1].json()["text"] and "Retry-After" in answers[-1].headers


def test_loopback_headers_buy_no_budget(imported, from_address):
    """M2/M5: from the kiosk's own address, a new X-Kiosk-Session or X-Forwarded-For on every request used to
    give unlimited tries. Sessions are issued by the server now, and forwarded headers count only from
    KIOSK_TRUSTED_PROXIES (none by default)."""
    kiosk = from_address("127.0.0.1")
    statuses = [
        lookup(kiosk, READY, "0000", **{"X-Kiosk-Session": f"{i:032x}", "X-Forwarded-For": f"10.1.2.{i}"}).status_code
        for i in range(5)
    ]
    assert statuses == [404, 404, 404, 429, 429]  # KIOSK_LOOKUP_MAX_FAILURES = 3 in the tests


def test_kiosk_sessions_are_capped(app, imported, from_address):
    """Minting server-issued sessions is capped per kiosk address and per hour."""
    app.state.settings = app.state.settings.model_copy(update={"kiosk_sessions_per_hour": 4})
    kiosk = from_address("127.0.0.1")
    statuses = [kiosk.post("/api/kiosk/session").status_code for _ in range(6)]
    assert statuses == [200] * 4 + [429, 429]
    assert from_address("127.0.0.41").post("/api/kiosk/session").status_code == 403


def test_known_and_unknown_codes_do_the_same_database_work(session, imported, secret):
    """L6: a known code with wrong digits and an unknown code run the same single query and build no object."""
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        known = match_second_factor(session, OVERDUE, "0000", secret=secret)
        first = list(statements)
        statements.clear()
        unknown = match_second_factor(session, UNKNOWN, "0000", secret=secret)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert known[1] is False and unknown == (None, False)
    assert first == statements and len(first) == 1
