"""Shared fixtures: databases (SQLite and PostgreSQL), migrated with the real Alembic upgrade; the app.

PostgreSQL runs when TEST_DATABASE_URL points at a server (e.g. postgresql://postgres@127.0.0.1:54329/postgres):
one fresh database is created per test session and dropped at the end; every test gets its own schema in it.
"""

from __future__ import annotations

import os
import sys
import uuid
import warnings
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # TestClient warns about httpx at its first import: once, here, for every test
    from fastapi.testclient import TestClient


from kiosk_api import migrate
from kiosk_api.app import create_app
from kiosk_api.clock import FixedClock
from kiosk_api.db import make_engine, make_sessionmaker
from kiosk_api.services import staff as staff_service
from kiosk_api.settings import Settings, normalise_database_url
from procedures_kb.catalogue import Catalogue, load_catalogue
from procedures_kb.workdays import WorkingCalendar
from tests.support.constants import FIXTURES, NOW, STAFF_PASSWORD, STAFF_USERNAME, TEST_SECRET
from tests.support.ports import free_port

# The `stack` fixture (the whole assistant: kiosk_api, Rasa, action server) of the bot and voice tests.
pytest_plugins = ["tests.support.bot_stack"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-shift",
        metavar="ISO_DATETIME",
        help="Run the tests with the machine's clock moved to this moment (time-machine; it keeps ticking), to "
        "prove that no test depends on the real date, e.g. --clock-shift=2027-02-08T10:00:00+07:00 (inside Tết).",
    )


def pytest_configure(config: pytest.Config) -> None:
    shift = config.getoption("--clock-shift")
    if shift:
        import time_machine

        destination = datetime.fromisoformat(shift)
        if destination.tzinfo is None:
            raise pytest.UsageError("--clock-shift needs a time zone, e.g. 2027-02-08T10:00:00+07:00")
        traveller = time_machine.travel(destination, tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests of the whole assistant share one `stack` (Rasa is loaded once, and the last of them stops it): under
    pytest-xdist (scripts/test runs two or more workers) they all go to one worker, in their order."""
    for item in items:
        if "stack" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("stack"))


def pytest_report_header(config: pytest.Config) -> str | None:
    shift = config.getoption("--clock-shift")
    return f"machine clock shifted to {shift} (time-machine)" if shift else None


def _libpq_url(url: str) -> str:
    """A SQLAlchemy URL as a libpq connection string for psycopg (driver suffix removed)."""
    return make_url(normalise_database_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session (dropped afterwards)."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        pytest.skip("TEST_DATABASE_URL not set")
    import psycopg

    name = f"kiosk_test_{uuid.uuid4().hex[:12]}"
    admin = _libpq_url(server)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield make_url(normalise_database_url(server)).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database: a SQLite file, or a fresh schema in the session's PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kiosk-test.sqlite3'}"
        return
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("TEST_DATABASE_URL not set")
    import psycopg

    database = request.getfixturevalue("pg_database")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq_url(database), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = make_url(database).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with psycopg.connect(_libpq_url(database), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def migrated_url(db_url: str) -> str:
    """The database, upgraded to head by the real Alembic migrations."""
    migrate.upgrade(db_url)
    return db_url


@pytest.fixture
def clock() -> FixedClock:
    """The one clock of a test: the app and every session read it (move it with clock.set / clock.advance)."""
    return FixedClock(NOW)


@pytest.fixture
def make_session(migrated_url: str, clock: FixedClock) -> Iterator:
    """A sessionmaker on the migrated database with the test's clock (for tests that need several sessions)."""
    engine = make_engine(migrated_url)
    try:
        yield make_sessionmaker(engine, clock)
    finally:
        engine.dispose()


@pytest.fixture
def session(make_session) -> Iterator[Session]:
    with make_session() as s:
        yield s


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    """Vietnam's working-day calendar by the law and the library's yearly decisions (no override file)."""
    return WorkingCalendar()


@pytest.fixture
def secret() -> bytes:
    return TEST_SECRET.encode()


@pytest.fixture
def settings(migrated_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=migrated_url,
        secret_key=TEST_SECRET,
        var_dir=tmp_path / "var",
        province=None,
        commune_name="UBND xã Thử Nghiệm",
        lookup_max_failures=3,
        lookup_window_seconds=900,
        staff_token_ttl_hours=12,
        # Never the default 127.0.0.1:5005: a Rasa started on this machine must not answer the tests' chats.
        rasa_url=f"http://127.0.0.1:{free_port()}",
    )


@pytest.fixture
def app(settings: Settings, catalogue: Catalogue, clock: FixedClock, calendar: WorkingCalendar):
    return create_app(settings, catalogue, clock=clock, calendar=calendar)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def staff_user(session: Session):
    return staff_service.create_user(session, STAFF_USERNAME, STAFF_PASSWORD, full_name="Nguyễn Thị Lan")


@pytest.fixture
def auth_headers(client: TestClient, staff_user) -> dict[str, str]:
    response = client.post("/api/staff/login", json={"username": STAFF_USERNAME, "password": STAFF_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def good_csv() -> bytes:
    return (FIXTURES / "dossiers_good.csv").read_bytes()


@pytest.fixture
def bad_csv() -> bytes:
    return (FIXTURES / "dossiers_bad.csv").read_bytes()


def pytest_sessionfinish(session, exitstatus) -> None:
    renderer = sys.modules.get("qr_decode")  # the QR tests' Chromium renderer, when those tests ran
    if renderer is not None:
        renderer.close_renderer()
