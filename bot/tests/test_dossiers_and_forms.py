"""Dossier lookups send only the last 4 phone digits; nothing is stored in a citizen's name unless asked for."""

from __future__ import annotations

import asyncio

from fakes import tracker

from actions import messages as msg
from actions.dossiers import ActionLookupDossier, normalise_dossier_code
from actions.forms import (
    NOT_A_PETITION,
    ActionRequestOfficer,
    ActionSubmitPetition,
    ActionSubmitRating,
    ValidatePetitionForm,
    ValidateRatingForm,
)
from actions.kiosk_client import Reply


def run(action, dispatcher, t):
    return asyncio.run(action.run(dispatcher, t, {}))


def test_a_typed_phone_number_sends_only_its_last_4_digits(fake_kiosk, dispatcher) -> None:
    fake = fake_kiosk(dossier=Reply(200, {"text": "Hồ sơ đang xử lý.", "found": True, "rating_token": "t"}))
    t = tracker(
        "hồ sơ 000.00.06.h56-261105-0003 sđt 0912 345 678",
        intent="lookup_dossier",
        entities=[{"entity": "dossier_code", "value": "000.00.06.h56-261105-0003"}],
    )
    events = run(ActionLookupDossier(), dispatcher, t)
    ((args, _),) = fake.called("dossier")
    assert args[1:] == ("000.00.06.H56-261105-0003", "5678")
    assert {"event": "slot", "name": "verified_dossier", "value": "000.00.06.H56-261105-0003", "timestamp": None} in [
        {**e, "timestamp": None} for e in events
    ]


def test_dossier_codes_are_read_as_kiosk_api_reads_them() -> None:
    # one pattern for the API and the bot: the running number has 3 to 6 digits
    assert normalise_dossier_code(" 000.00.06.h56-261105-003 ") == "000.00.06.H56-261105-003"
    assert normalise_dossier_code("000.00.06.h56-261105-000123") == "000.00.06.H56-261105-000123"
    assert normalise_dossier_code("abc") == "abc"


def test_a_code_without_a_dossier_asks_for_the_code(fake_kiosk, dispatcher) -> None:
    fake = fake_kiosk(resolve=Reply(200, {"band": "none"}))
    run(ActionLookupDossier(), dispatcher, tracker("tra cứu hồ sơ", intent="lookup_dossier"))
    assert not fake.called("dossier")
    assert dispatcher.messages[0]["text"] == msg.ASK_DOSSIER_CODE


def test_a_question_about_officers_is_answered_not_recorded(fake_kiosk, dispatcher) -> None:
    fake = fake_kiosk(resolve=Reply(200, {"band": "none"}))
    run(ActionRequestOfficer(), dispatcher, tracker("cán bộ có đến tận nhà không?", intent="request_officer"))
    assert not fake.called("handoff")


def test_asking_for_an_officer_records_the_request(fake_kiosk, dispatcher) -> None:
    fake = fake_kiosk(handoff=Reply(200, {"text": "Đã báo cán bộ."}))
    run(ActionRequestOfficer(), dispatcher, tracker("cho tôi gặp cán bộ", intent="request_officer"))
    ((args, _),) = fake.called("handoff")
    assert args[:2] == ("kiosk-1", "kiosk")


def test_a_question_naming_a_complaint_is_not_a_petition(dispatcher) -> None:
    t = tracker("cho hỏi khiếu nại về đất đai thì nộp ở đâu?", intent="submit_petition")
    slots = asyncio.run(ValidatePetitionForm().extract_petition_content(dispatcher, t, {}))
    assert slots == {"petition_content": NOT_A_PETITION, "petition_confirmed": False}


def test_a_petition_is_sent_only_once_confirmed(fake_kiosk, dispatcher) -> None:
    fake = fake_kiosk(petition=Reply(200, {"text": "Đã ghi nhận."}))
    content = "đường vào thôn Đông bị sụt lún từ tháng trước mà chưa ai sửa"
    run(ActionSubmitPetition(), dispatcher, tracker("không", slots={"petition_content": content}))
    assert not fake.called("petition")
    assert dispatcher.messages[-1]["text"] == msg.PETITION_CANCELLED
    confirmed = {"petition_content": content, "petition_confirmed": True}
    run(ActionSubmitPetition(), dispatcher, tracker("gửi", slots=confirmed))
    ((_, kwargs),) = fake.called("petition")
    assert kwargs == {"kind": "phan_anh", "content": content, "channel": "kiosk"}


def test_a_rating_is_stored_only_after_an_explicit_choice(fake_kiosk, dispatcher) -> None:
    fake = fake_kiosk(rating=Reply(200, {"text": "Cảm ơn."}))
    run(ActionSubmitRating(), dispatcher, tracker("thôi", slots={"satisfaction": "__cancelled__"}))
    assert not fake.called("rating")
    slots = {"satisfaction": "hai_long", "rating_comment": "__none__", "rating_key": "k1"}
    run(ActionSubmitRating(), dispatcher, tracker("không có góp ý", slots=slots))
    ((_, kwargs),) = fake.called("rating")
    assert kwargs["satisfaction"] == "hai_long"
    assert kwargs["comment"] is None
    assert kwargs["idempotency_key"] == "conv-1:k1"


def test_satisfaction_words_are_read_without_diacritics(dispatcher) -> None:
    form = ValidateRatingForm()
    for text, level in (("rat hai long a", "rat_hai_long"), ("Chưa hài lòng lắm", "khong_hai_long")):
        t = tracker(text, intent="inform", slots={"requested_slot": "satisfaction"})
        assert asyncio.run(form.extract_satisfaction(dispatcher, t, {})) == {"satisfaction": level}
