"""Satisfaction ballots: idempotency, one ballot per dossier, concurrent submissions on the real database."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kiosk_api.clock import FixedClock
from kiosk_api.db import make_engine, make_sessionmaker
from kiosk_api.models import Dossier, Rating
from kiosk_api.ratings import service as rating_service
from kiosk_api.services.dossier_import import import_csv
from tests.support.constants import NOW

OVERDUE = "000.00.06.H56-261105-0003"
RETURNED = "000.00.06.H56-261102-0001"


@pytest.fixture
def imported(session, good_csv, secret, catalogue):
    assert import_csv(session, good_csv, secret=secret, catalogue=catalogue).created == 6


def ballot(key="k-1", **extra):
    return {"channel": "kiosk", "satisfaction": "rat_hai_long", "idempotency_key": key, **extra}


def count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Rating))


def test_submit_rating(client, session):
    response = client.post("/api/ratings", json=ballot(comment="  Cán bộ nhiệt tình ", counter_id="quay-2"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["text"].startswith("Cảm ơn ông/bà") and "Rất hài lòng" in body["text"]
    row = session.get(Rating, body["id"])
    assert (row.channel, row.satisfaction, row.comment, row.counter_id, row.dossier_id) == (
        "kiosk",
        "rat_hai_long",
        "Cán bộ nhiệt tình",
        "quay-2",
        None,
    )


def test_unhappy_citizens_are_offered_a_petition(client):
    text = client.post("/api/ratings", json=ballot(satisfaction="khong_hai_long")).json()["text"]
    assert "rất tiếc" in text and "phản ánh" in text


def test_same_key_is_the_same_ballot(client, session):
    first = client.post("/api/ratings", json=ballot("k-same"))
    second = client.post("/api/ratings", json=ballot("k-same"))
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert count(session) == 1


def test_same_key_for_another_ballot_is_refused(client, session):
    client.post("/api/ratings", json=ballot("k-x"))
    response = client.post("/api/ratings", json=ballot("k-x", satisfaction="binh_thuong"))
    assert response.status_code == 409 and response.json()["error"] == "idempotency_key_reused"
    assert count(session) == 1


def test_one_ballot_per_dossier(client, session, imported, secret):
    token = token_of(session, secret)
    first = client.post("/api/ratings", json=ballot("k-d1", token=f" {token} ", channel="qr"))
    assert first.status_code == 200
    dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == RETURNED))
    assert session.get(Rating, first.json()["id"]).dossier_id == dossier_id
    again = client.post("/api/ratings", json=ballot("k-d1", token=token, channel="qr"))
    assert again.json() == first.json()  # a retry of the same ballot
    second = client.post("/api/ratings", json=ballot("k-d2", token=token, satisfaction="hai_long"))
    assert second.status_code == 409
    assert second.json()["error"] == "already_rated" and "đã được đánh giá" in second.json()["detail"]
    assert count(session) == 1


@pytest.mark.parametrize("code", [RETURNED, "000.00.06.H56-261105-9999"])
def test_a_dossier_code_alone_cannot_cast_a_ballot(client, session, imported, secret, code):
    """Knowing a dossier's code must not let anyone take its citizen's one ballot (finding H3): known and unknown
    codes get the same refusal, and the citizen's own link still works afterwards."""
    refused = client.post("/api/ratings", json=ballot("k-h3", dossier_code=code, satisfaction="khong_hai_long"))
    assert refused.status_code == 403 and refused.json()["error"] == "dossier_needs_token"
    assert "quét mã QR" in refused.json()["detail"]
    assert count(session) == 0
    genuine = client.post("/api/ratings", json=ballot("k-own", token=token_of(session, secret)))
    assert genuine.status_code == 200 and count(session) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"channel": "kiosk", "satisfaction": "hai_long"},
        ballot(channel="fax"),
        ballot(satisfaction="tuyet_voi"),
        ballot(key="   "),
        ballot(key="k" * 101),
        ballot(comment="x" * 2001),
        ballot(dossier_code="x" * 65),
    ],
)
def test_validation(client, body, session):
    response = client.post("/api/ratings", json=body)
    assert response.status_code == 422 and response.json()["error"] == "validation_error"
    assert count(session) == 0


def _race(migrated_url, ballots, dossier_id):
    """Submit the ballots at the same moment, each in its own thread and database session."""
    engine = make_engine(migrated_url)
    make_session = make_sessionmaker(engine, FixedClock(NOW))
    barrier = threading.Barrier(len(ballots))
    outcomes: list[object] = [None] * len(ballots)

    def run(i):
        with make_session() as s:
            barrier.wait()
            try:
                outcomes[i] = rating_service.submit(s, ballots[i], dossier_id=dossier_id).rating.id
            except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
                outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(ballots))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    return outcomes


def test_concurrent_double_submit_makes_one_row(migrated_url, session):
    same = rating_service.Ballot(channel="kiosk", satisfaction="hai_long", idempotency_key="double-tap")
    outcomes = _race(migrated_url, [same] * 6, None)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert len(set(outcomes)) == 1
    assert count(session) == 1


def test_concurrent_ballots_for_one_dossier_make_one_row(migrated_url, session, imported):
    dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == RETURNED))
    ballots = [
        rating_service.Ballot(channel="qr", satisfaction="hai_long", idempotency_key=f"key-{i}") for i in range(6)
    ]
    outcomes = _race(migrated_url, ballots, dossier_id)
    winners = [o for o in outcomes if isinstance(o, int)]
    losers = [o for o in outcomes if isinstance(o, rating_service.DossierAlreadyRated)]
    assert len(winners) == 1 and len(losers) == 5, outcomes
    assert count(session) == 1


# ---- per-dossier answers, rating tokens, questions, QR images (kiosk and chat) ----------------------------------


def token_of(session, secret, code=RETURNED, today=None, days=90):
    from tests.support.constants import TODAY

    dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == code))
    return rating_service.token_for(secret, dossier_id, today=today or TODAY, valid_days=days)


def test_indicator_answers_are_stored(client, session, imported, secret):
    body = ballot("k-ind", token=token_of(session, secret), i3=2, i4=1, i6=0, i7=2, satisfaction="hai_long")
    response = client.post("/api/ratings", json=body)
    assert response.status_code == 200, response.text
    row = session.get(Rating, response.json()["id"])
    assert (row.i3, row.i4, row.i6, row.i7) == (2, 1, 0, 2)
    # a retry with the same answers is the same ballot; other answers under the same key are refused
    assert client.post("/api/ratings", json=body).json() == response.json()
    changed = client.post("/api/ratings", json={**body, "i7": 0})
    assert changed.status_code == 409 and changed.json()["error"] == "idempotency_key_reused"
    assert count(session) == 1


def test_indicators_are_optional_for_the_kiosk_faces(client, session):
    response = client.post("/api/ratings", json=ballot("k-face", counter_id="quay-1"))
    row = session.get(Rating, response.json()["id"])
    assert (row.i3, row.i4, row.i6, row.i7) == (None, None, None, None)


@pytest.mark.parametrize(
    "extra",
    [{"i3": 3}, {"i4": -1}, {"i6": "nhieu"}, {"i7": 1.5}, {"token": "x" * 201}],
)
def test_indicator_and_token_validation(client, session, extra):
    response = client.post("/api/ratings", json=ballot("k-v", **extra))
    assert response.status_code == 422 and response.json()["error"] == "validation_error"
    assert count(session) == 0


def test_rating_by_token(client, session, imported, secret):
    token = token_of(session, secret)
    response = client.post("/api/ratings", json=ballot("k-t1", token=token, channel="chat", i3=2))
    assert response.status_code == 200, response.text
    row = session.get(Rating, response.json()["id"])
    assert row.dossier_id == session.scalar(select(Dossier.id).where(Dossier.code == RETURNED))
    assert (row.channel, row.i3) == ("chat", 2)
    again = client.post("/api/ratings", json=ballot("k-t2", token=token))
    assert again.status_code == 409 and again.json()["error"] == "already_rated"
    by_code = client.post("/api/ratings", json=ballot("k-t3", dossier_code=RETURNED))
    assert by_code.status_code == 403
    assert count(session) == 1


def test_tampered_token_is_refused_and_throttled(app, session, imported, secret):
    token = token_of(session, secret)
    with TestClient(app, client=("10.5.0.2", 1)) as c:
        for i in range(3):
            tampered = token[:i] + ("Z" if token[i] != "Z" else "Y") + token[i + 1 :]
            response = c.post("/api/ratings", json=ballot(f"k-x{i}", token=tampered))
            assert response.status_code == 400 and response.json()["error"] == "token_invalid"
            assert "Mã đánh giá không đúng" in response.json()["detail"]
        assert c.post("/api/ratings", json=ballot("k-x9", token=token)).status_code == 429
    assert count(session) == 0


def test_expired_token_is_gone(client, session, imported, secret):
    from tests.support.constants import TODAY

    expired = token_of(session, secret, today=TODAY - timedelta(days=31), days=30)
    response = client.post("/api/ratings", json=ballot("k-exp", token=expired))
    assert response.status_code == 410 and response.json()["error"] == "token_expired"
    assert "Mã đánh giá đã hết hạn" in response.json()["detail"] and "19/11/2026" in response.json()["detail"]
    assert count(session) == 0


def test_token_of_a_deleted_dossier_is_404(client, session, imported, secret):
    from sqlalchemy import delete

    token = token_of(session, secret)
    session.execute(delete(Dossier).where(Dossier.code == RETURNED))
    session.commit()
    response = client.post("/api/ratings", json=ballot("k-del", token=token))
    assert response.status_code == 404 and response.json()["error"] == "dossier_not_found"
    assert count(session) == 0


def test_malicious_comment_is_stored_as_given(client, session):
    evil = "<script>alert(1)</script>\x00'; DROP TABLE ratings; --"
    response = client.post("/api/ratings", json=ballot("k-evil", comment=evil))
    assert response.status_code == 200, response.text
    assert session.get(Rating, response.json()["id"]).comment == evil.replace("\x00", "")


def test_questions_for_the_kiosk_and_the_bot(client):
    dossier = client.get("/api/ratings/questions").json()
    assert dossier["kind"] == "dossier"
    assert [q["field"] for q in dossier["questions"]] == ["i3", "i4", "i6", "i7", "satisfaction"]
    i3 = dossier["questions"][0]
    assert i3["indicator"] == 3 and i3["text"] == "Ông/bà phải đi lại bao nhiêu lần để hoàn thiện hồ sơ?"
    assert [o["value"] for o in i3["options"]] == [2, 1, 0]
    assert [o["label"] for o in i3["options"]] == ["Không phải đi lại lần nào", "1 lần", "Từ 2 lần trở lên"]
    satisfaction = dossier["questions"][-1]
    assert [o["value"] for o in satisfaction["options"]] == [
        "rat_hai_long",
        "hai_long",
        "binh_thuong",
        "khong_hai_long",
    ]
    assert dossier["comment"]["max_length"] == 2000
    counter = client.get("/api/ratings/questions", params={"kind": "counter"}).json()
    assert [(q["field"], q["required"]) for q in counter["questions"]] == [
        ("satisfaction", True),
        ("i7", False),
        ("i6", False),
    ]
    assert client.get("/api/ratings/questions", params={"kind": "other"}).status_code == 422


def test_qr_image_of_a_token(client, session, settings, imported, secret):
    from tests.support.qr_decode import decode_png

    token = token_of(session, secret)
    png = client.get(f"/api/ratings/qr/{token}.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert decode_png(png.content) == [f"{settings.resolved_public_base_url}/r/{token}"]
    svg = client.get(f"/api/ratings/qr/{token}.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith(("<svg", "<?xml"))
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, "nonsense", token_of(session, secret, today=date(2020, 1, 1))):
        for ext in ("png", "svg"):
            response = client.get(f"/api/ratings/qr/{bad}.{ext}")
            assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_lookup_offers_the_rating_url_with_the_second_factor(client, session, settings, imported, secret):
    response = client.post("/api/dossiers/lookup", json={"code": RETURNED, "phone_last4": "5678"})
    assert response.status_code == 200, response.text
    url = response.json()["rating_url"]
    assert url == f"{settings.resolved_public_base_url}/r/{token_of(session, secret)}"
    page = client.get(url.removeprefix(settings.resolved_public_base_url))
    assert page.status_code == 200 and "Ông/bà phải đi lại bao nhiêu lần" in page.text
    assert client.post("/api/dossiers/lookup", json={"code": RETURNED}).status_code == 404


def test_concurrent_http_submissions_for_one_dossier(app, session, imported, secret):
    """Several clients post ballots for one dossier at once through the real HTTP server: one row."""
    import httpx

    from tests.support.browser import LiveServer

    token = token_of(session, secret)
    server = LiveServer(app).start()
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def post(i: int) -> None:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            barrier.wait()
            # half the clients double-tap the same key, the others are different people / devices
            key = "same-tap" if i % 2 else f"key-{i}"
            statuses.append(http.post("/api/ratings", json=ballot(key, token=token, channel="qr")).status_code)

    try:
        threads = [threading.Thread(target=post, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        server.stop()
    assert count(session) == 1
    assert sorted(set(statuses)) <= [200, 409] and statuses.count(200) >= 1, statuses
    winner = session.scalar(select(Rating))
    assert statuses.count(200) == (4 if winner.idempotency_key == "same-tap" else 1), statuses
