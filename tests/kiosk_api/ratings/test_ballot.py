"""The ballot's wording and answer checking (kiosk_api.ratings.form, .wording): pure functions, no database."""

from __future__ import annotations

import pytest

from kiosk_api.models import SATISFACTION_LEVELS
from kiosk_api.ratings import form, wording

FULL = {"i3": "2", "i4": "1", "i6": "0", "i7": "2", "satisfaction": "binh_thuong"}


def test_dossier_ballot_asks_indicators_3_4_6_7_then_satisfaction():
    questions = form.questions("dossier")
    assert [(q.field, q.indicator, q.required) for q in questions] == [
        ("i3", 3, True),
        ("i4", 4, True),
        ("i6", 6, True),
        ("i7", 7, True),
        ("satisfaction", None, True),
    ]
    for question in questions[:4]:
        assert [o.value for o in question.options] == ["2", "1", "0"]  # points, best first
        assert question.text.endswith("?")
    assert [o.value for o in questions[-1].options] == SATISFACTION_LEVELS
    assert [o.label for o in questions[-1].options] == ["Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng"]
    assert set(wording.THANKS) == set(SATISFACTION_LEVELS)


def test_counter_ballot_asks_satisfaction_and_optionally_6_and_7():
    assert [(q.field, q.required) for q in form.questions("counter")] == [
        ("satisfaction", True),
        ("i7", False),
        ("i6", False),
    ]


def test_wording_addresses_citizens_politely_with_diacritics():
    texts = [q.text for kind in ("dossier", "counter") for q in form.questions(kind)]
    assert any("Ông/bà" in t for t in texts)
    for text in texts + [o.label for q in form.questions("dossier") for o in q.options]:
        assert text == text.strip() and "  " not in text
    assert "ông/bà" in wording.ALREADY_RATED.lower() and "ông/bà" in wording.TOKEN_INVALID.lower()


def test_complete_form():
    checked = form.check_form("dossier", {**FULL, "comment": "  Tốt <b>lắm</b>  "})
    assert checked.errors == {}
    assert checked.answers == form.Answers(
        satisfaction="binh_thuong", i3=2, i4=1, i6=0, i7=2, comment="Tốt <b>lắm</b>", escalate=False, contact=None
    )


def test_missing_and_bogus_answers_are_reported_per_question():
    checked = form.check_form("dossier", {"i3": "2", "i4": "7", "satisfaction": "tuyet"})
    assert checked.answers is None
    assert set(checked.errors) == {"i4", "i6", "i7", "satisfaction"}
    assert all(message == form.MISSING_ANSWER for message in checked.errors.values())
    assert checked.values["i3"] == "2" and checked.values["i4"] == "7"  # kept for the re-rendered form


def test_optional_counter_questions():
    assert form.check_form("counter", {"satisfaction": "hai_long"}).answers == form.Answers("hai_long")
    wrong = form.check_form("counter", {"satisfaction": "hai_long", "i7": "9"})
    assert wrong.errors == {"i7": form.MISSING_ANSWER}  # a value that is not an option is still refused


def test_comment_limits():
    long = form.check_form("dossier", {**FULL, "comment": "a" * 2001})
    assert long.errors == {
        "comment": "Ý kiến dài quá 2.000 ký tự (ông/bà đã nhập 2001 ký tự). Ông/bà vui lòng rút gọn lại."
    }
    assert form.check_form("dossier", {**FULL, "comment": "a" * 2000 + "   "}).answers is not None
    assert form.check_form("dossier", {**FULL, "comment": "x\x00y"}).answers.comment == "xy"


def test_escalation_needs_a_comment_and_keeps_the_contact():
    checked = form.check_form("dossier", {**FULL, "escalate": "1", "contact": "0912 345 678"})
    assert checked.errors == {"comment": form.ESCALATE_NEEDS_COMMENT}
    ok = form.check_form("dossier", {**FULL, "escalate": "1", "comment": "Chậm", "contact": " 0912 345 678 "})
    assert (ok.answers.escalate, ok.answers.contact) == (True, "0912 345 678")
    no = form.check_form("dossier", {**FULL, "comment": "Chậm", "contact": "0912 345 678"})
    assert (no.answers.escalate, no.answers.contact) == (False, None)  # no contact kept without escalation
    too_long = form.check_form("dossier", {**FULL, "escalate": "1", "comment": "x", "contact": "9" * 201})
    assert set(too_long.errors) == {"contact"}


@pytest.mark.parametrize(
    ("counter_id", "label"),
    [("2", "Quầy số 2"), ("quay-02", "Quầy số 2"), ("QUAY_7", "Quầy số 7"), ("tu-phap", "Quầy tu-phap")],
)
def test_counter_label(counter_id, label):
    assert wording.counter_label(counter_id) == label


@pytest.mark.parametrize(
    ("counter_id", "valid"), [("quay-2", True), ("a" * 50, True), ("a" * 51, False), ("quầy", False)]
)
def test_counter_ids(counter_id, valid):
    assert form.valid_counter_id(counter_id) is valid


def test_expired_message_names_the_day():
    assert "đến ngày 18/02/2027" in wording.token_expired("2027-02-18")
    assert wording.token_expired("garbage").startswith("Mã đánh giá đã hết hạn")


def test_json_for_the_kiosk_and_the_bot():
    data = form.as_json("dossier")
    assert data["questions"][0]["options"][0] == {"value": 2, "label": "Không phải đi lại lần nào"}
    assert data["questions"][-1]["options"][0] == {"value": "rat_hai_long", "label": "Rất hài lòng"}
    assert data["comment"] == {"label": form.COMMENT_LABEL, "max_length": 2000}
