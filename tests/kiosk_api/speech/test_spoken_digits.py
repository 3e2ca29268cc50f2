"""Digits said aloud at the lookup keypad (domain.spoken_digits) and POST /api/speech/digits."""

from __future__ import annotations

import pytest

from kiosk_api.domain.spoken_digits import digits_from_speech


@pytest.mark.parametrize(
    ("said", "digits"),
    [
        ("không chín một hai", "0912"),
        ("Số đuôi là bốn năm sáu bảy ạ", "4567"),
        ("tư lăm mốt bẩy", "4517"),  # the other ways the digits are said
        ("hai sáu một một không năm, linh linh không ba", "2611050003"),
        ("09 12", "0912"),  # what the recogniser wrote as figures
        ("mười hai, ba mươi lăm, hai mươi", "123520"),  # tens said as numbers
        ("cho tôi tra cứu hồ sơ", ""),
    ],
)
def test_the_digits_said_in_order(said, digits):
    assert digits_from_speech(said) == digits


def test_the_digits_api(client):
    assert client.post("/api/speech/digits", json={"text": "không chín một hai"}).json() == {"digits": "0912"}
    assert client.post("/api/speech/digits", json={"text": "ờ"}).json() == {"digits": ""}
    assert client.post("/api/speech/digits", json={}).status_code == 422
