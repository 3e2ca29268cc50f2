"""Phản ánh, kiến nghị handled by staff: list, assign, answer, close; transitions; audit; privacy."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from kiosk_api.clock import FixedClock
from kiosk_api.db import make_engine, make_sessionmaker
from kiosk_api.domain.units import EVERY_UNIT
from kiosk_api.models import AuditLog, Dossier, Petition, Rating
from kiosk_api.petitions import rules
from kiosk_api.petitions import service as petition_service
from kiosk_api.services import staff as staff_service
from procedures_kb.workdays import WorkingCalendar
from tests.support.constants import NOW, TODAY

CONTACT = "0912 345 678"
CONTENT = "Cán bộ Nguyễn Văn Bình hẹn trả kết quả nhưng đến nơi chưa có."


# --- Pure workflow rules ----------------------------------------------------------------------------------------


def state(status="moi", assigned=None, answer=None):
    return rules.PetitionState(status=status, assigned_to=assigned, answer=answer)


def test_assign_moves_a_new_item_to_in_progress():
    change = rules.plan_change(state(), actor="lan", assign_to="hung")
    assert (change.status, change.assigned_to, change.set_answered_at) == ("dang_xu_ly", "hung", False)
    again = rules.plan_change(state("dang_xu_ly", "hung"), actor="lan", assign_to="hung")
    assert again.is_noop(state("dang_xu_ly", "hung"))


def test_answer_assigns_the_answering_officer_and_can_close_at_once():
    change = rules.plan_change(state(), actor="lan", answer="Đã khắc phục.")
    assert (change.status, change.assigned_to, change.answer) == ("da_tra_loi", "lan", "Đã khắc phục.")
    assert change.set_answered_at and not change.set_closed_at
    both = rules.plan_change(state("dang_xu_ly", "hung"), actor="lan", answer="Xong.", close=True)
    assert (both.status, both.assigned_to, both.set_answered_at, both.set_closed_at) == ("da_dong", "hung", True, True)


@pytest.mark.parametrize(
    ("current", "kwargs", "message"),
    [
        (state(), {"close": True}, "cần trả lời"),
        (state("dang_xu_ly", "hung"), {"close": True}, "cần trả lời"),
        (state("da_tra_loi", "hung", "A"), {"assign_to": "lan"}, "phân công lại"),
        (state("da_dong", "hung", "A"), {"assign_to": "lan"}, "phân công lại"),
        (state("da_tra_loi", "hung", "A"), {"answer": "B"}, "không sửa được"),
        (state("da_dong", "hung", "A"), {"answer": "B"}, "không sửa được"),
        (state(), {}, "Không có thay đổi"),
    ],
)
def test_invalid_transitions(current, kwargs, message):
    with pytest.raises(rules.TransitionError, match=message):
        rules.plan_change(current, actor="lan", **kwargs)


def test_repeating_a_done_change_is_a_noop():
    answered = state("da_tra_loi", "hung", "A")
    assert rules.plan_change(answered, actor="lan", answer="A").is_noop(answered)
    closed = state("da_dong", "hung", "A")
    assert rules.plan_change(closed, actor="lan", close=True).is_noop(closed)
    assert rules.plan_change(closed, actor="lan", answer="A", close=True).is_noop(closed)


def test_deadline_helpers():
    assert rules.days_left(date(2026, 11, 25), TODAY) == 5
    assert rules.days_left(date(2026, 11, 18), TODAY) == -2
    assert rules.is_overdue("moi", date(2026, 11, 19), TODAY)
    assert not rules.is_overdue("moi", TODAY, TODAY)  # the deadline day itself is on time
    assert not rules.is_overdue("da_tra_loi", date(2026, 11, 1), TODAY)
    assert rules.answered_on_time(TODAY, TODAY) is True
    assert rules.answered_on_time(TODAY, TODAY + timedelta(days=1)) is False
    assert rules.answered_on_time(TODAY, None) is None


# --- API --------------------------------------------------------------------------------------------------------


def submit(client, content=CONTENT, contact=CONTACT, kind="phan_anh", channel="kiosk") -> int:
    response = client.post(
        "/api/petitions", json={"kind": kind, "content": content, "contact": contact, "channel": channel}
    )
    assert response.status_code == 200, response.text
    return response.json()["id"]


def add_petition(session, *, deadline: date, status="moi", received_days_ago=20, **values) -> Petition:
    row = Petition(
        kind="kien_nghi",
        content="Đề nghị niêm yết lệ phí.",
        status=status,
        received_at=NOW - timedelta(days=received_days_ago),
        deadline=deadline,
        channel="web",
        **values,
    )
    session.add(row)
    session.commit()
    return row


@pytest.fixture
def second_officer(session):
    return staff_service.create_user(session, "hung", "mat-khau-thu-hai", full_name="Trần Văn Hùng")


@pytest.mark.db
def test_every_staff_endpoint_needs_a_login(client, session):
    petition_id = submit(client)
    for method, url, body in [
        ("GET", "/api/staff/petitions", None),
        ("GET", f"/api/staff/petitions/{petition_id}", None),
        ("PATCH", f"/api/staff/petitions/{petition_id}", {"answer": "x"}),
    ]:
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            response = client.request(method, url, json=body, headers=headers)
            assert response.status_code == 401, (method, url)
            assert response.json()["error"] == "unauthorized"
            assert CONTACT not in response.text
    assert session.get(Petition, petition_id).status == "moi"


@pytest.mark.db
def test_list_shows_deadlines_overdue_first(client, session, auth_headers):
    fresh = submit(client)  # deadline 07/12/2026 (10 working days after Friday 20/11/2026; 24/11 is off)
    late = add_petition(session, deadline=date(2026, 11, 16))
    later = add_petition(session, deadline=date(2026, 11, 19))
    done = add_petition(
        session,
        deadline=date(2026, 11, 10),
        status="da_dong",
        answer="Đã niêm yết.",
        answered_at=datetime(2026, 11, 9, 3, tzinfo=UTC),
        closed_at=datetime(2026, 11, 9, 4, tzinfo=UTC),
    )
    response = client.get("/api/staff/petitions", headers=auth_headers)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == 4
    assert [i["id"] for i in page["items"]] == [late.id, later.id, fresh, done.id]
    first, _, new, closed = page["items"]
    assert (first["overdue"], first["days_left"], first["deadline_text"]) == (True, -4, "16/11/2026")
    assert (new["overdue"], new["days_left"], new["deadline"]) == (False, 17, "2026-12-07")
    assert new["contact"] == CONTACT and new["content"] == CONTENT  # staff see the contact
    assert (new["channel"], new["channel_label"], new["status_label"]) == ("kiosk", "Máy kiosk", "Mới tiếp nhận")
    assert (closed["days_left"], closed["overdue"], closed["answered_on_time"]) == (None, False, True)

    overdue = client.get("/api/staff/petitions?overdue=true", headers=auth_headers).json()
    assert [i["id"] for i in overdue["items"]] == [late.id, later.id]
    not_overdue = client.get("/api/staff/petitions?overdue=false", headers=auth_headers).json()
    assert [i["id"] for i in not_overdue["items"]] == [fresh, done.id]
    closed_only = client.get("/api/staff/petitions?status=da_dong&status=da_tra_loi", headers=auth_headers).json()
    assert [i["id"] for i in closed_only["items"]] == [done.id]
    second = client.get("/api/staff/petitions?page=2&page_size=3", headers=auth_headers).json()
    assert (second["total"], [i["id"] for i in second["items"]]) == (4, [done.id])
    bad = client.get("/api/staff/petitions?status=xong", headers=auth_headers)
    assert bad.status_code == 422 and bad.json()["error"] == "validation_error"


@pytest.mark.db
def test_assign_answer_close_with_audit(client, session, auth_headers, second_officer):
    petition_id = submit(client)
    url = f"/api/staff/petitions/{petition_id}"

    assigned = client.patch(url, json={"assigned_to": " Hung "}, headers=auth_headers)
    assert assigned.status_code == 200, assigned.text
    out = assigned.json()
    assert (out["status"], out["assigned_to"], out["assigned_name"]) == ("dang_xu_ly", "hung", "Trần Văn Hùng")

    answered = client.patch(
        url, json={"answer": "  Đã nhắc nhở cán bộ, kết quả đã trả ngày 20/11.  "}, headers=auth_headers
    )
    out = answered.json()
    assert out["status"] == "da_tra_loi" and out["status_label"] == "Đã trả lời"
    assert out["answer"] == "Đã nhắc nhở cán bộ, kết quả đã trả ngày 20/11."
    assert out["answered_at"] is not None and out["answered_on_time"] is True and out["assigned_to"] == "hung"

    closed = client.patch(url, json={"close": True}, headers=auth_headers).json()
    assert closed["status"] == "da_dong" and closed["closed_at"] is not None

    fetched = client.get(url, headers=auth_headers).json()
    assert fetched == closed

    row = session.get(Petition, petition_id)
    session.refresh(row)
    assert (row.status, row.assigned_to) == ("da_dong", "hung")
    assert row.answered_at is not None and row.closed_at is not None and row.closed_at >= row.answered_at

    entries = session.scalars(
        select(AuditLog)
        .where(AuditLog.action == "petition.update", AuditLog.target == str(petition_id))
        .order_by(AuditLog.id)
    ).all()
    assert [(e.actor, e.details) for e in entries] == [
        ("lan", {"from": "moi", "to": "dang_xu_ly", "assigned_to": "hung"}),
        ("lan", {"from": "dang_xu_ly", "to": "da_tra_loi", "answered": True}),
        ("lan", {"from": "da_tra_loi", "to": "da_dong"}),
    ]
    for e in entries:
        assert "0912" not in str(e.details) and "nhắc nhở" not in str(e.details)


@pytest.mark.db
def test_invalid_transitions_answer_409_and_change_nothing(client, session, auth_headers, second_officer):
    petition_id = submit(client)
    url = f"/api/staff/petitions/{petition_id}"
    unanswered = client.patch(url, json={"close": True}, headers=auth_headers)
    assert unanswered.status_code == 409 and unanswered.json()["error"] == "invalid_transition"
    assert "trả lời" in unanswered.json()["detail"]

    assert (
        client.patch(url, json={"answer": "Trả lời A", "close": True}, headers=auth_headers).json()["status"]
        == "da_dong"
    )
    audit_count = len(session.scalars(select(AuditLog).where(AuditLog.action == "petition.update")).all())

    for body in ({"assigned_to": "hung"}, {"answer": "Trả lời khác"}):
        response = client.patch(url, json=body, headers=auth_headers)
        assert response.status_code == 409, body
    # A retried request repeating what was done is answered 200 and writes nothing.
    retry = client.patch(url, json={"answer": "Trả lời A", "close": True}, headers=auth_headers)
    assert retry.status_code == 200 and retry.json()["status"] == "da_dong"
    assert len(session.scalars(select(AuditLog).where(AuditLog.action == "petition.update")).all()) == audit_count
    row = session.get(Petition, petition_id)
    session.refresh(row)
    assert (row.answer, row.assigned_to) == ("Trả lời A", "lan")


@pytest.mark.db
def test_bad_requests(client, session, auth_headers):
    petition_id = submit(client)
    url = f"/api/staff/petitions/{petition_id}"
    unknown = client.patch(url, json={"assigned_to": "khong-co"}, headers=auth_headers)
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_staff"
    empty = client.patch(url, json={}, headers=auth_headers)
    assert empty.status_code == 422 and empty.json()["error"] == "empty_change"
    blank = client.patch(url, json={"answer": "   "}, headers=auth_headers)
    assert blank.status_code == 422 and blank.json()["error"] == "validation_error"
    missing = client.get("/api/staff/petitions/999999", headers=auth_headers)
    assert missing.status_code == 404 and "999999" in missing.json()["detail"]
    assert client.patch("/api/staff/petitions/999999", json={"close": True}, headers=auth_headers).status_code == 404
    assert session.get(Petition, petition_id).status == "moi"


@pytest.mark.db
def test_an_inactive_officer_cannot_be_assigned(client, session, auth_headers, second_officer):
    second_officer.active = False
    session.commit()
    petition_id = submit(client)
    response = client.patch(f"/api/staff/petitions/{petition_id}", json={"assigned_to": "hung"}, headers=auth_headers)
    assert response.status_code == 422


@pytest.mark.db
def test_concurrent_answers_one_wins(migrated_url, session, staff_user, second_officer):
    row = add_petition(session, deadline=TODAY)
    engine = make_engine(migrated_url)
    try:
        with make_sessionmaker(engine, FixedClock(NOW))() as other:
            stale = other.get(Petition, row.id)  # read before the first answer lands
            assert stale.status == "moi"
            petition_service.update_petition(
                session, row.id, user=staff_user, scope=EVERY_UNIT, answer="Trả lời của Lan"
            )
            with pytest.raises(petition_service.PetitionConflict, match="cán bộ khác"):
                petition_service.update_petition(
                    other, row.id, user=second_officer, scope=EVERY_UNIT, answer="Trả lời của Hùng"
                )
    finally:
        engine.dispose()
    session.refresh(row)
    assert (row.answer, row.assigned_to, row.status) == ("Trả lời của Lan", "lan", "da_tra_loi")


@pytest.mark.db
def test_contact_and_content_never_logged(client, session, auth_headers, caplog):
    caplog.set_level(logging.DEBUG)
    petition_id = submit(client, contact="Số nhà 12, thôn Đông, 0987 654 321")
    url = f"/api/staff/petitions/{petition_id}"
    client.get("/api/staff/petitions", headers=auth_headers)
    client.get(url, headers=auth_headers)
    client.patch(url, json={"answer": "Đã liên hệ ông Bình qua số 0987 654 321", "close": True}, headers=auth_headers)
    client.patch(url, json={"answer": "Khác"}, headers=auth_headers)  # 409
    text = caplog.text
    assert f"petition {petition_id} -> da_dong by lan" in text
    for secret_text in ("0987", "654 321", "thôn Đông", "Nguyễn Văn Bình", "hẹn trả", "Đã liên hệ"):
        assert secret_text not in text, secret_text


@pytest.mark.db
def test_submit_records_channel_and_escalated_ballot_once(session):
    dossier = Dossier(
        code="D-FB-1",
        procedure_code="1.001193",
        applicant_name="Lê Thị Hoa",
        phone_hash="a" * 64,
        phone_last4_hash="b" * 64,
        channel="truc_tiep",
        received_date=TODAY,
        appointment_date=TODAY,
        status="da_tra_ket_qua",
    )
    session.add(dossier)
    session.commit()
    ballot = Rating(dossier_id=dossier.id, channel="qr", idempotency_key="k-fb", satisfaction="khong_hai_long")
    session.add(ballot)
    session.commit()
    kwargs = dict(
        kind="phan_anh",
        content="Phải đi lại ba lần.",
        contact=None,
        channel="qr",
        today=TODAY,
        working_days=10,
        calendar=WorkingCalendar(),
        rating_id=ballot.id,
        dossier_id=dossier.id,
    )
    first = petition_service.submit(session, **kwargs)
    again = petition_service.submit(session, **kwargs)  # a retried escalation
    assert again.id == first.id
    assert session.scalars(select(Petition)).all() == [first]
    assert (first.channel, first.rating_id, first.dossier_id) == ("qr", ballot.id, dossier.id)
    audit = session.scalars(select(AuditLog).where(AuditLog.action == "petition.create")).one()
    assert audit.details == {"kind": "phan_anh", "channel": "qr", "rating_id": ballot.id}
    view = petition_service.staff_views(session, [first], today=TODAY)[0]
    assert (view.dossier_code, view.rating_id, view.channel_label) == ("D-FB-1", ballot.id, "Phiếu đánh giá (mã QR)")
    with pytest.raises(ValueError, match="channel"):
        petition_service.submit(session, **{**kwargs, "rating_id": None, "channel": "fax"})
