"""Rating submissions per second through the real HTTP server (`kiosk serve`: uvicorn, one process) on loopback.

Seeds a fresh database with dossiers through the CSV import, then several concurrent clients send one ballot per
dossier, each with the dossier's rating token (the QR code's), in two phases:

- "QR page": the citizen's phone posts the rating form (POST /r/{token} → 303), a fresh idempotency key each;
- "kiosk/chat API": POST /api/ratings with the token and the indicator answers (JSON);

and a third phase of double taps (each ballot sent twice at once under one key, which must store one row).
Prints submissions/s and latency percentiles per phase, and checks the number of ballots stored.

Usage:
    .venv/bin/python -m bench.rating_submissions                       # SQLite file in a temporary folder
    .venv/bin/python -m bench.rating_submissions --database-url postgresql://postgres@127.0.0.1:54330/postgres
      (a throwaway database is created on that server and dropped afterwards)
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]

from bench.kiosk_process import KIOSK, start_kiosk  # noqa: E402
from kiosk_api.clock import SystemClock, vn_today  # noqa: E402
from kiosk_api.db import make_engine  # noqa: E402
from kiosk_api.ratings.service import token_for  # noqa: E402
from kiosk_api.settings import normalise_database_url  # noqa: E402

SECRET = "bench-secret"
HEADER = "ma_ho_so,ma_thu_tuc,ten_nguoi_nop,so_dien_thoai,kenh_nop,ngay_tiep_nhan,ngay_hen_tra,"
HEADER += "ngay_co_ket_qua,ngay_tra_ket_qua,trang_thai"
FORM = {"i3": "2", "i4": "2", "i6": "1", "i7": "2", "satisfaction": "hai_long", "comment": "Cán bộ nhiệt tình"}


def seed(path: Path, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        fh.write(HEADER + "\n")
        w = csv.writer(fh)
        for i in range(count):
            code = f"000.00.06.H56-2611{(i % 28) + 1:02d}-{i:05d}"
            dates = ["2026-11-02", "2026-11-05", "2026-11-04", "2026-11-05"]
            w.writerow([code, "1.001193", "Người Thử", f"09{i:08d}", "truc_tiep", *dates, "da_tra_ket_qua"])


@contextmanager
def database(url: str | None, tmp: str) -> Iterator[str]:
    """The URL of an empty database: a SQLite file, or a throwaway database on the given PostgreSQL server."""
    if not url:
        yield f"sqlite:///{tmp}/bench.sqlite3"
        return
    if not url.startswith(("postgresql", "postgres")):
        yield url
        return
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(normalise_database_url(url))
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"kiosk_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def dossier_ids(url: str) -> list[int]:
    from sqlalchemy import text

    engine = make_engine(normalise_database_url(url))
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.execute(text("SELECT id FROM dossiers ORDER BY id"))]
    finally:
        engine.dispose()


def count_ratings(url: str) -> int:
    from sqlalchemy import text

    engine = make_engine(normalise_database_url(url))
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM ratings")).scalar_one()
    finally:
        engine.dispose()


Send = Callable[[httpx.Client, httpx.Client, str], list[int]]


def run_phase(base: str, jobs: list[str], clients: int, send: Send):
    """Send every job from `clients` threads (each with two HTTP connections, for double taps); returns
    (seconds, latencies in ms, status counts)."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)

    def worker(k: int) -> None:
        with httpx.Client(base_url=base, timeout=30) as client, httpx.Client(base_url=base, timeout=30) as other:
            start_line.wait()
            for job in jobs[k::clients]:
                t = time.perf_counter()
                codes = send(client, other, job)
                dt = (time.perf_counter() - t) * 1000
                with lock:
                    latencies.append(dt)
                    for code in codes:
                        statuses[code] = statuses.get(code, 0) + 1

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for th in threads:
        th.start()
    start_line.wait()
    began = time.perf_counter()
    for th in threads:
        th.join()
    return time.perf_counter() - began, sorted(latencies), statuses


def report(name: str, n: int, seconds: float, lat: list[float], statuses: dict[int, int]) -> None:
    p95 = lat[max(0, int(len(lat) * 0.95) - 1)]
    print(
        f"{name}: {n} ballots in {seconds:.1f} s = {n / seconds:.0f} submissions/s; "
        f"latency ms p50={statistics.median(lat):.1f} p95={p95:.1f} max={lat[-1]:.1f}; statuses {statuses}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"), help="default: SQLite")
    parser.add_argument("--ballots", type=int, default=600, help="ballots per phase (one dossier each)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    args = parser.parse_args()
    n = args.ballots

    with tempfile.TemporaryDirectory() as tmp, database(args.database_url, tmp) as url:
        env = dict(os.environ)
        env.update(DATABASE_URL=url, KIOSK_SECRET_KEY=SECRET, KIOSK_VAR_DIR=tmp)
        env.pop("KIOSK_PUBLIC_BASE_URL", None)
        csv_path = Path(tmp) / "dossiers.csv"
        seed(csv_path, 3 * n)
        subprocess.run([KIOSK, "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run([KIOSK, "dossiers", "import", str(csv_path)], env=env, check=True, capture_output=True)
        today = vn_today(SystemClock())
        tokens = [token_for(SECRET.encode(), i, today=today, valid_days=90) for i in dossier_ids(url)]
        server, base = start_kiosk(env)
        try:

            def page_post(client: httpx.Client, _: httpx.Client, token: str) -> list[int]:
                form = {**FORM, "key": secrets.token_urlsafe(18)}
                return [client.post(f"/r/{token}", data=form).status_code]

            def api_post(client: httpx.Client, _: httpx.Client, token: str) -> list[int]:
                body = {
                    "channel": "kiosk",
                    "satisfaction": "rat_hai_long",
                    "idempotency_key": secrets.token_urlsafe(18),
                    "token": token,
                    "i3": 2,
                    "i4": 1,
                    "i6": 2,
                    "i7": 2,
                }
                return [client.post("/api/ratings", json=body).status_code]

            def double_tap(client: httpx.Client, other: httpx.Client, token: str) -> list[int]:
                form = {**FORM, "key": secrets.token_urlsafe(18)}
                codes: list[int] = []
                second = threading.Thread(target=lambda: codes.append(other.post(f"/r/{token}", data=form).status_code))
                second.start()
                codes.append(client.post(f"/r/{token}", data=form).status_code)
                second.join()
                return codes

            kind = url.split(":", 1)[0].split("+")[0]
            print(f"{kind}: {args.clients} concurrent clients, {n} ballots per phase, one server process")
            report("QR page form POST", n, *run_phase(base, tokens[:n], args.clients, page_post))
            report("kiosk/chat API POST", n, *run_phase(base, tokens[n : 2 * n], args.clients, api_post))
            report("double taps (2 POSTs each)", n, *run_phase(base, tokens[2 * n :], args.clients, double_tap))
            stored = count_ratings(url)
            print(f"ballots stored: {stored} (expected {3 * n}: one per dossier, double taps included)")
            if stored != 3 * n:
                raise SystemExit(1)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
