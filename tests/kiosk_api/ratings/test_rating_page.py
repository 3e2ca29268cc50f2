"""The rating pages behind the QR codes (/r/{token}, /r/quay/{id}): plain HTML forms, PRG, one ballot per dossier,
friendly Vietnamese pages for every refusal; on the real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import html
import logging
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from kiosk_api.models import Dossier, Petition, Rating
from kiosk_api.ratings import form, wording
from kiosk_api.ratings import service as rating_service
from kiosk_api.services.dossier_import import import_csv
from tests.support.constants import TODAY

pytestmark = pytest.mark.db


RETURNED = "000.00.06.H56-261102-0001"  # 1.001193, applicant Nguyễn Văn An, phone 0912 345 678
FULL = {"i3": "2", "i4": "1", "i6": "2", "i7": "0", "satisfaction": "hai_long"}


@pytest.fixture
def client(app):
    """The browser's view: redirects are not followed, so the tests see the 303 of POST → redirect → GET."""
    with TestClient(app, follow_redirects=False) as c:
        yield c


@pytest.fixture
def dossier_id(session, good_csv, secret, catalogue) -> int:
    import_csv(session, good_csv, secret=secret, catalogue=catalogue)
    return session.scalar(select(Dossier.id).where(Dossier.code == RETURNED))


@pytest.fixture
def token(dossier_id, secret, settings) -> str:
    return rating_service.token_for(secret, dossier_id, today=TODAY, valid_days=settings.rating_token_days)


def ratings(session) -> list[Rating]:
    session.expire_all()
    return list(session.scalars(select(Rating).order_by(Rating.id)))


def hidden_key(page: str) -> str:
    match = re.search(r'name="key" value="([^"]+)"', page)
    assert match, "the form carries a hidden idempotency key"
    return match.group(1)


def fieldset(page: str, field: str) -> str:
    """The HTML of the question whose radio buttons are named `field`."""
    for block in re.findall(r"<fieldset.*?</fieldset>", page, flags=re.S):
        if f'name="{field}"' in block:
            return block
    raise AssertionError(f"no question {field}")


def test_form_asks_every_question_in_vietnamese(client, token):
    response = client.get(f"/r/{token}")
    assert response.status_code == 200
    page = response.text
    assert '<html lang="vi">' in page and "UBND xã Thử Nghiệm" in page
    assert RETURNED in page and "Đăng ký khai sinh" in page
    assert "Nguyễn Văn An" not in page and "345" not in page  # neither the applicant's name nor phone
    for question in form.questions("dossier"):
        block = fieldset(page, question.field)
        assert "<legend>" in block and html.escape(question.text) in block
        for option in question.options:
            assert f'value="{option.value}"' in block and html.escape(option.label) in block
    assert "Ông/bà phải đi lại bao nhiêu lần để hoàn thiện hồ sơ?" in page
    assert all(level in page for level in ("Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng"))
    assert form.ESCALATE_LABEL in page and 'maxlength="2000"' in page
    assert "<script" not in page and "http" not in page.split("</head>")[0].replace('href="/static', "")
    assert hidden_key(page) != hidden_key(client.get(f"/r/{token}").text)  # a fresh key per rendering
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp
    assert response.headers["referrer-policy"] == "no-referrer"


def test_page_weight_is_small(client, token):
    page = client.get(f"/r/{token}").content
    css = client.get("/static/rating/rating.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    total = len(page) + len(css.content)
    print(f"\nrating page weight: HTML {len(page)} B + CSS {len(css.content)} B = {total} B")
    assert total < 30_000


def test_submit_then_thanks_page(client, session, token, dossier_id):
    key = hidden_key(client.get(f"/r/{token}").text)
    response = client.post(f"/r/{token}", data={**FULL, "key": key, "comment": " Cán bộ nhiệt tình "})
    assert response.status_code == 303 and response.headers["location"] == f"/r/cam-on/{key}"
    thanks = client.get(response.headers["location"])
    assert thanks.status_code == 200 and "Cảm ơn ông/bà đã đánh giá «Hài lòng»" in thanks.text
    [row] = ratings(session)
    assert (row.dossier_id, row.channel, row.satisfaction, row.i3, row.i4, row.i6, row.i7, row.comment) == (
        dossier_id,
        "qr",
        "hai_long",
        2,
        1,
        2,
        0,
        "Cán bộ nhiệt tình",
    )
    assert row.idempotency_key == key and row.counter_id is None


def test_double_tap_stores_one_ballot(client, session, token):
    key = hidden_key(client.get(f"/r/{token}").text)
    first = client.post(f"/r/{token}", data={**FULL, "key": key})
    second = client.post(f"/r/{token}", data={**FULL, "key": key})
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert len(ratings(session)) == 1


def test_second_ballot_is_refused_kindly(client, session, token):
    assert client.post(f"/r/{token}", data={**FULL, "key": "first-visit"}).status_code == 303
    again = client.post(f"/r/{token}", data={**FULL, "satisfaction": "khong_hai_long", "key": "second-visit"})
    assert again.status_code == 409 and "Hồ sơ này đã được đánh giá" in again.text
    # going back and changing an answer under the same key is refused the same way
    changed = client.post(f"/r/{token}", data={**FULL, "satisfaction": "binh_thuong", "key": "first-visit"})
    assert changed.status_code == 409 and "Hồ sơ này đã được đánh giá" in changed.text
    reopened = client.get(f"/r/{token}")
    assert reopened.status_code == 200 and "Hồ sơ này đã được đánh giá" in reopened.text
    assert "<form" not in reopened.text
    assert [r.satisfaction for r in ratings(session)] == ["hai_long"]


def test_missing_answers_keep_the_others(client, session, token):
    partial = {"i3": "1", "i6": "0", "satisfaction": "rat_hai_long", "comment": "Góp ý <b>đậm</b>", "key": "k-miss"}
    response = client.post(f"/r/{token}", data=partial)
    assert response.status_code == 422
    page = response.text
    assert form.FORM_HAS_ERRORS in page
    for missing in ("i4", "i7"):
        block = fieldset(page, missing)
        assert form.MISSING_ANSWER in block and f'aria-describedby="loi-{missing}"' in block
        assert "checked" not in block
    for kept, value in (("i3", "1"), ("i6", "0"), ("satisfaction", "rat_hai_long")):
        block = fieldset(page, kept)
        assert form.MISSING_ANSWER not in block
        assert re.search(rf'value="{value}" checked', block), kept
    assert "Góp ý &lt;b&gt;đậm&lt;/b&gt;</textarea>" in page
    assert hidden_key(page) == "k-miss"  # the same ballot when the citizen completes it
    assert ratings(session) == []


def test_bogus_answer_values_count_as_missing(client, session, token):
    response = client.post(f"/r/{token}", data={**FULL, "i3": "5", "satisfaction": "tuyet_voi", "key": "k"})
    assert response.status_code == 422
    assert form.MISSING_ANSWER in fieldset(response.text, "i3")
    assert form.MISSING_ANSWER in fieldset(response.text, "satisfaction")
    assert ratings(session) == []


def test_oversized_comment_is_refused_with_a_clear_message(client, session, token):
    response = client.post(f"/r/{token}", data={**FULL, "key": "k-long", "comment": "ý" * 2001})
    assert response.status_code == 422
    assert "Ý kiến dài quá 2.000 ký tự (ông/bà đã nhập 2001 ký tự)" in response.text
    assert ratings(session) == []
    ok = client.post(f"/r/{token}", data={**FULL, "key": "k-long", "comment": "ý" * 2000})
    assert ok.status_code == 303 and len(ratings(session)[0].comment) == 2000


def test_malicious_comment_is_stored_as_given_and_rendered_escaped(client, session, token, caplog):
    caplog.set_level(logging.DEBUG)
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)> \'; DROP TABLE ratings; --\x00'
    missing = client.post(f"/r/{token}", data={"satisfaction": "hai_long", "comment": evil, "key": "k-evil"})
    assert missing.status_code == 422
    assert "<script>alert" not in missing.text and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in missing.text
    assert "<img src=x" not in missing.text
    assert client.post(f"/r/{token}", data={**FULL, "comment": evil, "key": "k-evil"}).status_code == 303
    stored = ratings(session)[0].comment
    assert stored == evil.replace("\x00", "").strip()  # NUL dropped (PostgreSQL cannot store it), nothing else
    assert "DROP TABLE" not in "\n".join(r.getMessage() for r in caplog.records)


def test_comment_escalated_to_a_petition_once(client, session, token, dossier_id, caplog):
    caplog.set_level(logging.DEBUG)
    form = {
        **FULL,
        "satisfaction": "khong_hai_long",
        "comment": "Phải chờ quá lâu",
        "escalate": "1",
        "contact": "0912 999 888",
        "key": "k-esc",
    }
    first = client.post(f"/r/{token}", data=form)
    assert client.post(f"/r/{token}", data=form).status_code == first.status_code == 303  # double tap
    session.expire_all()
    [row] = session.scalars(select(Petition)).all()
    [rating] = ratings(session)
    assert (row.content, row.contact, row.kind, row.rating_id, row.dossier_id, row.status) == (
        "Phải chờ quá lâu",
        "0912 999 888",
        "phan_anh",
        rating.id,
        dossier_id,
        "moi",
    )
    thanks = client.get(first.headers["location"]).text
    assert "rất tiếc" in thanks
    assert f"phản ánh, kiến nghị (số {row.id})" in thanks and row.deadline.strftime("%d/%m/%Y") in thanks
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Phải chờ" not in logged and "999" not in logged


def test_escalation_needs_a_comment(client, session, token):
    response = client.post(f"/r/{token}", data={**FULL, "escalate": "1", "contact": "0912", "key": "k"})
    assert response.status_code == 422 and form.ESCALATE_NEEDS_COMMENT in response.text
    assert 'name="escalate" value="1" checked' in response.text and 'value="0912"' in response.text


def test_contact_is_dropped_without_escalation(client, session, token):
    client.post(f"/r/{token}", data={**FULL, "comment": "Tốt", "contact": "0912 999 888", "key": "k"})
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Petition)) == 0


def test_tampered_token_gets_a_clear_page(client, session, token):
    tampered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    for response in (client.get(f"/r/{tampered}"), client.post(f"/r/{tampered}", data={**FULL, "key": "k"})):
        assert response.status_code == 404
        assert "Mã đánh giá không đúng" in response.text and "hết hạn" not in response.text
        assert '<html lang="vi">' in response.text
    assert client.get("/r/not-a-token").status_code == 404
    assert ratings(session) == []


def test_expired_token_gets_its_own_wording(client, app, session, dossier_id, secret):
    expired = rating_service.token_for(secret, dossier_id, today=TODAY - timedelta(days=91), valid_days=90)
    for response in (client.get(f"/r/{expired}"), client.post(f"/r/{expired}", data={**FULL, "key": "k"})):
        assert response.status_code == 410
        assert "Mã đánh giá đã hết hạn" in response.text and "19/11/2026" in response.text
    assert ratings(session) == []


def test_token_of_a_deleted_dossier(client, session, token, dossier_id):
    session.execute(delete(Dossier).where(Dossier.id == dossier_id))
    session.commit()
    response = client.get(f"/r/{token}")
    assert response.status_code == 404 and "Không tìm thấy hồ sơ" in response.text
    assert client.post(f"/r/{token}", data={**FULL, "key": "k"}).status_code == 404
    assert ratings(session) == []


def test_counter_page(client, session):
    page = client.get("/r/quay/quay-2")
    assert page.status_code == 200 and "Quầy số 2" in page.text
    assert "Ông/bà có hài lòng với sự phục vụ tại quầy này không?" in page.text
    assert 'name="i3"' not in page.text and "Không bắt buộc." in page.text
    key = hidden_key(page.text)
    missing = client.post("/r/quay/quay-2", data={"key": key, "i7": "2"})
    assert missing.status_code == 422 and form.MISSING_ANSWER in fieldset(missing.text, "satisfaction")
    done = client.post("/r/quay/quay-2", data={"key": key, "satisfaction": "rat_hai_long"})
    assert done.status_code == 303
    assert "Rất hài lòng" in client.get(done.headers["location"]).text
    again = client.post("/r/quay/quay-2", data={"key": key, "satisfaction": "hai_long"})
    assert again.status_code == 409 and wording.BALLOT_ALREADY_SENT in again.text
    [row] = ratings(session)
    assert (row.counter_id, row.dossier_id, row.satisfaction, row.i6, row.i7, row.channel) == (
        "quay-2",
        None,
        "rat_hai_long",
        None,
        None,
        "qr",
    )
    # a second citizen at the same counter rates it too (counter ballots are not one-per-anything)
    other = client.post("/r/quay/quay-2", data={"key": "k2", "satisfaction": "hai_long", "i6": "1", "i7": "2"})
    assert other.status_code == 303 and [(r.i6, r.i7) for r in ratings(session)] == [(None, None), (1, 2)]


@pytest.mark.parametrize("bad", ["quầy-2", "a" * 51, "x%20y", "quay.2"])
def test_unknown_counter(client, bad):
    response = client.get(f"/r/quay/{bad}")
    assert response.status_code == 404 and "Không có quầy này" in response.text


def test_thanks_page_of_an_unknown_ballot(client):
    assert client.get("/r/cam-on/nothing-here").status_code == 404
