"""The Zalo OA channel end to end: kiosk_api served by a real uvicorn, a fake Zalo API (message and token APIs)
on loopback recording what it receives, Rasa down (the catalogue answers) or a fake Rasa on loopback.

Covers: signature accepted and rejected, duplicate delivery answered once, the reply's headers and body, echoes and
unknown events ignored, follow → greeting and menu, numbered buttons round trip, long answers split, the rating
link after a dossier lookup, retries with back-off, token refresh (before expiry, on -216, dead refresh token,
two replicas at once), the 2-second rule and a full queue.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from kiosk_api.app import create_app
from kiosk_api.cli import app as cli_app
from kiosk_api.clock import FixedClock
from kiosk_api.db import make_engine, make_sessionmaker
from kiosk_api.models import ChatEvent, Dossier, Rating, ZaloConversation, ZaloInbound, ZaloToken
from kiosk_api.ratings.token import read_token
from kiosk_api.security import sender_hash
from kiosk_api.zalo.tokens import OPERATOR_DEAD, TokenManager, set_tokens
from kiosk_api.zalo.worker import pseudonym
from tests.support.browser import LiveServer, free_port
from tests.support.constants import NOW, TEST_SECRET, TODAY
from tests.support.zalo_fake import APP_ID, APP_SECRET, OA_ID, OA_SECRET, FakeZalo, SlowRasa, signed, text_event

pytestmark = pytest.mark.db

USER = "2468013579112233445"  # a Zalo user id
NOTICE_START = "Trợ lý đang tạm gián đoạn"


@pytest.fixture
def fake_zalo() -> Iterator[FakeZalo]:
    fake = FakeZalo()
    server = LiveServer(fake.app).start()
    fake.url = server.url  # type: ignore[attr-defined]
    try:
        yield fake
    finally:
        server.stop()


@pytest.fixture
def rasa_url() -> str:
    return f"http://127.0.0.1:{free_port()}"  # nothing listens: Rasa is down, the catalogue answers


@pytest.fixture
def zalo_settings(settings, fake_zalo, rasa_url):
    return settings.model_copy(
        update=dict(
            rasa_url=rasa_url,
            rasa_timeout=10,
            public_base_url="http://192.168.1.10:8000",
            zalo_app_id=APP_ID,
            zalo_app_secret=APP_SECRET,
            zalo_oa_secret=OA_SECRET,
            zalo_oa_id=OA_ID,
            zalo_api_base=fake_zalo.url,
            zalo_oauth_base=fake_zalo.url,
            zalo_retry_base_delay=0.05,
            zalo_timeout=5,
        )
    )


@pytest.fixture
def sessions(migrated_url):
    engine = make_engine(migrated_url)
    try:
        yield make_sessionmaker(engine, FixedClock(NOW))
    finally:
        engine.dispose()


@pytest.fixture
def tokens(sessions, fake_zalo):
    """The OA's current token pair, as `kiosk zalo set-tokens` stores it."""
    with sessions() as s:
        set_tokens(s, OA_ID, fake_zalo.access_token, fake_zalo.refresh_token, 90000)


class Kiosk:
    def __init__(self, settings, catalogue) -> None:
        self.app = create_app(settings, catalogue, clock=FixedClock(NOW))
        self.server = LiveServer(self.app).start()
        self.http = httpx.Client(base_url=self.server.url, timeout=10)

    def post(self, event: dict[str, Any] | None = None, *, raw: bytes | None = None, **headers: str) -> httpx.Response:
        if raw is None:
            assert event is not None
            raw, signed_headers = signed(event)
            headers = {**signed_headers, **headers}
        return self.http.post("/zalo/webhook", content=raw, headers=headers)

    def stop(self) -> None:
        self.http.close()
        self.server.stop()


@pytest.fixture
def start(catalogue) -> Iterator[Any]:
    started: list[Kiosk] = []

    def make(settings) -> Kiosk:
        kiosk = Kiosk(settings, catalogue)
        started.append(kiosk)
        return kiosk

    yield make
    for kiosk in started:
        kiosk.stop()


@pytest.fixture
def kiosk(start, zalo_settings, tokens) -> Kiosk:
    return start(zalo_settings)


def wait_until(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.02)


# ---- the basic round trip -----------------------------------------------------------------------


def test_text_message_is_answered_through_the_oa_api(kiosk, fake_zalo, sessions, caplog):
    caplog.set_level(logging.DEBUG, logger="kiosk_api")
    response = kiosk.post(text_event(USER, "lam giay khai sinh can gi"))
    assert response.status_code == 200 and response.json() == {"status": "accepted"}

    [sent] = fake_zalo.wait_for_messages(1)
    assert sent.path == "/v3.0/oa/message/cs"
    assert sent.headers["access_token"] == fake_zalo.access_token
    assert sent.headers["content-type"] == "application/json"
    assert set(sent.body) == {"recipient", "message"}
    assert sent.body["recipient"] == {"user_id": USER}
    text = sent.body["message"]["text"]
    assert set(sent.body["message"]) == {"text"} and len(text) <= 2000
    assert text.startswith(NOTICE_START) and "Giấy chứng sinh" in text
    assert "1. Lệ phí" in text and "để chọn." in text  # the answer's buttons as a numbered list

    # the conversation is logged under a pseudonym: the Zalo user id is stored nowhere
    wait_until(lambda: _events(sessions))
    [event] = _events(sessions)
    alias = pseudonym(TEST_SECRET.encode(), USER)
    assert event.channel == "zalo" and event.procedure_code == "1.001193"
    assert event.sender_hash == sender_hash(TEST_SECRET.encode(), "zalo", alias)
    with sessions() as s:
        stored = [str(v) for row in s.scalars(select(ZaloConversation)) for v in (row.sender_hash, row.buttons)]
        stored += [row.event_key for row in s.scalars(select(ZaloInbound))]
    assert stored and not any(USER in v for v in stored)
    assert caplog.records and USER not in caplog.text and "khai sinh" not in caplog.text


def _events(sessions) -> list[ChatEvent]:
    with sessions() as s:
        return list(s.scalars(select(ChatEvent).order_by(ChatEvent.id)))


def test_signature_without_the_mac_prefix_is_accepted(kiosk, fake_zalo):
    event = text_event(USER, "chào bạn")
    raw, headers = signed(event, prefix="")
    assert kiosk.post(raw=raw, **headers).json() == {"status": "accepted"}
    [sent] = fake_zalo.wait_for_messages(1)
    assert "Xin chào" in sent.body["message"]["text"]


@pytest.mark.parametrize("case", ["wrong_secret", "tampered", "missing"])
def test_bad_signature_is_rejected_with_401(kiosk, fake_zalo, sessions, case):
    event = text_event(USER, "lam giay khai sinh can gi")
    raw, headers = signed(event, oa_secret="not-the-secret" if case == "wrong_secret" else OA_SECRET)
    if case == "tampered":
        raw = raw.replace(b"khai sinh", b"khai tu\x20")
    if case == "missing":
        del headers["X-ZEvent-Signature"]
    response = kiosk.post(raw=raw, **headers)
    assert response.status_code == 401
    assert response.json()["error"] == "bad_signature"
    time.sleep(0.3)
    assert fake_zalo.attempts == []
    with sessions() as s:
        assert s.scalars(select(ZaloInbound)).all() == []


def test_signature_check_can_be_switched_off(start, zalo_settings, tokens, fake_zalo, caplog):
    kiosk = start(zalo_settings.model_copy(update={"zalo_verify_signature": False}))
    raw, headers = signed(text_event(USER, "chào bạn"), oa_secret="wrong")
    with caplog.at_level(logging.WARNING, logger="kiosk_api.zalo.router"):
        assert kiosk.post(raw=raw, **headers).json() == {"status": "accepted"}
    fake_zalo.wait_for_messages(1)
    assert "KIOSK_ZALO_VERIFY_SIGNATURE=false" in caplog.text


def test_duplicate_delivery_is_answered_once(kiosk, fake_zalo):
    event = text_event(USER, "chào bạn", msg_id="a1b2c3")
    statuses = [kiosk.post(event).json()["status"] for _ in range(3)]
    assert statuses == ["accepted", "duplicate", "duplicate"]
    # re-delivered concurrently as well (Zalo retries while the first call is still open)
    event2 = text_event(USER, "lệ phí khai sinh", msg_id="d4e5f6")
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(kiosk.post(event2).json()["status"])) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["accepted", "duplicate", "duplicate", "duplicate"]
    fake_zalo.wait_for_messages(2)
    time.sleep(0.5)
    assert len(fake_zalo.texts(USER)) == 2


def test_echo_and_other_events_are_ignored(kiosk, fake_zalo):
    echo = {**text_event(USER, "tin OA gửi"), "event_name": "oa_send_text", "sender": {"id": OA_ID}}
    own = text_event(OA_ID, "OA tự gửi")
    sticker = {**text_event(USER, ""), "event_name": "user_send_sticker"}
    seen = {"event_name": "user_seen_message", "app_id": APP_ID, "timestamp": "1", "sender": {"id": USER}}
    for event in (echo, own, sticker, seen):
        response = kiosk.post(event)
        assert response.status_code == 200 and response.json() == {"status": "ignored"}
    time.sleep(0.3)
    assert fake_zalo.attempts == []


def test_a_stale_signed_event_is_not_answered(kiosk, fake_zalo):
    """A genuine event replayed long after it was sent (finding I4) is acknowledged and ignored."""
    old = text_event(USER, "xin chào", timestamp=str(int(NOW.timestamp() * 1000) - 2 * 24 * 3600 * 1000))
    assert kiosk.post(old).json() == {"status": "ignored"}
    ahead = text_event(USER, "xin chào", timestamp=str(int(NOW.timestamp() * 1000) + 3600 * 1000))
    assert kiosk.post(ahead).json() == {"status": "ignored"}
    time.sleep(0.3)
    assert fake_zalo.attempts == []


def test_an_oversized_body_is_refused_before_it_is_read(kiosk):
    big = kiosk.http.post("/zalo/webhook", content=(b"{" + b" " * 70_000 + b"}"))
    assert big.status_code == 413 and big.json()["error"] == "too_large"

    def chunks():  # no Content-Length: the server stops reading past the limit
        yield b"{"
        for _ in range(100):
            yield b" " * 10_000

    streamed = kiosk.http.post("/zalo/webhook", content=chunks())
    assert streamed.status_code == 413


def test_follow_gets_the_greeting_and_the_menu(kiosk, fake_zalo):
    follow = {
        "app_id": APP_ID,
        "event_name": "follow",
        "timestamp": str(int(NOW.timestamp() * 1000) + 123),
        "oa_id": OA_ID,
        "follower": {"id": USER},
        "source": "testing",
    }
    assert kiosk.post(follow).json() == {"status": "accepted"}
    assert kiosk.post(follow).json() == {"status": "duplicate"}
    [sent] = fake_zalo.wait_for_messages(1)
    text = sent.body["message"]["text"]
    assert text.startswith("Xin chào! Tôi là Trợ lý Một cửa của UBND xã Thử Nghiệm")
    assert "\n1. " in text and "Gặp cán bộ" in text and "để chọn." in text


def test_malformed_bodies_are_400(kiosk, fake_zalo):
    for raw in (b"{not json", b"[]", b'{"no_event": 1}', b"\xff\xfe"):
        response = kiosk.post(raw=raw, **{"Content-Type": "application/json", "X-ZEvent-Signature": "mac=00"})
        assert response.status_code == 400, raw
        assert response.json()["error"] == "invalid_event"


def test_zalo_off_when_not_configured(start, settings, caplog):
    kiosk = start(settings)  # no KIOSK_ZALO_* settings
    with caplog.at_level(logging.WARNING, logger="kiosk_api.zalo.router"):
        for _ in range(2):
            response = kiosk.post(text_event(USER, "chào"))
            assert response.status_code == 503
            assert response.json() == {"error": "zalo_not_configured", "detail": "Zalo is not configured"}
    assert caplog.text.count("Zalo is not configured") == 1  # logged once
    assert kiosk.http.get("/healthz/zalo").json()["zalo"] == "off"


# ---- buttons, long answers, rating link ---------------------------------------------------------


def test_numbered_buttons_round_trip(kiosk, fake_zalo):
    kiosk.post(text_event(USER, "thế còn làm lại giấy tờ khai sinh"))
    [first] = fake_zalo.wait_for_messages(1)
    text = first.body["message"]["text"]
    assert "Ông/bà muốn hỏi thủ tục nào" in text
    choices = [line for line in text.splitlines() if line[:1].isdigit() and ". " in line]
    assert choices and "để chọn." in text
    # the citizen answers with the number of "Đăng ký lại khai sinh"
    number = next(line.split(".")[0] for line in reversed(choices) if "lại khai sinh" in line.lower())
    kiosk.post(text_event(USER, f"số {number}"))
    second = fake_zalo.wait_for_messages(2)[1].body["message"]["text"]
    assert "Đăng ký lại khai sinh" in second and second != text
    # another user's "1" means nothing special: no buttons were offered to them
    kiosk.post(text_event("999", "1"))
    third = fake_zalo.wait_for_messages(3)[2].body["message"]["text"]
    assert "Đăng ký lại khai sinh" not in third


@pytest.fixture
def slow_rasa() -> Iterator[SlowRasa]:
    fake = SlowRasa()
    server = LiveServer(fake.app).start()
    fake.url = server.url  # type: ignore[attr-defined]
    try:
        yield fake
    finally:
        server.stop()


@pytest.fixture
def rasa_kiosk(start, zalo_settings, tokens, slow_rasa) -> Kiosk:
    return start(zalo_settings.model_copy(update={"rasa_url": slow_rasa.url}))


def test_long_answer_is_split_to_zalo_limits(rasa_kiosk, fake_zalo, slow_rasa):
    paragraphs = [f"Đoạn {i}. " + "Hồ sơ cần tờ khai và giấy tờ tùy thân. " * 24 for i in range(1, 6)]
    slow_rasa.reply = [{"text": p.strip()} for p in paragraphs]  # ~4,700 characters in all
    rasa_kiosk.post(text_event(USER, "giấy tờ cần những gì"))
    fake_zalo.wait_for_messages(3)
    time.sleep(0.3)
    texts = fake_zalo.texts(USER)
    assert len(texts) == 3 and all(len(t) <= 2000 for t in texts)
    assert [t.split(".")[0] for t in texts] == ["Đoạn 1", "Đoạn 3", "Đoạn 5"]  # cut between paragraphs
    assert " ".join(texts).split() == " ".join(p.strip() for p in paragraphs).split()
    [request] = slow_rasa.requests
    alias = pseudonym(TEST_SECRET.encode(), USER)
    assert request["sender"] == alias and USER not in str(request)
    assert request["metadata"]["channel"] == "zalo"


def _dossier(sessions) -> int:
    with sessions() as s:
        row = Dossier(
            code="000.00.06.H56-261105-0003",
            procedure_code="1.001193",
            field="Hộ tịch",
            applicant_name="Nguyễn Văn A",
            phone_hash="a" * 64,
            phone_last4_hash="b" * 64,
            channel="truc_tiep",
            received_date=date(2026, 11, 5),
            appointment_date=date(2026, 11, 6),
            status="da_tra_ket_qua",
        )
        s.add(row)
        s.commit()
        return row.id


def test_dossier_lookup_ends_with_the_rating_link(rasa_kiosk, fake_zalo, slow_rasa, sessions):
    dossier_id = _dossier(sessions)
    slow_rasa.reply = [
        {"text": "Hồ sơ 000.00.06.H56-261105-0003: «Đã trả kết quả»."},
        {"custom": {"dossier_code": "000.00.06.H56-261105-0003"}},
    ]
    rasa_kiosk.post(text_event(USER, "000.00.06.H56-261105-0003 5678"))
    [sent] = fake_zalo.wait_for_messages(1)
    text = sent.body["message"]["text"]
    assert text.startswith("Hồ sơ 000.00.06.H56-261105-0003")
    last = text.splitlines()[-1]
    prefix = "Mời ông/bà đánh giá mức độ hài lòng về việc giải quyết hồ sơ: http://192.168.1.10:8000/r/"
    assert last.startswith(prefix)
    ticket = read_token(TEST_SECRET.encode(), last[len(prefix) :], TODAY)
    assert ticket.dossier_id == dossier_id and (ticket.expires - TODAY).days == 90  # KIOSK_RATING_TOKEN_DAYS

    # the link opens the dossier's rating page on this server
    page = rasa_kiosk.http.get(urlsplit(last.rsplit(" ", 1)[1]).path)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]

    # a lookup without the marker (code only, no digits) gets no link
    slow_rasa.reply = [{"text": "Hồ sơ đang xử lý. Vui lòng nhập 4 số cuối số điện thoại."}]
    rasa_kiosk.post(text_event(USER, "000.00.06.H56-261105-0003"))
    second = fake_zalo.wait_for_messages(2)[1].body["message"]["text"]
    assert "đánh giá" not in second

    # once the dossier is rated, no more invitations
    with sessions() as s:
        s.add(Rating(dossier_id=dossier_id, channel="zalo", idempotency_key="k-1", satisfaction="hai_long"))
        s.commit()
    slow_rasa.reply = [{"text": "Hồ sơ đã trả kết quả."}, {"custom": {"dossier_code": "000.00.06.H56-261105-0003"}}]
    rasa_kiosk.post(text_event(USER, "000.00.06.H56-261105-0003 5678"))
    third = fake_zalo.wait_for_messages(3)[2].body["message"]["text"]
    assert third == "Hồ sơ đã trả kết quả."


def test_the_kiosk_chat_exposes_the_rating_url_too(rasa_kiosk, slow_rasa, sessions):
    _dossier(sessions)
    slow_rasa.reply = [{"text": "Hồ sơ đã có kết quả."}, {"custom": {"dossier_code": "000.00.06.H56-261105-0003"}}]
    body = rasa_kiosk.http.post("/api/chat", json={"sender_id": "k1", "message": "tra cứu", "channel": "kiosk"}).json()
    assert body["replies"] == [{"text": "Hồ sơ đã có kết quả.", "buttons": [], "image": None}]
    assert body["rating_url"].startswith("http://192.168.1.10:8000/r/")
    slow_rasa.reply = [{"text": "Xin chào"}]
    assert rasa_kiosk.http.post("/api/chat", json={"sender_id": "k1", "message": "chào"}).json()["rating_url"] is None


# ---- the 2-second rule and back-pressure --------------------------------------------------------


def test_webhook_answers_before_the_assistant_does(rasa_kiosk, fake_zalo, slow_rasa):
    slow_rasa.delay = 5.0  # the assistant takes 5 s; Zalo wants the webhook's answer within 2 s
    started = time.monotonic()
    response = rasa_kiosk.post(text_event(USER, "chào bạn"))
    answered = time.monotonic() - started
    assert response.status_code == 200 and response.json() == {"status": "accepted"}
    # within Zalo's 2 s while the assistant needs 5 s (a bound of 1 s failed once on a loaded CI machine: 1.5 s)
    assert answered < 2.0
    assert fake_zalo.attempts == []  # nothing sent yet: the assistant is still thinking
    [sent] = fake_zalo.wait_for_messages(1)
    assert sent.at - started >= 5.0
    assert sent.body["message"]["text"] == "Xin chào từ Rasa"


def test_full_queue_refuses_and_the_redelivery_is_answered(start, zalo_settings, tokens, fake_zalo, slow_rasa):
    slow_rasa.delay = 1.0
    kiosk = start(zalo_settings.model_copy(update={"rasa_url": slow_rasa.url, "zalo_workers": 1, "zalo_queue_size": 1}))
    first, second, third = (text_event(f"u{i}", "chào") for i in range(3))
    assert kiosk.post(first).json()["status"] == "accepted"  # taken by the worker
    wait_until(lambda: len(slow_rasa.requests) == 1)
    assert kiosk.post(second).json()["status"] == "accepted"  # waits in the queue
    refused = kiosk.post(third)
    assert refused.status_code == 503 and refused.json()["error"] == "busy"
    fake_zalo.wait_for_messages(2)
    assert kiosk.post(third).json()["status"] == "accepted"  # Zalo's re-delivery is not a "duplicate"
    fake_zalo.wait_for_messages(3)
    assert sorted(m.body["recipient"]["user_id"] for m in fake_zalo.messages) == ["u0", "u1", "u2"]


# ---- retries ------------------------------------------------------------------------------------


def test_server_errors_are_retried_with_back_off(kiosk, fake_zalo):
    fake_zalo.message_failures = [(500, {"error": "boom"}), (502, "bad gateway"), (200, "not an object")]
    kiosk.post(text_event(USER, "chào bạn"))
    [sent] = fake_zalo.wait_for_messages(1)
    assert len(fake_zalo.attempts) == 4
    gaps = [b.at - a.at for a, b in zip(fake_zalo.attempts, fake_zalo.attempts[1:], strict=False)]
    # base delay 0.05 s: ≥0.05, ≥0.1, ≥0.2 (plus jitter up to 0.05)
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1 and gaps[2] >= 0.2
    assert all(a.body == sent.body for a in fake_zalo.attempts)


def test_gives_up_after_the_configured_attempts(kiosk, fake_zalo, caplog):
    fake_zalo.message_failures = [(503, {})] * 4
    with caplog.at_level(logging.ERROR, logger="kiosk_api.zalo.client"):
        kiosk.post(text_event(USER, "chào bạn"))
        wait_until(lambda: len(fake_zalo.attempts) == 4)
        wait_until(lambda: "not sent after 4 attempts" in caplog.text)
    assert fake_zalo.messages == [] and USER not in caplog.text
    # the worker lives on: the next message is answered
    kiosk.post(text_event(USER, "chào bạn lần nữa"))
    fake_zalo.wait_for_messages(1)


def test_other_zalo_errors_are_not_retried(kiosk, fake_zalo):
    fake_zalo.message_failures = [(200, {"error": -213, "message": "User has not followed the OA"})]
    kiosk.post(text_event(USER, "chào bạn"))
    wait_until(lambda: len(fake_zalo.attempts) == 1)
    time.sleep(0.4)
    assert len(fake_zalo.attempts) == 1 and fake_zalo.messages == []


# ---- tokens -------------------------------------------------------------------------------------


def _token_row(sessions) -> ZaloToken:
    with sessions() as s:
        row = s.get(ZaloToken, OA_ID)
        assert row is not None
        return row


def test_access_token_is_refreshed_before_it_expires(start, zalo_settings, fake_zalo, sessions):
    with sessions() as s:
        set_tokens(s, OA_ID, fake_zalo.access_token, fake_zalo.refresh_token, 600)  # 10 min left < 1 h margin
    kiosk = start(zalo_settings)
    kiosk.post(text_event(USER, "chào bạn"))
    [sent] = fake_zalo.wait_for_messages(1)
    [refresh] = fake_zalo.token_requests
    assert refresh.path == "/v4/oa/access_token" and refresh.headers["secret_key"] == APP_SECRET
    assert refresh.headers["content-type"] == "application/x-www-form-urlencoded"
    assert refresh.body == {"refresh_token": "refresh-0", "app_id": APP_ID, "grant_type": "refresh_token"}
    assert sent.headers["access_token"] == "access-1" == fake_zalo.access_token
    row = _token_row(sessions)
    assert (row.access_token, row.refresh_token, row.refresh_error) == ("access-1", "refresh-1", None)
    assert 89_000 < (row.access_expires_at - row.updated_at).total_seconds() <= 90_000
    assert kiosk.http.get("/healthz/zalo").json()["zalo"] == "ok"
    # the next message uses the stored token: no second refresh
    kiosk.post(text_event(USER, "chào lần nữa"))
    fake_zalo.wait_for_messages(2)
    assert len(fake_zalo.token_requests) == 1


def test_access_token_is_kept_fresh_without_messages(start, zalo_settings, fake_zalo, sessions):
    with sessions() as s:
        set_tokens(s, OA_ID, fake_zalo.access_token, fake_zalo.refresh_token, 600)
    start(zalo_settings)  # the worker's hourly check runs at start-up too
    wait_until(lambda: _token_row(sessions).access_token == "access-1")
    assert len(fake_zalo.token_requests) == 1 and fake_zalo.attempts == []


def test_rejected_access_token_is_refreshed_once_and_resent(start, zalo_settings, fake_zalo, sessions):
    with sessions() as s:  # Zalo revoked the access token early: the stored one is still "valid" for 25 h
        set_tokens(s, OA_ID, "revoked-access", fake_zalo.refresh_token, 90000)
    kiosk = start(zalo_settings)
    kiosk.post(text_event(USER, "chào bạn"))
    [sent] = fake_zalo.wait_for_messages(1)
    assert [a.headers["access_token"] for a in fake_zalo.attempts] == ["revoked-access", "access-1"]
    assert sent.headers["access_token"] == "access-1" and len(fake_zalo.token_requests) == 1
    assert _token_row(sessions).refresh_token == "refresh-1"


def test_dead_refresh_token_tells_the_operator_and_set_tokens_recovers(
    start, zalo_settings, fake_zalo, sessions, migrated_url, tmp_path, caplog
):
    with sessions() as s:  # stored 10 s ago with a 1 s life: the access token has expired
        set_tokens(s, OA_ID, "expired-access", "spent-refresh", 1, now=NOW - timedelta(seconds=10))
    kiosk = start(zalo_settings)
    with caplog.at_level(logging.ERROR):
        kiosk.post(text_event(USER, "chào bạn"))
        wait_until(lambda: OPERATOR_DEAD in caplog.text)
        kiosk.post(text_event(USER, "chào lần hai"))
        time.sleep(0.5)
    assert fake_zalo.attempts == []  # nothing can be sent without a token
    assert len(fake_zalo.token_requests) == 1  # the dead token is not tried again
    assert "kiosk zalo set-tokens" in caplog.text and "spent-refresh" not in caplog.text
    row = _token_row(sessions)
    assert row.refresh_error and "-14014" in row.refresh_error
    health = kiosk.http.get("/healthz/zalo").json()
    assert health["zalo"] == "refresh_failed"
    assert kiosk.http.get("/healthz").status_code == 200  # the server itself is fine

    env = {"DATABASE_URL": migrated_url, "KIOSK_SECRET_KEY": TEST_SECRET, "KIOSK_VAR_DIR": str(tmp_path / "v")}
    env["KIOSK_ZALO_OA_ID"] = OA_ID
    runner = CliRunner()
    status = runner.invoke(cli_app, ["zalo", "status"], env=env)
    assert status.exit_code == 0 and "Tokens: refresh_failed" in status.output and "set-tokens" in status.output
    access, refresh = fake_zalo.issue()  # the operator gets a new pair from the OA admin page
    typed = f"{access}\n{refresh}\n"  # asked for, not passed on the command line
    result = runner.invoke(cli_app, ["zalo", "set-tokens", "--expires-in", "90000"], env=env, input=typed)
    assert result.exit_code == 0, result.output
    assert access not in result.output and "valid until" in result.output
    assert "Tokens: ok" in runner.invoke(cli_app, ["zalo", "status"], env=env).output
    assert kiosk.http.get("/healthz/zalo").json()["zalo"] == "ok"
    kiosk.post(text_event(USER, "chào lần ba"))
    [sent] = fake_zalo.wait_for_messages(1)
    assert sent.headers["access_token"] == access


def test_refresh_failing_for_now_keeps_the_valid_token(start, zalo_settings, fake_zalo, sessions):
    fake_zalo.refresh_broken = True  # Zalo's token API answers 503
    with sessions() as s:
        set_tokens(s, OA_ID, fake_zalo.access_token, fake_zalo.refresh_token, 600)
    kiosk = start(zalo_settings)
    kiosk.post(text_event(USER, "chào bạn"))
    [sent] = fake_zalo.wait_for_messages(1)
    assert sent.headers["access_token"] == "access-0" and len(fake_zalo.token_requests) >= 1  # start-up check too
    row = _token_row(sessions)
    assert row.refresh_token == "refresh-0" and row.refresh_error is None  # not marked dead: tried again later


def test_missing_tokens_are_reported(start, zalo_settings, fake_zalo, caplog):
    kiosk = start(zalo_settings)
    assert kiosk.http.get("/healthz/zalo").json()["zalo"] == "missing"
    with caplog.at_level(logging.ERROR):
        kiosk.post(text_event(USER, "chào bạn"))
        wait_until(lambda: "kiosk zalo set-tokens" in caplog.text)
    assert fake_zalo.attempts == []


def test_two_replicas_refreshing_at_once_spend_the_refresh_token_once(zalo_settings, fake_zalo, sessions, migrated_url):
    with sessions() as s:
        set_tokens(s, OA_ID, fake_zalo.access_token, fake_zalo.refresh_token, 60)
    engines = [make_engine(migrated_url) for _ in range(2)]
    try:
        managers = [TokenManager.from_settings(zalo_settings, make_sessionmaker(e, FixedClock(NOW))) for e in engines]

        async def both() -> list[str]:
            return await asyncio.gather(*(m.access_token() for m in managers))

        tokens = asyncio.run(both())
    finally:
        for engine in engines:
            engine.dispose()
    assert len(fake_zalo.token_requests) == 1
    assert tokens == ["access-1", "access-1"]
    assert _token_row(sessions).refresh_token == "refresh-1" == fake_zalo.refresh_token
