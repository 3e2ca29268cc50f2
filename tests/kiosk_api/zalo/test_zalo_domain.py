"""Zalo rules without I/O: the webhook signature, events, splitting long answers, numbered buttons, back-off."""

from __future__ import annotations

import hashlib
import random
import re

import pytest

from kiosk_api.zalo import rules as zalo
from kiosk_api.zalo.client import backoff_delay
from kiosk_api.zalo.rules import Choice, EventKind, ReplyPart
from tests.support.zalo_fake import APP_ID, OA_ID, OA_SECRET, sign, signed, text_event

# ---- signature ----------------------------------------------------------------------------------


def test_signature_is_the_plain_sha256_of_app_id_body_timestamp_secret():
    raw = b'{"event_name":"user_send_text","timestamp":"1763800000000"}'
    expected = hashlib.sha256(f"{APP_ID}{raw.decode()}1763800000000{OA_SECRET}".encode()).hexdigest()
    assert zalo.signature(APP_ID, raw, "1763800000000", OA_SECRET) == expected == sign(raw, "1763800000000")


@pytest.mark.parametrize("prefix", ["mac=", "", "MAC=", " mac= "])
def test_signature_accepted_with_or_without_the_mac_prefix(prefix):
    event = text_event("u1", "xin chào")
    raw, headers = signed(event, prefix=prefix)
    ok = zalo.signature_valid(
        headers["X-ZEvent-Signature"], app_id=APP_ID, raw_body=raw, timestamp=event["timestamp"], oa_secret=OA_SECRET
    )
    assert ok


def test_signature_upper_case_hex_is_accepted():
    raw = b"{}"
    header = "mac=" + sign(raw, "1").upper()
    assert zalo.signature_valid(header, app_id=APP_ID, raw_body=raw, timestamp="1", oa_secret=OA_SECRET)


@pytest.mark.parametrize(
    "change",
    ["body", "timestamp", "secret", "app_id", "missing", "empty", "garbage", "non_ascii"],
)
def test_signature_rejected(change):
    event = text_event("u1", "xin chào")
    raw, headers = signed(event)
    header = headers["X-ZEvent-Signature"]
    args = dict(app_id=APP_ID, raw_body=raw, timestamp=event["timestamp"], oa_secret=OA_SECRET)
    if change == "body":
        args["raw_body"] = raw.replace("xin chào".encode(), b"xin chao")
    elif change == "timestamp":
        args["timestamp"] = "1"
    elif change == "secret":
        args["oa_secret"] = "another"
    elif change == "app_id":
        args["app_id"] = "999"
    elif change == "missing":
        header = None
    elif change == "empty":
        header = "mac="
    elif change == "garbage":
        header = "mac=xyz"
    elif change == "non_ascii":
        header = "mac=chữ ký"
    assert not zalo.signature_valid(header, **args)


# ---- events -------------------------------------------------------------------------------------


def test_parse_and_classify_a_text_message():
    event = zalo.parse_event(text_event("8001", "làm khai sinh cần gì", msg_id="abc"))
    assert (event.name, event.sender_id, event.recipient_id, event.msg_id) == ("user_send_text", "8001", OA_ID, "abc")
    assert event.text == "làm khai sinh cần gì" and event.timestamp.isdigit()
    assert zalo.classify(event, OA_ID) is EventKind.TEXT
    assert zalo.dedupe_source(event) == "msg\x00abc"


def test_classify_follow_echo_and_others():
    follow = zalo.parse_event(
        {"event_name": "follow", "app_id": APP_ID, "timestamp": 1, "follower": {"id": "8002"}, "oa_id": OA_ID}
    )
    assert zalo.classify(follow, OA_ID) is EventKind.FOLLOW and follow.timestamp == "1"
    assert zalo.dedupe_source(follow) == "event\x00follow\x008002\x001"

    echo = zalo.parse_event({**text_event(OA_ID, "trả lời"), "event_name": "oa_send_text"})
    assert zalo.classify(echo, OA_ID) is EventKind.ECHO
    own = zalo.parse_event(text_event(OA_ID, "tin của OA"))
    assert zalo.classify(own, OA_ID) is EventKind.ECHO
    sticker = zalo.parse_event({**text_event("8001", ""), "event_name": "user_send_sticker"})
    assert zalo.classify(sticker, OA_ID) is EventKind.OTHER
    blank = zalo.parse_event(text_event("8001", "   "))
    assert zalo.classify(blank, OA_ID) is EventKind.OTHER
    anonymous = zalo.parse_event({"event_name": "user_send_text", "message": {"text": "a"}})
    assert zalo.classify(anonymous, OA_ID) is EventKind.OTHER


@pytest.mark.parametrize("data", [[], "x", None, {}, {"event_name": ""}, {"event_name": 5}])
def test_not_an_event(data):
    with pytest.raises(zalo.InvalidEvent):
        zalo.parse_event(data)


# ---- splitting ----------------------------------------------------------------------------------


def _words(chunks: list[str]) -> list[str]:
    return " ".join(chunks).split()


def test_short_text_is_one_message():
    assert zalo.split_text("  Xin chào ông/bà.  ") == ["Xin chào ông/bà."]
    assert zalo.split_text("") == []


def test_split_on_paragraphs_first():
    para = "Câu một dài vừa phải. " * 40  # ~880 characters
    text = "\n\n".join([para.strip()] * 5)
    chunks = zalo.split_text(text)
    assert len(chunks) == 3 and all(len(c) <= zalo.TEXT_LIMIT for c in chunks)
    assert all(c.endswith(".") for c in chunks)  # every cut falls between paragraphs
    assert _words(chunks) == text.split()


def test_a_paragraph_longer_than_the_limit_is_cut_between_sentences_then_words():
    sentence = "Hồ sơ gồm tờ khai theo mẫu và giấy chứng sinh bản chính. "
    text = (sentence * 80).strip()  # one paragraph of ~4,600 characters
    chunks = zalo.split_text(text)
    assert len(chunks) == 3 and all(len(c) <= zalo.TEXT_LIMIT for c in chunks)
    assert all(c.endswith("bản chính.") for c in chunks)
    assert _words(chunks) == text.split()

    run_on = " ".join(["thủtục"] * 700)  # no sentence ends: cut between words, never inside one
    chunks = zalo.split_text(run_on, limit=500)
    assert all(len(c) <= 500 for c in chunks) and _words(chunks) == run_on.split()
    assert all(set(c.split()) == {"thủtục"} for c in chunks)


def test_a_word_longer_than_the_limit_is_cut():
    link = "http://192.168.1.10:8000/r/" + "a" * 130
    chunks = zalo.split_text(f"Xem tại {link} nhé", limit=100)
    assert all(len(c) <= 100 for c in chunks)
    assert "".join(chunks).replace(" ", "") == f"Xemtại{link}nhé"


def test_split_random_texts_respects_the_limit_and_keeps_every_word():
    rng = random.Random(7)
    vocabulary = ["giấy", "khai", "sinh", "chứng", "thực.", "bản", "sao", "lệ", "phí!", "\n", "\n\n", "ngày"]
    for _ in range(50):
        text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 1500)))
        limit = rng.choice([50, 200, 2000])
        chunks = zalo.split_text(text, limit=limit)
        assert all(0 < len(c) <= limit for c in chunks)
        assert _words(chunks) == text.split()


# ---- numbered buttons ---------------------------------------------------------------------------

CHOICES = [Choice("Khai sinh", "/ask_procedure{a}"), Choice("Kết hôn", "/ask_procedure{b}"), Choice("Gặp cán bộ", "/o")]


@pytest.mark.parametrize(
    "message, payload",
    [
        ("1", "/ask_procedure{a}"),
        (" 2 ", "/ask_procedure{b}"),
        ("3.", "/o"),
        ("số 2", "/ask_procedure{b}"),
        ("so 1", "/ask_procedure{a}"),
        ("Chọn 3", "/o"),
        ("chon so 2", "/ask_procedure{b}"),
        ("4", None),
        ("0", None),
        ("12", None),
        ("1 bản sao", None),
        ("khai sinh", None),
    ],
)
def test_a_number_picks_a_choice(message, payload):
    assert zalo.picked_payload(message, CHOICES) == payload


def test_a_number_without_choices_is_just_text():
    assert zalo.picked_payload("1", []) is None


def test_compose_numbers_buttons_across_replies_and_invites_to_rate():
    messages, offered = zalo.compose(
        [
            ReplyPart("Trợ lý đang tạm gián đoạn.", []),
            ReplyPart("Ông/bà muốn hỏi thủ tục nào?", CHOICES[:2]),
            ReplyPart("", [CHOICES[2]], image="http://x/a.png"),
        ],
        rating_url="http://kiosk/r/abc",
    )
    assert offered == CHOICES
    [text] = messages
    assert text.splitlines() == [
        "Trợ lý đang tạm gián đoạn.",
        "",
        "Ông/bà muốn hỏi thủ tục nào?",
        "",
        "1. Khai sinh",
        "2. Kết hôn",
        "",
        "Xem hình: http://x/a.png",
        "",
        "3. Gặp cán bộ",
        "",
        "Ông/bà trả lời một số từ 1 đến 3 để chọn.",
        "",
        "Mời ông/bà đánh giá mức độ hài lòng về việc giải quyết hồ sơ: http://kiosk/r/abc",
    ]


def test_compose_prompts_and_limits():
    assert zalo.choose_prompt(1) == "Ông/bà trả lời số 1 để chọn."
    assert zalo.choose_prompt(2) == "Ông/bà trả lời số 1 hoặc 2 để chọn."
    many = [Choice(f"Mục {i}", f"/p{i}") for i in range(30)]
    messages, offered = zalo.compose([ReplyPart("Chọn:", many)])
    assert len(offered) == zalo.MAX_BUTTONS
    assert f"{zalo.MAX_BUTTONS}. Mục {zalo.MAX_BUTTONS - 1}" in messages[0]
    long_messages, _ = zalo.compose([ReplyPart("x " * 1500, []), ReplyPart("y " * 1500, CHOICES)])
    assert len(long_messages) == 4 and all(len(m) <= zalo.TEXT_LIMIT for m in long_messages)  # 6,100 characters
    assert re.search(r"^1\. Khai sinh$", long_messages[-1], flags=re.M)


# ---- back-off -----------------------------------------------------------------------------------


def test_backoff_doubles_with_bounded_jitter():
    rng = random.Random(1)
    delays = [backoff_delay(n, 0.5, rng) for n in (1, 2, 3, 4)]
    for n, delay in enumerate(delays, 1):
        assert 0.5 * 2 ** (n - 1) <= delay <= 0.5 * 2 ** (n - 1) + 0.5
    assert backoff_delay(3, 0) == 0
