"""Answering procedure questions: answer only when kiosk_api is confident, ask when unsure, refer, or say so."""

from __future__ import annotations

import asyncio

from fakes import tracker

from actions import messages as msg
from actions.kiosk_client import KioskUnavailable, Reply
from actions.procedures import ActionAnswerProcedure, ActionFallbackProcedure, ActionHandleAffirm

KHAI_SINH = {"code": "1.001193", "name": "Đăng ký khai sinh"}
KHAI_SINH_LAI = {"code": "1.004884", "name": "Đăng ký lại khai sinh"}


def slots_set(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def run(action, dispatcher, t):
    return asyncio.run(action.run(dispatcher, t, {}))


def test_a_confident_procedure_is_answered_and_remembered(fake_kiosk, dispatcher) -> None:
    fake = fake_kiosk(
        resolve=Reply(200, {"band": "confident", "procedure": KHAI_SINH, "aspect": "fee"}),
        answer=Reply(200, {"text": "Lệ phí: miễn.", "procedure": KHAI_SINH}),
    )
    events = run(ActionAnswerProcedure(), dispatcher, tracker("lam giay khai sinh mat bao nhieu tien"))
    ((args, kwargs),) = fake.called("answer")
    assert args[1:3] == ("1.001193", "fee")  # the wording cue's aspect, from kiosk_api
    assert kwargs["question"] == "lam giay khai sinh mat bao nhieu tien"
    assert [m["text"] for m in dispatcher.messages] == ["Lệ phí: miễn."]
    assert slots_set(events)["procedure_code"] == "1.001193"


def test_unsure_asks_which_procedure_and_gives_no_facts(fake_kiosk, dispatcher) -> None:
    fake = fake_kiosk(resolve=Reply(200, {"band": "unsure", "candidates": [KHAI_SINH, KHAI_SINH_LAI]}))
    events = run(ActionAnswerProcedure(), dispatcher, tracker("làm lại giấy khai sinh"))
    assert not fake.called("answer")
    (message,) = dispatcher.messages
    assert message["text"] == msg.SEVERAL_CANDIDATES
    titles = [b["title"] for b in message["buttons"]]
    assert titles[:2] == ["Đăng ký khai sinh", "Đăng ký lại khai sinh"]
    assert msg.OFFICER_BUTTON in message["buttons"]
    assert slots_set(events)["candidate_codes"] == ["1.001193", "1.004884"]


def test_a_referral_is_answered_without_any_procedure(fake_kiosk, dispatcher) -> None:
    fake = fake_kiosk(resolve=Reply(200, {"band": "none", "referral": {"text": "Hộ chiếu do Công an tỉnh cấp."}}))
    run(ActionAnswerProcedure(), dispatcher, tracker("làm hộ chiếu ở đâu"))
    assert not fake.called("answer")
    assert dispatcher.messages[0]["text"] == "Hộ chiếu do Công an tỉnh cấp."


def test_the_fallback_never_answers_a_guess(fake_kiosk, dispatcher) -> None:
    fake = fake_kiosk(resolve=Reply(200, {"band": "none", "candidates": []}))
    run(ActionFallbackProcedure(), dispatcher, tracker("abc xyz", intent="nlu_fallback"))
    assert not fake.called("answer")
    assert dispatcher.messages[0]["text"] == msg.LOST


def test_kiosk_api_down_says_so_and_offers_an_officer(fake_kiosk, dispatcher) -> None:
    fake_kiosk(resolve=KioskUnavailable)
    run(ActionAnswerProcedure(), dispatcher, tracker("khai sinh cần gì"))
    assert dispatcher.messages[0]["text"] == msg.SERVICE_UNAVAILABLE
    assert dispatcher.messages[0]["buttons"] == [msg.OFFICER_BUTTON]


def test_yes_after_one_candidate_answers_the_question_asked_then(fake_kiosk, dispatcher) -> None:
    fake = fake_kiosk(answer=Reply(200, {"text": "…", "procedure": KHAI_SINH}))
    t = tracker(
        "đúng rồi",
        intent="affirm",
        slots={
            "candidate_codes": ["1.001193"],
            "candidate_names": ["Đăng ký khai sinh"],
            "pending_aspect": "time",
            "pending_question": "khai sinh bao lâu thì có",
        },
        events=[
            {"event": "user", "text": "khai sinh bao lâu thì có"},
            {"event": "action", "name": "action_answer_procedure"},
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": "đúng rồi"},
        ],
    )
    run(ActionHandleAffirm(), dispatcher, t)
    ((args, kwargs),) = fake.called("answer")
    assert args[1:3] == ("1.001193", "time")
    assert kwargs["question"] == "khai sinh bao lâu thì có"
