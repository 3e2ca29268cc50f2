"""The province profile as it runs (deploy/province.py, `./scripts/start --province`): PostgreSQL, Redis, HAProxy,
two kiosk_api replicas, two Rasa servers (SQL tracker store, Redis lock store) and two action servers, all real
processes. Which replica served what is read from HAProxy's own statistics.

The PostgreSQL server is TEST_DATABASE_URL's (CI starts one) in two fresh databases, else a cluster the profile
starts itself. The tests run in file order on one worker: the last ones kill replicas.
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest

from deploy.province import KIOSK, ROOT, Ports, Province, port_is_free
from tests.support.bot_stack import (
    CSV_HEADER,
    MODEL,
    STACK_START,
    STACK_TODAY,
    SeededDossier,
    chat_turn,
    reply_text,
    seed_rows,
)
from tests.support.text import norm

pytestmark = [pytest.mark.bot, pytest.mark.xdist_group("province")]
if os.environ.get("KIOSK_SKIP_BOT") == "1":
    pytest.skip("KIOSK_SKIP_BOT=1: assistant tests left out of this run", allow_module_level=True)

REPLICAS = 2


def free_block(size: int) -> int:
    """The first of `size` consecutive loopback ports that are all free."""
    for _ in range(200):
        start = random.randrange(20_000, 60_000 - size)
        if all(port_is_free(p) for p in range(start, start + size)):
            return start
    raise RuntimeError("no block of free ports")


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class Running:
    """The running profile, the seeded dossiers and the conversations' ids."""

    def __init__(self, province: Province, dossiers: dict[str, SeededDossier], kiosk_db: str):
        self.province = province
        self.dossiers = dossiers
        self.kiosk_db = kiosk_db
        self.conversations: dict[str, str] = {}

    @property
    def url(self) -> str:
        return self.province.url

    def chat(self, label: str, message: str) -> dict:
        return chat_turn(self.url, self.conversations, label, message)

    def scalar(self, query: str, *params: object) -> object:
        with psycopg.connect(self.kiosk_db) as conn:
            row = conn.execute(query, params).fetchone()
        return row[0] if row else None


@pytest.fixture(scope="session")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """Started once per test session (a pytest-xdist worker may run these tests with others in between: a module
    fixture would start the whole profile again)."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: ./scripts/test trains it before running pytest")
    server = os.environ.get("TEST_DATABASE_URL")
    server = libpq(server) if server else None
    var = tmp_path_factory.mktemp("province")
    pg_home = None if server else Path(tempfile.mkdtemp(prefix="kiosk-province-pg-"))  # reachable by its own user
    province = Province(
        pg_home=pg_home,
        var=var,
        ports=Ports(free_block(1), free_block(4 + 3 * REPLICAS), REPLICAS),
        database_url=server,
        db_prefix=f"prov_{uuid.uuid4().hex[:8]}_",
        extra_env={
            "KIOSK_SECRET_KEY": "province-test-secret",
            "KIOSK_CLOCK_START": STACK_START,
            "KIOSK_COUNTER_BALLOTS_PER_HOUR": "10000",
            "KIOSK_PETITIONS_PER_HOUR": "10000",
            "KIOSK_LOOKUP_MAX_FAILURES": "1000",
        },
    )
    try:
        province.start()
        rows, dossiers = seed_rows(STACK_TODAY)
        seed = var / "seed.csv"
        with seed.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_HEADER)
            writer.writerows(rows)
        subprocess.run([str(KIOSK), "dossiers", "import", str(seed)], env=province.env, cwd=ROOT, check=True)
        yield Running(province, dossiers, libpq(province.env["DATABASE_URL"]))
    finally:
        province.stop()
        if pg_home is not None:
            shutil.rmtree(pg_home, ignore_errors=True)
        if server:
            with psycopg.connect(server, autocommit=True) as conn:
                for name in province.databases:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def turn(running: Running, label: str, message: str) -> tuple[dict, list[str]]:
    """One chat message through the public address: the answer, and which kiosk_api replicas took it."""
    before = running.province.served("kiosk")
    body = running.chat(label, message)
    return body, [name for name, n in running.province.served("kiosk").items() if n > before.get(name, 0)]


def only(running: Running, replica: str) -> None:
    """Rasa's load balancer sends everything to `replica` (the other is in maintenance)."""
    for name in ("rasa1", "rasa2"):
        running.province.set_state("rasa", name, "ready" if name == replica else "maint")


def test_the_profile_uses_postgresql_and_one_load_balancer_per_service(running):
    health = httpx.get(f"{running.url}/healthz", timeout=10).json()
    assert health["status"] == "ok" and health["assistant"] == "ready"
    assert running.province.env["DATABASE_URL"].startswith("postgresql")
    assert set(running.province.served("kiosk")) == {"kiosk1", "kiosk2"}
    assert set(running.province.served("rasa")) == {"rasa1", "rasa2"}
    # kiosk_api reaches Rasa, and Rasa its action servers, through the load balancer too
    assert running.province.env["RASA_URL"].endswith(f":{running.province.ports.rasa_front}")


def test_a_dossier_conversation_continues_on_other_replicas_and_after_one_dies(running):
    d = running.dossiers["ok"]
    # Each turn goes to the other Rasa replica (the load balancer is told which), and alternates kiosk_api replicas.
    kiosk_seen: set[str] = set()
    only(running, "rasa1")
    body, kiosk = turn(running, "c", "tôi muốn tra cứu hồ sơ")
    assert body["source"] == "assistant" and "ma ho so" in norm(reply_text(body))
    kiosk_seen.update(kiosk)
    only(running, "rasa2")
    body, kiosk = turn(running, "c", d.code)
    assert body["source"] == "assistant" and "4 so cuoi" in norm(reply_text(body))  # rasa2 knew the question
    kiosk_seen.update(kiosk)
    assert kiosk_seen == {"kiosk1", "kiosk2"}
    # rasa2, which took the code, dies; rasa1 answers the digits with the code it reads from PostgreSQL.
    running.province.set_state("rasa", "rasa1", "ready")
    running.province.kill("rasa2")
    body, _ = turn(running, "c", d.phone_last4)
    text = norm(reply_text(body))
    assert body["source"] == "assistant" and ("hen tra" in text or "ngay hen" in text), text


def ballot(key: str) -> dict:
    return {"channel": "kiosk", "satisfaction": "hai_long", "counter_id": "quay-1", "idempotency_key": key}


def petition(content: str) -> dict:
    return {"kind": "kien_nghi", "content": content, "channel": "kiosk"}


def test_a_double_tapped_ballot_spread_over_replicas_is_stored_once(running):
    replicas = [f"http://127.0.0.1:{port}" for port in running.province.ports.kiosk]
    targets = [*replicas, running.url, running.url, *replicas]
    with ThreadPoolExecutor(len(targets)) as pool:
        answers = list(pool.map(lambda b: httpx.post(f"{b}/api/ratings", json=ballot("tap"), timeout=30), targets))
    assert [a.status_code for a in answers] == [200] * len(targets), [a.text for a in answers]
    ids = {a.json()["id"] for a in answers}
    assert len(ids) == 1
    assert running.scalar("SELECT count(*) FROM ratings WHERE counter_id = 'quay-1'") == 1


def test_a_killed_kiosk_replica_loses_no_accepted_ballot_or_petition(running):
    accepted_ballots: list[int] = []
    accepted_petitions: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + 8

    def client(n: int) -> None:
        i = 0
        with httpx.Client(base_url=running.url, timeout=30) as c:
            while time.monotonic() < stop_at:
                i += 1
                try:
                    r = c.post("/api/ratings", json=ballot(f"load-{n}-{i}"))
                    p = c.post("/api/petitions", json=petition(f"Góp ý số {n}-{i} về giờ làm việc"))
                except httpx.HTTPError as e:
                    with lock:
                        failures.append(repr(e))
                    continue
                with lock:
                    for resp, bucket in ((r, accepted_ballots), (p, accepted_petitions)):
                        if resp.status_code == 200:
                            bucket.append(resp.json()["id"])
                        else:
                            failures.append(f"{resp.status_code} {resp.text[:100]}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    time.sleep(3)
    running.province.kill("kiosk1")  # outright, in the middle of the traffic
    for t in threads:
        t.join()
    # a request in flight on the dying replica may fail (the citizen taps again); nothing accepted is lost
    assert len(failures) <= 4, failures
    assert len(accepted_ballots) > 20 and len(accepted_petitions) > 20
    with psycopg.connect(running.kiosk_db) as conn:
        stored_ballots = {r[0] for r in conn.execute("SELECT id FROM ratings").fetchall()}
        stored_petitions = {r[0] for r in conn.execute("SELECT id FROM petitions").fetchall()}
    assert set(accepted_ballots) <= stored_ballots and set(accepted_petitions) <= stored_petitions
    # the survivor serves alone from now on
    served = running.province.served("kiosk")
    assert httpx.post(f"{running.url}/api/ratings", json=ballot("after-the-crash"), timeout=30).status_code == 200
    after = running.province.served("kiosk")
    assert after["kiosk1"] == served["kiosk1"] and after["kiosk2"] == served["kiosk2"] + 1
