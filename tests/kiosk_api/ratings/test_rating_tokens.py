"""Signed rating tokens (kiosk_api.ratings.token) and the service helpers that issue them."""

from __future__ import annotations

import base64
import string
from datetime import date, timedelta

import pytest

from kiosk_api.ratings import service as rating_service
from kiosk_api.ratings.token import RatingTicket, TokenExpired, TokenInvalid, _sign, make_token, read_token

SECRET = b"test-secret-key-not-for-production"
EXPIRES = date(2027, 2, 18)
TODAY = date(2026, 11, 20)
ALPHABET = string.ascii_letters + string.digits + "-_.="


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_round_trip():
    token = make_token(SECRET, 42, EXPIRES)
    assert read_token(SECRET, token, TODAY) == RatingTicket(42, EXPIRES)
    assert make_token(SECRET, 42, EXPIRES) == token  # deterministic: the same slip all day long
    assert make_token(SECRET, 43, EXPIRES) != token
    assert make_token(SECRET, 42, EXPIRES + timedelta(days=1)) != token


def test_token_is_short_url_safe_and_carries_nothing_personal():
    token = make_token(SECRET, 123456, EXPIRES)
    assert set(token) <= set(string.ascii_letters + string.digits + "-_.")
    assert len(token) < 50  # keeps the QR code small enough for an 80 mm slip
    payload = base64.urlsafe_b64decode(token.split(".")[0] + "==")
    assert payload == b"123456:20270218"


def test_every_one_character_change_is_refused():
    token = make_token(SECRET, 42, EXPIRES)
    accepted = []
    for i, original in enumerate(token):
        for ch in ALPHABET:
            if ch == original:
                continue
            variant = token[:i] + ch + token[i + 1 :]
            try:
                read_token(SECRET, variant, TODAY)
            except TokenInvalid:
                continue
            accepted.append(variant)
    assert accepted == []


@pytest.mark.parametrize(
    "bad",
    ["", ".", "abc", "abc.def", "a.b.c", "NDI6MjAyNjEyMDE", "…😀.x", "%%%.%%%", " " * 5],
)
def test_garbage_is_refused(bad):
    with pytest.raises(TokenInvalid):
        read_token(SECRET, bad, TODAY)


def test_truncated_and_extended_tokens_are_refused():
    token = make_token(SECRET, 42, EXPIRES)
    for variant in (token[:-1], token[1:], token + "A", token.replace(".", "..")):
        with pytest.raises(TokenInvalid):
            read_token(SECRET, variant, TODAY)


def test_another_secret_is_refused():
    token = make_token(b"another-commune-secret", 42, EXPIRES)
    with pytest.raises(TokenInvalid):
        read_token(SECRET, token, TODAY)


@pytest.mark.parametrize("payload", [b"42", b"x:20270218", b"42:", b":20270218", b"42:20271340", b"42:20270218:1"])
def test_well_signed_but_malformed_payload_is_refused(payload):
    token = f"{b64(payload)}.{b64(_sign(SECRET, payload))}"
    with pytest.raises(TokenInvalid):
        read_token(SECRET, token, TODAY)


def test_expiry_day_is_the_last_valid_day():
    token = make_token(SECRET, 42, EXPIRES)
    assert read_token(SECRET, token, EXPIRES).dossier_id == 42
    with pytest.raises(TokenExpired) as caught:
        read_token(SECRET, token, EXPIRES + timedelta(days=1))
    assert str(caught.value) == "2027-02-18"


def test_expired_token_with_a_bad_signature_is_invalid_not_expired():
    token = make_token(b"other", 42, date(2020, 1, 1))
    with pytest.raises(TokenInvalid):
        read_token(SECRET, token, TODAY)


def test_service_issues_tokens_valid_for_the_configured_days():
    token = rating_service.token_for(SECRET, 7, today=TODAY, valid_days=90)
    assert read_token(SECRET, token, TODAY + timedelta(days=90)) == RatingTicket(7, TODAY + timedelta(days=90))
    with pytest.raises(TokenExpired):
        read_token(SECRET, token, TODAY + timedelta(days=91))
    assert rating_service.rating_url("http://192.168.1.10:8000/", token) == f"http://192.168.1.10:8000/r/{token}"
    assert rating_service.counter_url("http://192.168.1.10:8000", "quay-2") == "http://192.168.1.10:8000/r/quay/quay-2"
