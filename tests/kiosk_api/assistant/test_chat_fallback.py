"""/api/chat: the protocol with Rasa's REST channel (a small HTTP server on loopback that behaves like it),
the fallback when Rasa is down, failing or slow, input validation, and the chat_events log."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kiosk_api.app import create_app
from kiosk_api.clock import FixedClock
from kiosk_api.domain import identity, menus
from kiosk_api.models import ChatEvent, HandoffRequest
from kiosk_api.security import sender_hash
from kiosk_api.services.rasa_client import ReplyData, parse_tracker, to_replies
from procedures_kb import load_catalogue
from tests.support.constants import NOW, TEST_SECRET
from tests.support.ports import free_port

NOTICE_START = "Trợ lý đang tạm gián đoạn, thông tin dưới đây được tra từ danh mục thủ tục"


class FakeRasa:
    """A loopback HTTP server answering like Rasa's REST webhook and tracker API."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.reply: Any = [{"recipient_id": "x", "text": "Xin chào từ Rasa"}]
        self.status = 200
        self.delay = 0.0
        self.raw: bytes | None = None
        self.tracker: dict[str, Any] | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                fake.requests.append(
                    {
                        "method": "POST",
                        "path": self.path,
                        "content_type": self.headers.get("Content-Type"),
                        "body": json.loads(self.rfile.read(length) or b"null"),
                    }
                )
                if fake.delay:
                    time.sleep(fake.delay)
                body = fake.raw if fake.raw is not None else json.dumps(fake.reply).encode()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._send(fake.status, body)

            def do_GET(self) -> None:
                fake.requests.append({"method": "GET", "path": self.path})
                if fake.tracker is None:
                    self._send(404, b'{"status": "failure"}')
                else:
                    self._send(200, json.dumps(fake.tracker).encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def posts(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == "POST"]


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def make_client(settings, catalogue, **overrides) -> TestClient:
    application = create_app(settings.model_copy(update=overrides), catalogue, clock=FixedClock(NOW))
    return TestClient(application)


@pytest.fixture
def down_client(settings, catalogue) -> Iterator[TestClient]:
    """A client whose RASA_URL points at a closed loopback port: Rasa is really down."""
    with make_client(settings, catalogue, rasa_url=f"http://127.0.0.1:{free_port()}", rasa_timeout=2) as c:
        yield c


@pytest.fixture
def rasa_client(settings, catalogue, fake_rasa) -> Iterator[TestClient]:
    # generous: the fake answers at once, and a loaded CI machine must not turn a reply into a timeout
    with make_client(settings, catalogue, rasa_url=fake_rasa.url, rasa_timeout=5) as c:
        yield c


def chat(client, message, sender="kiosk-session-1", **extra):
    """One message in the conversation this test calls `sender`: the first message sends the label itself (an id the
    server did not issue: a new conversation starts), later ones the conversation id the server answered with."""
    conversations = client.__dict__.setdefault("conversations", {})
    response = client.post(
        "/api/chat", json={"sender_id": conversations.get(sender, sender), "message": message, **extra}
    )
    assert response.status_code == 200, response.text
    data = response.json()
    conversations[sender] = data["sender_id"]
    return data


def rasa_sender(client, sender="kiosk-session-1") -> str:
    """The sender id Rasa knows the conversation by."""
    state = client.app.state
    conversation = identity.read_conversation(state.secret, client.conversations[sender], state.clock.now().timestamp())
    assert conversation is not None
    return f"cv-{conversation}"


def events(session) -> list[ChatEvent]:
    session.expire_all()
    return list(session.scalars(select(ChatEvent).order_by(ChatEvent.id)))


# ---- Rasa really down ---------------------------------------------------------------------------


def test_fallback_answers_from_the_catalogue(down_client, session):
    body = chat(down_client, "lam giay khai sinh can gi")
    assert body["source"] == "fallback"
    notice, reply = body["replies"]
    assert notice["text"].startswith(NOTICE_START) and "UBND xã Thử Nghiệm" in notice["text"]
    assert notice["buttons"] == []
    assert reply["text"].startswith("Thủ tục Đăng ký khai sinh — giấy tờ cần chuẩn bị:")
    assert "Giấy chứng sinh" in reply["text"]
    assert {"title": "Lệ phí", "payload": '/ask_fee{"procedure_code":"1.001193"}'} in reply["buttons"]

    [event] = events(session)
    assert event.channel == "chat" and event.procedure_code == "1.001193" and event.intent == "ask_documents"
    assert event.text_redacted == "lam giay khai sinh can gi"
    assert event.sender_hash == sender_hash(TEST_SECRET.encode(), "chat", rasa_sender(down_client))
    assert "kiosk-session-1" not in event.sender_hash


@pytest.mark.parametrize(
    "message, expected",
    [
        ("chứng thực 1 bản 10 trang hết bao nhiêu tiền", "12.000 đồng"),
        ("dang ki khai sinh co mat tien k", "Miễn phí"),
        ("xac nhan tinh trang hon nhan may ngay thi xong", "3 ngày làm việc"),
        ("Phí chứng thực chữ ký bao nhiêu vậy?", "10.000 đồng"),
        ('/ask_fee{"procedure_code":"1.004222"}', "20.000 đồng/lần đăng ký; nộp trực tuyến: 10.000 đồng"),
        ('/ask_procedure{"procedure_code":"1.000656"}', "Thủ tục Đăng ký khai tử (lĩnh vực Hộ tịch)"),
    ],
)
def test_fallback_answers(down_client, message, expected):
    body = chat(down_client, message)
    assert body["source"] == "fallback" and body["replies"][0]["text"].startswith(NOTICE_START)
    assert expected in body["replies"][1]["text"]


def test_fallback_unsure_offers_choices(down_client):
    reply = chat(down_client, "thế còn làm lại giấy tờ khai sinh")["replies"][1]
    assert reply["text"].startswith("Ông/bà muốn hỏi thủ tục nào")
    assert '/ask_procedure{"procedure_code":"1.004884"}' in [b["payload"] for b in reply["buttons"]]


def test_fallback_lost_shows_the_menu(down_client):
    reply = chat(down_client, "thời tiết hôm nay thế nào")["replies"][1]
    assert reply["text"].startswith("Xin lỗi") and "Trợ lý Một cửa" in reply["text"]
    assert {"title": "Gặp cán bộ", "payload": "/request_officer"} in reply["buttons"]
    greeting = chat(down_client, "chào bạn")["replies"][1]
    assert greeting["text"].startswith("Xin chào")


def test_fallback_dossier_questions_point_to_the_lookup(down_client, session):
    reply = chat(down_client, "Tôi muốn tra cứu hồ sơ 000.00.06.H56-261105-0003")["replies"][1]
    assert "Tra cứu hồ sơ" in reply["text"]
    [event] = events(session)
    assert "261105" not in event.text_redacted and "[dossier-code]" in event.text_redacted


def test_fallback_officer_request_is_recorded(down_client, session):
    first = chat(down_client, "/request_officer", sender="zalo-user-7", channel="zalo")["replies"][1]["text"]
    assert "yêu cầu gặp cán bộ số" in first and "qua Zalo" in first
    again = chat(down_client, "cho tôi nói chuyện với cán bộ", sender="zalo-user-7", channel="zalo")
    assert "đã được ghi nhận trước đó" in again["replies"][1]["text"]
    session.expire_all()
    [row] = session.scalars(select(HandoffRequest)).all()
    assert row.channel == "zalo" and row.status == "cho" and row.sender_hash != "zalo-user-7"


def test_fallback_logs_redacted_text(down_client, session):
    text = "tôi tên Lan, đt 0912 345 678, email lan@example.com, mã 001234567890, làm khai sinh ở đâu"
    chat(down_client, text, sender="s-2", channel="kiosk")
    [event] = events(session)
    for personal in ("0912", "345 678", "lan@example.com", "001234567890"):
        assert personal not in event.text_redacted
    assert "[phone]" in event.text_redacted and "[email]" in event.text_redacted
    assert "[id-number]" in event.text_redacted
    assert event.channel == "kiosk" and event.procedure_code == "1.001193"


# ---- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"sender_id": "s", "message": ""},
        {"sender_id": "s", "message": "   \n "},
        {"sender_id": "s", "message": "a" * 1001},
        {"sender_id": "", "message": "xin chào"},
        {"sender_id": "x" * 129, "message": "xin chào"},
        {"sender_id": "s"},
        {"sender_id": "s", "message": "xin chào", "channel": "fax"},
        {"sender_id": "s", "message": 42},
    ],
)
def test_invalid_input_is_422_json(down_client, body, session):
    response = down_client.post("/api/chat", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"
    assert events(session) == []


def test_longest_message_and_sender_are_accepted(down_client):
    assert chat(down_client, "khai sinh " + "a" * 990, sender="x" * 128)["source"] == "fallback"


# ---- the Rasa protocol --------------------------------------------------------------------------


def test_request_to_rasa_and_reply_mapping(rasa_client, fake_rasa, session):
    fake_rasa.reply = [
        {"recipient_id": "kiosk-session-1", "text": "Thủ tục Đăng ký khai sinh — giấy tờ cần chuẩn bị:"},
        {"recipient_id": "kiosk-session-1", "text": "1. Tờ khai\n2. Giấy chứng sinh"},
        {
            "recipient_id": "kiosk-session-1",
            "text": "Ông/bà cần gì thêm?",
            "buttons": [{"title": "Lệ phí", "payload": '/ask_fee{"procedure_code":"1.001193"}'}],
        },
        {"recipient_id": "kiosk-session-1", "image": "http://127.0.0.1/mau-to-khai.png"},
        {"recipient_id": "kiosk-session-1", "custom": {"text": "Cảm ơn ông/bà!"}},
        {"recipient_id": "kiosk-session-1", "custom": {"something": "else"}},
    ]
    fake_rasa.tracker = {
        "sender_id": "kiosk-session-1",
        "slots": {"procedure_code": "1.001193", "other": None},
        "latest_message": {"text": "…", "intent": {"name": "ask_documents", "confidence": 0.97}},
    }
    body = chat(rasa_client, "lam giay khai sinh can gi")
    assert body["source"] == "assistant"
    assert body["replies"] == [
        {
            "text": "Thủ tục Đăng ký khai sinh — giấy tờ cần chuẩn bị:\n\n1. Tờ khai\n2. Giấy chứng sinh"
            "\n\nÔng/bà cần gì thêm?",
            "buttons": [{"title": "Lệ phí", "payload": '/ask_fee{"procedure_code":"1.001193"}'}],
            "image": None,
        },
        {"text": "", "buttons": [], "image": "http://127.0.0.1/mau-to-khai.png"},
        {"text": "Cảm ơn ông/bà!", "buttons": [], "image": None},
    ]

    [post] = fake_rasa.posts()
    assert post["path"] == "/webhooks/rest/webhook" and post["content_type"] == "application/json"
    sent = post["body"]
    assert sent["sender"] == rasa_sender(rasa_client) and sent["message"] == "lam giay khai sinh can gi"
    state = rasa_client.app.state
    ticket = sent["metadata"]["client"]
    assert identity.read_client_ticket(state.secret, ticket, state.clock.now().timestamp()) == "addr:testclient"

    tracker_calls = [r for r in fake_rasa.requests if r["method"] == "GET"]
    token = state.settings.resolved_rasa_token()
    assert tracker_calls and tracker_calls[0]["path"] == (
        f"/conversations/{rasa_sender(rasa_client)}/tracker?include_events=NONE&token={token}"
    )
    [event] = events(session)
    assert (event.intent, event.procedure_code, event.confidence) == ("ask_documents", "1.001193", 0.97)


def test_the_client_ticket_names_the_client_not_the_sender(rasa_client, fake_rasa):
    """Throttling follows who is chatting (here the test client's address), whatever sender id it chooses."""
    chat(rasa_client, "xin chào", sender="a")
    chat(rasa_client, "xin chào", sender="b")
    state = rasa_client.app.state
    now = state.clock.now().timestamp()
    posts = fake_rasa.posts()
    assert {identity.read_client_ticket(state.secret, p["body"]["metadata"]["client"], now) for p in posts} == {
        "addr:testclient"
    }
    assert len({p["body"]["sender"] for p in posts}) == 2  # two conversations


def test_conversations_are_issued_by_the_server(rasa_client, fake_rasa):
    """A client that copies or guesses a conversation id it was not given does not join that conversation."""
    first = rasa_client.post("/api/chat", json={"message": "xin chào"}).json()
    again = rasa_client.post("/api/chat", json={"message": "khai sinh", "sender_id": first["sender_id"]}).json()
    assert again["sender_id"] == first["sender_id"]
    forged = first["sender_id"][:-2] + ("AA" if not first["sender_id"].endswith("AA") else "BB")
    other = rasa_client.post("/api/chat", json={"message": "khai sinh", "sender_id": forged}).json()
    plain = rasa_client.post("/api/chat", json={"message": "khai sinh", "sender_id": "kiosk-123"}).json()
    senders = [p["body"]["sender"] for p in fake_rasa.posts()]
    assert senders[0] == senders[1] and len(set(senders)) == 3
    assert len({first["sender_id"], other["sender_id"], plain["sender_id"]}) == 3


def test_without_tracker_api_events_have_no_intent(rasa_client, fake_rasa, session):
    chat(rasa_client, "xin chào")
    chat(rasa_client, "xin chào lần nữa")
    # the tracker API answered 404 once: not asked again
    assert len([r for r in fake_rasa.requests if r["method"] == "GET"]) == 1
    assert [(e.intent, e.procedure_code) for e in events(session)] == [(None, None), (None, None)]


@pytest.mark.parametrize(
    "setup",
    [
        {"status": 500},
        {"status": 404},
        {"reply": []},
        {"reply": {"not": "a list"}},
        {"raw": b"<html>not json</html>"},
        {"reply": [{"recipient_id": "x"}]},
    ],
)
def test_rasa_errors_fall_back(rasa_client, fake_rasa, setup):
    for key, value in setup.items():
        setattr(fake_rasa, key, value)
    body = chat(rasa_client, "lam giay khai sinh can gi")
    assert body["source"] == "fallback"
    assert body["replies"][0]["text"].startswith(NOTICE_START)
    assert "Giấy chứng sinh" in body["replies"][1]["text"]


def test_slow_rasa_falls_back_after_the_timeout(settings, catalogue, fake_rasa):
    fake_rasa.delay = 2.0
    with make_client(settings, catalogue, rasa_url=fake_rasa.url, rasa_timeout=0.5) as client:
        chat(client, "khai sinh cần gì")  # the catalogue's question index is built by the first fallback, not timed
        started = time.monotonic()
        body = chat(client, "dang ky ket hon co mat tien k")
        elapsed = time.monotonic() - started
    assert body["source"] == "fallback" and "Miễn phí" in body["replies"][1]["text"]
    assert elapsed < 1.9


# ---- pure mapping -------------------------------------------------------------------------------


def test_to_replies_merging_rules():
    assert to_replies([]) == []
    long = "x" * 600
    assert [r.text for r in to_replies([{"text": long}, {"text": long}])] == [long, long]
    mapped = to_replies(
        [
            {"text": "Chọn một:", "buttons": [{"title": "A", "payload": "/a"}]},
            {"text": "Sau nút"},
            {"buttons": [{"title": "B", "payload": "/b"}, {"title": 1, "payload": "/bad"}]},
        ]
    )
    assert mapped == [ReplyData("Chọn một:", [("A", "/a")]), ReplyData("Sau nút", [("B", "/b")])]


def test_parse_tracker():
    info = parse_tracker({"latest_message": {"intent": {"name": "ask_fee", "confidence": 1}}, "slots": {}})
    assert (info.intent, info.confidence, info.procedure_code) == ("ask_fee", 1.0, None)
    assert parse_tracker([]) is None
    assert parse_tracker({}).intent is None


def test_one_unsure_candidate_is_asked_about_by_name():
    procedure = load_catalogue().get("1.001193")
    reply = menus.choices([procedure])
    assert reply.text == "Có phải ông/bà hỏi về thủ tục «Đăng ký khai sinh»?"
    assert [b.payload for b in reply.buttons] == ['/ask_procedure{"procedure_code":"1.001193"}']


def test_test_settings_never_point_at_a_local_rasa(settings):
    """A Rasa the developer started on the default port must not answer the tests' chats."""
    assert settings.rasa_url != type(settings).model_fields["rasa_url"].default
    assert settings.rasa_url.startswith("http://127.0.0.1:")
