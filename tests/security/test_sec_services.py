"""Findings H1, H2 and the internal services, black-box: the whole assistant as it runs (kiosk_api, Rasa with the
trained model, the action server), attacked the way the probe did."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.bot_stack import MODEL, BotStack, reply_text

pytestmark = pytest.mark.bot


@pytest.fixture(scope="module")
def guarded() -> Iterator[BotStack]:
    """The stack with the default lookup limits (the conversation tests raise them)."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: ./scripts/test trains it before running pytest")
    stack = BotStack().start(KIOSK_LOOKUP_MAX_FAILURES="5", KIOSK_LOOKUP_CODE_MAX_FAILURES="5")
    yield stack
    stack.stop()


def listening(port: int) -> set[str]:
    """The local addresses a TCP port listens on, read from /proc/net/tcp and tcp6."""
    found = set()
    for name, size in (("tcp", 4), ("tcp6", 16)):
        table = Path(f"/proc/net/{name}")
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].split(":")
            if fields[3] == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                # /proc writes each 32-bit word in host (little-endian) order.
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(socket.inet_ntop(socket.AF_INET if size == 4 else socket.AF_INET6, words))
    return found


def test_rasa_and_the_action_server_listen_on_loopback_only(guarded):
    assert listening(guarded.rasa_port) == {"127.0.0.1"}
    assert listening(guarded.actions_port) == {"127.0.0.1"}


def test_the_action_server_and_rasas_api_need_their_tokens(guarded):
    call = {"next_action": "action_lookup_dossier", "sender_id": "x", "tracker": {}, "domain": {}, "version": "3.6.2"}
    actions = f"http://127.0.0.1:{guarded.actions_port}/webhook"
    assert httpx.post(actions, json=call, timeout=10).status_code == 401
    assert httpx.post(actions, json=call, headers={"X-Actions-Token": "guess"}, timeout=10).status_code == 401
    tracker = f"{guarded.rasa_url}/conversations/anyone/tracker"
    assert httpx.get(tracker, timeout=10).status_code == 401
    assert httpx.get(tracker, params={"token": guarded.env["KIOSK_RASA_TOKEN"]}, timeout=10).status_code == 200


def chat_from(stack: BotStack, address: str, message: str) -> str:
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(transport=transport, timeout=60) as client:
        response = client.post(f"{stack.api_url}/api/chat", json={"message": message})
        response.raise_for_status()
        return reply_text(response.json())


def test_guessing_the_digits_through_the_chat_from_many_addresses_discloses_nothing(guarded):
    """30 wrong-digit tries for one dossier from 30 loopback addresses and 30 conversations, then the right digits
    from another address: the dossier is locked, its status is not disclosed."""
    target = guarded.dossiers["ok"]
    for i in range(30):
        guess = f"{i:04d}" if f"{i:04d}" != target.phone_last4 else "9999"
        chat_from(guarded, f"127.0.4.{i + 1}", f"tra cứu hồ sơ {target.code} 4 số cuối {guess}")
    answer = chat_from(guarded, "127.0.4.200", f"tra cứu hồ sơ {target.code} 4 số cuối {target.phone_last4}")
    assert "tạm khóa tra cứu" in answer
    assert "Đang xử lý" not in answer and "Ngày hẹn trả" not in answer


def test_metadata_written_straight_to_rasa_buys_no_budget(guarded):
    """H2: a caller on the host who talks to Rasa's REST channel directly and writes its own metadata.client gets
    one shared, strict budget, not one per value."""
    webhook = f"{guarded.rasa_url}/webhooks/rest/webhook"
    for i in range(5):
        body = {
            "sender": f"probe-{secrets.token_hex(4)}",
            "message": f"tra cứu hồ sơ 000.00.06.H56-261120-88{i:02d} 4 số cuối 1234",
            "metadata": {"client": f"chat:{secrets.token_hex(8)}"},
        }
        httpx.post(webhook, json=body, timeout=60).raise_for_status()
    target = guarded.dossiers["done"]
    body = {
        "sender": f"probe-{secrets.token_hex(4)}",
        "message": f"tra cứu hồ sơ {target.code} 4 số cuối {target.phone_last4}",
        "metadata": {"client": f"chat:{secrets.token_hex(8)}"},
    }
    answer = "\n".join(m.get("text") or "" for m in httpx.post(webhook, json=body, timeout=60).json())
    assert "thử lại sau" in answer and "Đã có kết quả" not in answer


def test_a_ballot_with_a_dossier_code_alone_is_refused(guarded):
    body = {
        "channel": "chat",
        "satisfaction": "khong_hai_long",
        "dossier_code": guarded.dossiers["done"].code,
        "idempotency_key": "probe-h3",
    }
    response = httpx.post(f"{guarded.api_url}/api/ratings", json=body, timeout=10)
    assert response.status_code == 403 and response.json()["error"] == "dossier_needs_token"
