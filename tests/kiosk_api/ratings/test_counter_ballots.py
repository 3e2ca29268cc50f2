"""Anonymous counter ballots have a budget per client (KIOSK_COUNTER_BALLOTS_PER_HOUR), so nobody can flood
Biểu 5a from one phone or one kiosk session; replays of a stored ballot and per-dossier ballots are not limited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from kiosk_api.app import create_app
from kiosk_api.clock import FixedClock
from kiosk_api.models import Rating
from kiosk_api.ratings import wording
from tests.support.constants import NOW

pytestmark = pytest.mark.db
LIMIT = 2


@pytest.fixture
def limited(settings, catalogue) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"counter_ballots_per_hour": LIMIT}), catalogue, clock=FixedClock(NOW))
    with TestClient(app) as c:
        yield c


def counter_ballot(key: str, **extra) -> dict:
    return {"channel": "kiosk", "satisfaction": "hai_long", "counter_id": "quay-1", "idempotency_key": key, **extra}


def stored(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Rating))


def test_api_counter_ballots_stop_at_the_budget_but_replays_are_answered(limited, session):
    for i in range(LIMIT):
        assert limited.post("/api/ratings", json=counter_ballot(f"k{i}")).status_code == 200
    refused = limited.post("/api/ratings", json=counter_ballot("one-too-many"))
    assert refused.status_code == 429 and refused.json()["detail"] == wording.TOO_MANY_COUNTER_BALLOTS
    assert limited.post("/api/ratings", json=counter_ballot("k0")).status_code == 200  # a retry, not a new one
    assert stored(session) == LIMIT


def test_a_session_header_from_elsewhere_buys_no_new_budget(limited, session):
    # The test client's address is not a kiosk address: the session header must not buy a new budget.
    for i in range(LIMIT):
        limited.post("/api/ratings", json=counter_ballot(f"a{i}"), headers={"X-Kiosk-Session": "s" * 20})
    other = limited.post("/api/ratings", json=counter_ballot("b0"), headers={"X-Kiosk-Session": "t" * 20})
    assert other.status_code == 429
    assert stored(session) == LIMIT


def test_counter_page_stops_at_the_budget_with_a_friendly_page(limited, session):
    for i in range(LIMIT):
        assert (
            limited.post(
                "/r/quay/quay-2", data={"key": f"p{i}", "satisfaction": "rat_hai_long"}, follow_redirects=False
            ).status_code
            == 303
        )
    refused = limited.post("/r/quay/quay-2", data={"key": "p-extra", "satisfaction": "rat_hai_long"})
    assert refused.status_code == 429 and "Thiết bị này vừa gửi nhiều phiếu đánh giá quầy" in refused.text
    double_tap = limited.post(
        "/r/quay/quay-2", data={"key": "p0", "satisfaction": "rat_hai_long"}, follow_redirects=False
    )
    assert double_tap.status_code == 303
    assert stored(session) == LIMIT
