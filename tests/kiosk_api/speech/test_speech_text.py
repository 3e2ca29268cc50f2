"""The speech-text normaliser (pure): numbers, money, dates, times, codes, abbreviations; WER; vocabulary."""

from __future__ import annotations

import unicodedata

import pytest

from kiosk_api.domain.speech_text import (
    normalise_for_speech,
    number_words,
    split_for_speech,
    word_error_rate,
    word_errors,
)
from kiosk_api.speech.vocabulary import build_vocabulary, phrase_words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (55, "năm mươi lăm"),
        (100, "một trăm"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (115, "một trăm mười lăm"),
        (1000, "một nghìn"),
        (1005, "một nghìn không trăm linh năm"),
        (1050, "một nghìn không trăm năm mươi"),
        (2024, "hai nghìn không trăm hai mươi tư"),
        (12_000, "mười hai nghìn"),
        (1_500_000, "một triệu năm trăm nghìn"),
        (1_000_050, "một triệu không trăm năm mươi"),
        (2_000_000_000, "hai tỷ"),
        (3_250_000_000, "ba tỷ hai trăm năm mươi triệu"),
        (1_000_000_000_000, "một nghìn tỷ"),
    ],
)
def test_number_words(n, words):
    assert number_words(n) == words


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Lệ phí: 2.000 đồng.", "Lệ phí: hai nghìn đồng."),
        ("50.000đ", "năm mươi nghìn đồng"),
        ("1.500.000 VNĐ", "một triệu năm trăm nghìn đồng"),
        ("100.000 VND", "một trăm nghìn đồng"),
        ("8.000 đồng/trang", "tám nghìn đồng một trang"),
    ],
)
def test_money(text, spoken):
    assert normalise_for_speech(text) == spoken


def test_decimal_comma_and_percent():
    assert normalise_for_speech("Tỷ lệ 17,1 %") == "Tỷ lệ mười bảy phẩy một phần trăm"
    assert normalise_for_speech("0,5") == "không phẩy năm"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("14/3/2024", "ngày mười bốn tháng ba năm hai nghìn không trăm hai mươi tư"),
        ("Hẹn trả ngày 20/11/2026.", "Hẹn trả ngày hai mươi tháng mười một năm hai nghìn không trăm hai mươi sáu."),
        ("2026-04-01", "ngày một tháng tư năm hai nghìn không trăm hai mươi sáu"),
        ("tháng 3/2024", "tháng ba năm hai nghìn không trăm hai mươi tư"),
        ("ngày 5/3", "ngày năm tháng ba"),
    ],
)
def test_dates(text, spoken):
    assert normalise_for_speech(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("8:30", "tám giờ ba mươi phút"),
        ("7h30", "bảy giờ ba mươi phút"),
        ("từ 7h đến 17h", "từ bảy giờ đến mười bảy giờ"),
        ("14 giờ", "mười bốn giờ"),
    ],
)
def test_times(text, spoken):
    assert normalise_for_speech(text) == spoken


def test_dossier_code_read_digit_by_digit():
    assert normalise_for_speech("Mã hồ sơ 000.00.06.H56-261120-0101.") == (
        "Mã hồ sơ không không không chấm không không chấm không sáu chấm hát năm sáu gạch "
        "hai sáu một một hai không gạch không một không một."
    )


def test_procedure_code_phone_and_id_numbers_digit_by_digit():
    assert normalise_for_speech("Thủ tục 1.004873") == "Thủ tục một chấm không không bốn tám bảy ba"
    assert normalise_for_speech("Gọi 0912 345 101") == "Gọi không chín một hai, ba bốn năm, một không một"
    assert normalise_for_speech("CCCD 001234567890") == (
        "căn cước công dân không không một hai ba bốn năm sáu bảy tám chín không"
    )


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("UBND xã", "Ủy ban nhân dân xã"),
        ("HĐND", "Hội đồng nhân dân"),
        ("mang CCCD", "mang căn cước công dân"),
        ("TTHC", "thủ tục hành chính"),
        ("thẻ BHYT", "thẻ bảo hiểm y tế"),
        ("Nghị định 63/2010/NĐ-CP", "Nghị định số sáu mươi ba năm hai nghìn không trăm mười Nghị định của Chính phủ"),
        ("ông/bà", "ông bà"),
        ("nộp tại TTPVHCC", "nộp tại Trung tâm Phục vụ hành chính công"),
        ("thuế TNCN của HKD", "thuế thu nhập cá nhân của hộ kinh doanh"),
    ],
)
def test_abbreviations(text, spoken):
    assert normalise_for_speech(text) == spoken


def test_abbreviation_inside_a_word_is_left_alone():
    assert normalise_for_speech("UBNDX") == "UBNDX"


def test_nfc_and_symbols():
    decomposed = unicodedata.normalize("NFD", "Thủ tục Đăng ký khai sinh — lệ phí:\n• Miễn phí")
    spoken = normalise_for_speech(decomposed)
    assert spoken == unicodedata.normalize("NFC", spoken)
    assert spoken == "Thủ tục Đăng ký khai sinh, lệ phí:\nMiễn phí"
    assert normalise_for_speech("3–5 ngày") == "ba đến năm ngày"


def test_a_whole_answer_has_no_digits_left():
    answer = (
        "Thủ tục Cấp bản sao trích lục hộ tịch — lệ phí:\n8.000 đồng/bản sao. Hẹn trả ngày 24/11/2026 lúc 14h, "
        "mã hồ sơ 000.00.06.H56-261120-0101. Liên hệ UBND xã: 0912345101."
    )
    spoken = normalise_for_speech(answer)
    assert not any(ch.isdigit() for ch in spoken), spoken
    assert "tám nghìn đồng" in spoken and "Ủy ban nhân dân" in spoken


def test_split_for_speech_keeps_everything_in_short_pieces():
    text = "Câu một. Câu hai!\nDòng ba: " + ", ".join(["một đoạn rất dài"] * 30)
    pieces = split_for_speech(text, max_chars=80)
    assert pieces[:2] == ["Câu một.", "Câu hai!"]
    assert all(len(p) <= 81 for p in pieces)
    assert " ".join(pieces).replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_word_error_rate():
    assert word_error_rate("Xin chào ông bà.", "xin chào ông bà") == 0
    assert word_errors("Đến cuối thế kỷ 19", "đến cuối thời kỷ mười chín") == (1, 6)
    assert word_error_rate("một hai ba bốn", "một ba bốn năm") == 0.5
    assert word_error_rate("", "") == 0


def test_vocabulary_contains_procedure_names_and_their_words():
    vocabulary = build_vocabulary(["Đăng ký khai sinh", "Cấp bản sao trích lục hộ tịch (bản sao)"])
    assert "đăng ký khai sinh" in vocabulary
    assert "cấp bản sao trích lục hộ tịch" in vocabulary
    assert {"khai", "sinh", "trích", "lục", "lệ phí", "bao lâu", "hai"} <= set(vocabulary)
    assert vocabulary == sorted(set(vocabulary))
    assert phrase_words("Lệ phí 2.000 đồng?") == "lệ phí hai nghìn đồng"
