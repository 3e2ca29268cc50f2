"""Finding H3 and the counter-ballot part of M2: nobody can take a citizen's one ballot with the dossier code, and
rotating headers from the kiosk's address does not multiply anonymous ballots."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kiosk_api.models import Rating
from tests.security.conftest import OVERDUE, OVERDUE_DIGITS, RETURNED

pytestmark = pytest.mark.db


def ballot(key: str, **extra) -> dict:
    return {"channel": "kiosk", "satisfaction": "khong_hai_long", "idempotency_key": key, **extra}


def ballots(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Rating))


def test_a_dossier_code_alone_cannot_rate(imported, from_address, session):
    attacker = from_address("127.0.0.50")
    refused = attacker.post("/api/ratings", json=ballot("x", dossier_code=RETURNED))
    assert refused.status_code == 403 and refused.json()["error"] == "dossier_needs_token"
    assert ballots(session) == 0
    # The citizen, after a lookup with the right digits, rates with the token the lookup handed out.
    citizen = from_address("127.0.0.51")
    found = citizen.post("/api/dossiers/lookup", json={"code": OVERDUE, "phone_last4": OVERDUE_DIGITS}).json()
    token = found["rating_url"].rsplit("/", 1)[-1]
    assert citizen.post("/api/ratings", json=ballot("own", token=token, satisfaction="hai_long")).status_code == 200
    assert ballots(session) == 1


def test_rotating_headers_do_not_multiply_counter_ballots(app, from_address, session):
    app.state.settings = app.state.settings.model_copy(update={"counter_ballots_per_hour": 3})
    kiosk = from_address("127.0.0.1")
    statuses = [
        kiosk.post(
            "/api/ratings",
            json=ballot(f"c{i}", counter_id="quay-1"),
            headers={"X-Kiosk-Session": f"{i:032x}", "X-Forwarded-For": f"10.0.0.{i}"},
        ).status_code
        for i in range(6)
    ]
    assert statuses == [200, 200, 200, 429, 429, 429]
    page = from_address("127.0.0.52")
    posted = [
        page.post(
            "/r/quay/quay-1",
            data={"key": f"p{i}", "satisfaction": "hai_long"},
            headers={"X-Forwarded-For": f"10.0.1.{i}"},
            follow_redirects=False,
        ).status_code
        for i in range(5)
    ]
    assert posted == [303, 303, 303, 429, 429]
    assert ballots(session) == 6
