"""Satisfaction ballots: idempotency, one ballot per dossier, concurrent submissions on the real database."""

from __future__ import annotations

import threading
import warnings

import pytest
from sqlalchemy import func, select

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from kiosk_api.db import make_engine, make_sessionmaker
from kiosk_api.models import Dossier, Rating
from kiosk_api.services import ratings as rating_service
from kiosk_api.services.dossier_import import import_csv

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


def test_unhappy_citizens_are_offered_feedback(client):
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


def test_one_ballot_per_dossier(client, session, imported):
    first = client.post("/api/ratings", json=ballot("k-d1", dossier_code=f" {RETURNED} ", channel="qr"))
    assert first.status_code == 200
    dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == RETURNED))
    assert session.get(Rating, first.json()["id"]).dossier_id == dossier_id
    again = client.post("/api/ratings", json=ballot("k-d1", dossier_code=RETURNED, channel="qr"))
    assert again.json() == first.json()  # a retry of the same ballot
    second = client.post("/api/ratings", json=ballot("k-d2", dossier_code=RETURNED, satisfaction="hai_long"))
    assert second.status_code == 409
    assert second.json()["error"] == "already_rated" and "đã được đánh giá" in second.json()["detail"]
    assert count(session) == 1


def test_unknown_dossier_is_404_and_throttled(app, imported):
    with TestClient(app, client=("10.5.0.1", 1)) as c:
        for i in range(3):
            response = c.post("/api/ratings", json=ballot(f"k-u{i}", dossier_code=f"000.00.06.H56-261105-99{i:02d}"))
            assert response.status_code == 404 and "Không tìm thấy hồ sơ" in response.json()["detail"]
        blocked = c.post("/api/ratings", json=ballot("k-u9", dossier_code=OVERDUE))
        assert blocked.status_code == 429 and "thử lại sau" in blocked.json()["detail"]
        # ballots without a dossier code are never throttled
        assert c.post("/api/ratings", json=ballot("k-plain")).status_code == 200


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
    make_session = make_sessionmaker(engine)
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
