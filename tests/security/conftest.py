"""Fixtures of the abuse tests (../../shared/docs/security_findings.md): each test replays an attack the probe made
and checks that it now fails. They run on SQLite and, with TEST_DATABASE_URL, PostgreSQL, through the real server
(uvicorn on loopback) where the client's address matters: a different 127.0.0.x address is a different client."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from kiosk_api.services.dossier_import import import_csv
from tests.support.browser import LiveServer

# Dossiers of tests/fixtures/dossiers_good.csv (the tests' clock: Friday 20/11/2026).
OVERDUE, OVERDUE_DIGITS = "000.00.06.H56-261105-0003", "4567"
READY, READY_DIGITS = "000.00.06.H56-261110-0002", "4321"
RETURNED, RETURNED_DIGITS = "000.00.06.H56-261102-0001", "5678"
UNKNOWN = "000.00.06.H56-261105-9999"


@pytest.fixture
def imported(session, good_csv, secret, catalogue) -> None:
    assert import_csv(session, good_csv, secret=secret, catalogue=catalogue).created == 6


@pytest.fixture
def server(app) -> Iterator[LiveServer]:
    """The app served by uvicorn on loopback, configured as `kiosk serve` runs it."""
    live = LiveServer(app).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def from_address(server) -> Iterator[Callable[[str], httpx.Client]]:
    """A client of the live server whose connections come from `address` (any 127.0.0.x)."""
    clients: list[httpx.Client] = []

    def make(address: str) -> httpx.Client:
        transport = httpx.HTTPTransport(local_address=address)
        client = httpx.Client(base_url=server.url, transport=transport, timeout=20)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
