"""Pure domain logic: status wording and transitions, overdue computation, next steps, phones, dates."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk_api.domain.channels import DossierChannel
from kiosk_api.domain.dates import format_date, parse_date
from kiosk_api.domain.next_steps import next_steps
from kiosk_api.domain.overdue import days_late, days_overdue, is_overdue
from kiosk_api.domain.phones import PhoneError, is_last4, normalise_phone
from kiosk_api.domain.status import (
    ALLOWED_TRANSITIONS,
    FINAL,
    DossierStatus,
    InvalidTransition,
    check_transition,
)

S = DossierStatus
TODAY = date(2026, 11, 20)


def test_every_status_has_vietnamese_wording():
    expected = {
        "moi_tiep_nhan": "Mới tiếp nhận",
        "dang_xu_ly": "Đang xử lý",
        "cho_bo_sung": "Chờ bổ sung hồ sơ",
        "co_ket_qua": "Đã có kết quả, chờ trả",
        "da_tra_ket_qua": "Đã trả kết quả",
        "tu_choi": "Từ chối giải quyết",
        "da_rut": "Đã rút hồ sơ",
    }
    assert {s.value: s.label for s in DossierStatus} == expected
    for status in DossierStatus:
        assert status.description.endswith(".")


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (S.RECEIVED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.WAITING_SUPPLEMENT),
        (S.WAITING_SUPPLEMENT, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.RESULT_READY),
        (S.RESULT_READY, S.RETURNED),
        (S.IN_PROGRESS, S.REFUSED),
        (S.RECEIVED, S.WITHDRAWN),
    ],
)
def test_allowed_transitions(from_status, to_status):
    check_transition(from_status, to_status)


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (S.RETURNED, S.IN_PROGRESS),
        (S.RESULT_READY, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.RETURNED),  # must have a result first
        (S.IN_PROGRESS, S.IN_PROGRESS),
        (S.WITHDRAWN, S.RECEIVED),
        (S.WAITING_SUPPLEMENT, S.RESULT_READY),
    ],
)
def test_forbidden_transitions(from_status, to_status):
    with pytest.raises(InvalidTransition, match=f"from {from_status.value} to {to_status.value}"):
        check_transition(from_status, to_status)


def test_final_statuses_have_no_way_out():
    for status in FINAL:
        assert not ALLOWED_TRANSITIONS[status]


@pytest.mark.parametrize(
    ("status", "appointment", "expected"),
    [
        (S.IN_PROGRESS, date(2026, 11, 10), 10),
        (S.RECEIVED, date(2026, 11, 19), 1),
        (S.IN_PROGRESS, TODAY, 0),  # the appointment day itself is not late
        (S.IN_PROGRESS, date(2026, 11, 25), 0),
        (S.WAITING_SUPPLEMENT, date(2026, 11, 1), 0),  # waiting for the citizen: within the deadline
        (S.RESULT_READY, date(2026, 11, 1), 0),
        (S.RETURNED, date(2026, 11, 1), 0),
        (S.REFUSED, date(2026, 11, 1), 0),
        (S.WITHDRAWN, date(2026, 11, 1), 0),
        (S.IN_PROGRESS, None, 0),
    ],
)
def test_days_overdue(status, appointment, expected):
    assert days_overdue(status, appointment, TODAY) == expected
    assert is_overdue(status, appointment, TODAY) is (expected > 0)


def test_days_late():
    assert days_late(date(2026, 11, 10), date(2026, 11, 12)) == 2
    assert days_late(date(2026, 11, 10), date(2026, 11, 9)) == 0
    assert days_late(date(2026, 11, 10), None) == 0


def test_next_steps_in_progress_gives_the_appointment():
    steps = next_steps(S.IN_PROGRESS, channel=DossierChannel.IN_PERSON, appointment_date=date(2026, 11, 25))
    assert "25/11/2026" in steps[0]
    assert any("Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in s for s in steps)


def test_next_steps_overdue_mentions_the_written_apology_and_new_date():
    steps = next_steps(
        S.IN_PROGRESS,
        channel=DossierChannel.IN_PERSON,
        appointment_date=date(2026, 11, 10),
        days_overdue=10,
        commune_name="UBND xã Thử Nghiệm",
    )
    text = " ".join(steps)
    assert "quá hạn 10 ngày" in text
    assert "phiếu xin lỗi" in text and "hẹn lại" in text
    assert "UBND xã Thử Nghiệm" in text


def test_next_steps_result_ready_says_what_to_bring():
    text = " ".join(
        next_steps(S.RESULT_READY, channel=DossierChannel.IN_PERSON, appointment_date=TODAY, commune_name="UBND xã A")
    )
    assert "nhận kết quả" in text
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in text
    assert "căn cước" in text
    assert "giấy ủy quyền" in text


def test_next_steps_result_by_post():
    text = " ".join(next_steps(S.RESULT_READY, channel=DossierChannel.POST, appointment_date=TODAY))
    assert "bưu chính" in text


@pytest.mark.parametrize("status", list(DossierStatus))
def test_next_steps_exist_for_every_status(status):
    steps = next_steps(status, channel=DossierChannel.ONLINE, appointment_date=TODAY, returned_date=TODAY)
    assert steps and all(s.strip() for s in steps)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("912345678", "0912345678"),  # leading zero lost by a spreadsheet
        ("02373 852 123", "02373852123"),  # 11-digit landline
    ],
)
def test_normalise_phone(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345678", "091234567890", "09123a5678", ""])
def test_bad_phones(raw):
    with pytest.raises(PhoneError):
        normalise_phone(raw)


def test_is_last4():
    assert is_last4("5678")
    assert not is_last4("567")
    assert not is_last4("56789")
    assert not is_last4("56a8")
    assert not is_last4("٥٦٧٨")  # non-ASCII digits
    assert not is_last4(None)


def test_dates():
    assert parse_date("05/03/2026") == date(2026, 3, 5)
    assert parse_date("5/3/2026") == date(2026, 3, 5)
    assert parse_date("2026-03-05") == date(2026, 3, 5)
    assert format_date(date(2026, 3, 5)) == "05/03/2026"
    for bad in ("31/02/2026", "2026/03/05", "03-05-2026", "05/03/26", ""):
        with pytest.raises(ValueError):
            parse_date(bad)
