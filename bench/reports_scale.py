"""Biểu 5a / Biểu 6a at scale: a province of 100 communes, 1,000,000 dossiers and 1,000,000 ballots, on SQLite
and on PostgreSQL.

For each backend the script creates a fresh database (a temporary SQLite file; a new PostgreSQL database that it
drops at the end), builds the schema with the real Alembic migrations (so the real indexes), bulk-loads the rows
(SQLite: executemany in one transaction; PostgreSQL: COPY), runs ANALYZE, then times the report service functions
(kiosk_api.services.reports.bieu_5a / bieu_6a, the same code the API runs) for a quarter, a year and the whole
data set: the province's aggregate, the province broken down by commune (5a: each commune scored and ranked), one
commune's report (a commune officer's scope) and, for the year, the breakdown by field; it prints the median and
the slowest of several runs.

The data spans four years (2023-2026): dossiers of 60 procedures in 8 fields and 12 officers, 20 % online,
realistic outcomes (early / on time / late / refused / withdrawn / still open, some overdue); 90 % of the ballots
rate a dossier (one each: ratings.dossier_id is unique), 10 % are counter ballots without one. Dossiers are spread
evenly over the communes (--units, default 100); a ballot belongs to its dossier's commune.

Usage:
    .venv/bin/python -m bench.reports_scale                 # 1,000,000 rows each, both backends
    .venv/bin/python -m bench.reports_scale --rows 50000    # a quick run
    .venv/bin/python -m bench.reports_scale --backend sqlite --runs 3
PostgreSQL server: --pg-url (default $TEST_DATABASE_URL or postgresql://postgres@127.0.0.1:54330/postgres).
Targets: under 1 s on PostgreSQL and under 3 s on SQLite per report; the province's 5a under 2 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from kiosk_api import migrate  # noqa: E402
from kiosk_api.clock import FixedClock  # noqa: E402
from kiosk_api.db import make_engine, make_sessionmaker  # noqa: E402
from kiosk_api.domain.periods import Period  # noqa: E402
from kiosk_api.domain.units import EVERY_UNIT, Scope  # noqa: E402
from kiosk_api.report_rules import load_rules  # noqa: E402
from kiosk_api.services import reports  # noqa: E402
from kiosk_api.settings import normalise_database_url  # noqa: E402

FIELDS = [
    "Hộ tịch",
    "Chứng thực",
    "Cư trú",
    "Bảo trợ xã hội",
    "Đất đai",
    "Người có công",
    "Giảm nghèo",
    "Nuôi con nuôi",
]
OFFICERS = [f"canbo{i:02d}" for i in range(12)]
FIRST_DAY = date(2023, 1, 1)
LAST_DAY = date(2026, 11, 20)
TODAY = LAST_DAY
HASH = "0" * 64
DOSSIER_COLUMNS = (
    "id",
    "code",
    "procedure_code",
    "field",
    "applicant_name",
    "phone_hash",
    "phone_last4_hash",
    "channel",
    "received_date",
    "appointment_date",
    "result_date",
    "returned_date",
    "status",
    "officer",
    "created_at",
    "updated_at",
    "unit_code",
)
RATING_COLUMNS = (
    "id",
    "dossier_id",
    "counter_id",
    "channel",
    "idempotency_key",
    "i3",
    "i4",
    "i6",
    "i7",
    "satisfaction",
    "created_at",
    "unit_code",
)
UNIT_COLUMNS = ("code", "name", "province", "kind", "dossier_prefix", "created_at")


def unit_codes(n: int) -> list[str]:
    return [f"{20001 + k:05d}" for k in range(n)]


def unit_rows(n: int) -> Iterator[tuple]:
    created = datetime(2025, 7, 1, tzinfo=UTC)
    for k, code in enumerate(unit_codes(n)):
        yield code, f"Xã Thử {k + 1:03d}", "Tỉnh Thử", "xa", None, created


def dossier_rows(n: int, seed: int, units: list[str]) -> Iterator[tuple]:
    rng = random.Random(seed)
    span = (LAST_DAY - FIRST_DAY).days
    created = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(1, n + 1):
        received = FIRST_DAY + timedelta(days=int(span * i / n))
        due = received + timedelta(days=rng.choice((0, 1, 3, 5, 7, 10, 15)))
        roll = rng.random()
        result = returned = None
        if roll < 0.02:
            status = "da_rut"
        elif roll < 0.05:
            status = "tu_choi"
            result = returned = received + timedelta(days=rng.randint(0, max(0, (due - received).days)))
        elif received > TODAY - timedelta(days=20) and roll < 0.5:
            status = rng.choice(("moi_tiep_nhan", "dang_xu_ly", "cho_bo_sung"))
        elif roll < 0.06:
            status = "dang_xu_ly"  # stuck: overdue
        else:
            outcome = rng.random()
            if outcome < 0.07:
                result = due + timedelta(days=rng.randint(1, 5))
            elif outcome < 0.45 and due > received:
                result = received + timedelta(days=rng.randint(0, (due - received).days - 1))
            else:
                result = due
            if result > TODAY:
                status = "dang_xu_ly"
                result = None
            elif rng.random() < 0.05:
                status = "co_ket_qua"
            else:
                status = "da_tra_ket_qua"
                returned = min(TODAY, result + timedelta(days=rng.choice((0, 0, 1, 2))))
        yield (
            i,
            f"BENCH-{i:08d}",
            f"1.{rng.randrange(60):06d}",
            FIELDS[i % len(FIELDS)],
            "Người dân",
            HASH,
            HASH,
            "truc_tuyen" if rng.random() < 0.2 else ("buu_chinh" if rng.random() < 0.05 else "truc_tiep"),
            received,
            due,
            result,
            returned,
            status,
            OFFICERS[rng.randrange(len(OFFICERS))],
            created,
            created,
            units[i % len(units)],
        )


def rating_rows(n: int, n_dossiers: int, seed: int, units: list[str]) -> Iterator[tuple]:
    rng = random.Random(seed + 1)
    span = (LAST_DAY - FIRST_DAY).days * 86400
    rated = rng.sample(range(1, n_dossiers + 1), min(n_dossiers, int(n * 0.9)))
    start = datetime(FIRST_DAY.year, FIRST_DAY.month, FIRST_DAY.day, tzinfo=UTC)
    levels = ("rat_hai_long", "hai_long", "binh_thuong", "khong_hai_long")
    for i in range(1, n + 1):
        dossier_id = rated[i - 1] if i <= len(rated) else None
        # Ballots follow their dossier's date roughly (dossiers are spread evenly by id).
        if dossier_id is not None:
            at = start + timedelta(seconds=int(span * dossier_id / n_dossiers) + rng.randrange(86400 * 5))
        else:
            at = start + timedelta(seconds=rng.randrange(span))
        yield (
            i,
            dossier_id,
            None if dossier_id else "quay-1",
            rng.choice(("kiosk", "qr", "zalo", "chat")),
            f"bench-{i}",
            rng.choices((2, 1, 0), (85, 12, 3))[0],
            rng.choices((2, 1, 0, None), (85, 10, 2, 3))[0],
            rng.choices((2, 1, 0), (80, 18, 2))[0],
            rng.choices((2, 1, 0), (70, 28, 2))[0],
            rng.choices(levels, (70, 24, 5, 1))[0],
            at,
            units[dossier_id % len(units)] if dossier_id else rng.choice(units),
        )


def _chunks(rows: Iterator[tuple], size: int = 50_000) -> Iterator[list[tuple]]:
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def tables(n_dossiers: int, n_ratings: int, n_units: int) -> list[tuple[str, tuple[str, ...], Iterator[tuple]]]:
    units = unit_codes(n_units)
    return [
        ("units", UNIT_COLUMNS, unit_rows(n_units)),
        ("dossiers", DOSSIER_COLUMNS, dossier_rows(n_dossiers, 1, units)),
        ("ratings", RATING_COLUMNS, rating_rows(n_ratings, n_dossiers, 1, units)),
    ]


def load_sqlite(url: str, n_dossiers: int, n_ratings: int, n_units: int) -> None:
    import sqlite3

    path = make_url(url).database
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")

        def iso(rows):
            for row in rows:
                yield tuple(
                    v.replace(tzinfo=None).isoformat(sep=" ")
                    if isinstance(v, datetime)
                    else v.isoformat()
                    if isinstance(v, date)
                    else v
                    for v in row
                )

        for table, cols, rows in tables(n_dossiers, n_ratings, n_units):
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            for chunk in _chunks(iso(rows)):
                conn.executemany(sql, chunk)
        conn.commit()
        conn.execute("ANALYZE")
        conn.commit()
    finally:
        conn.close()


def load_postgresql(url: str, n_dossiers: int, n_ratings: int, n_units: int) -> None:
    import psycopg

    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as conn:
        with conn.cursor() as cur:
            for table, cols, rows in tables(n_dossiers, n_ratings, n_units):
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE dossiers")
        conn.execute("VACUUM ANALYZE ratings")


def time_reports(url: str, runs: int, n_units: int) -> list[tuple[str, float, float, float, str]]:
    engine = make_engine(url)
    rules = load_rules()
    year = Period.year(2025)
    quarter = Period.quarter(2026, 3)
    everything = Period.between(FIRST_DAY, LAST_DAY)
    commune = Scope(unit_codes(n_units)[n_units // 2])
    cases = []
    for label, period in (("quarter 2026-Q3", quarter), ("year 2025", year), ("all 4 years", everything)):
        for form in ("5a", "6a"):
            cases.append((f"{form} {label} province", form, period, None, EVERY_UNIT))
            cases.append((f"{form} {label} by unit", form, period, "unit", EVERY_UNIT))
            cases.append((f"{form} {label} one unit", form, period, None, commune))
            if label.startswith("year"):
                cases.append((f"{form} {label} by field", form, period, "field", EVERY_UNIT))
    results = []
    try:
        with make_sessionmaker(engine, FixedClock(datetime(2026, 11, 20, 3, 0, tzinfo=UTC)))() as session:
            for name, form, period, breakdown, scope in cases:
                timings = []
                cpu = []
                summary = ""
                for _ in range(runs):
                    c0 = time.process_time()
                    t0 = time.perf_counter()
                    if form == "5a":
                        r = reports.bieu_5a(
                            session, period.start, period.end, rules=rules, breakdown=breakdown, today=TODAY,
                            scope=scope,
                        )  # fmt: skip
                        summary = f"{r.total.total_ballots:>9,} ballots, score {r.total.score}"
                    else:
                        r6 = reports.bieu_6a(
                            session, period.start, period.end, breakdown=breakdown, today=TODAY, scope=scope
                        )
                        r6.total.check()
                        summary = f"{r6.total.received:>9,} dossiers, {r6.total.resolved:,} resolved"
                    timings.append(time.perf_counter() - t0)
                    cpu.append(time.process_time() - c0)
                    session.rollback()
                results.append((name, statistics.median(timings), max(timings), statistics.median(cpu), summary))
    finally:
        engine.dispose()
    return results


def bench(backend: str, url: str, rows: int, runs: int, units: int) -> None:
    print(f"\n== {backend}: {units} communes, {rows:,} dossiers + {rows:,} ballots ==", flush=True)
    t0 = time.perf_counter()
    migrate.upgrade(url)
    (load_sqlite if backend == "sqlite" else load_postgresql)(url, rows, rows, units)
    print(f"schema + bulk load + ANALYZE: {time.perf_counter() - t0:.1f} s", flush=True)
    if backend == "postgresql":
        engine = make_engine(url)
        with engine.connect() as conn:
            size = conn.scalar(text("SELECT pg_database_size(current_database())")) or 0
        engine.dispose()
        print(f"database size: {size / 2**20:,.0f} MB (tables and indexes)", flush=True)
    target = 1.0 if backend == "postgresql" else 3.0
    print(f"load average before timing: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    # cpu: this process's CPU time — the query work itself for SQLite (in-process); for PostgreSQL the work is done
    # by the server, so cpu is only the client's share there.
    print(f"{'report':<32} {'median':>8} {'max':>8} {'cpu':>8}  {'target':>6}  rows")
    for name, median, worst, cpu, summary in time_reports(url, runs, units):
        ok = "ok" if median < target else "SLOW"
        print(f"{name:<32} {median:>7.3f}s {worst:>7.3f}s {cpu:>7.3f}s  {ok:>6}  {summary}", flush=True)
    print(f"load average after timing: {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="dossiers and ballots each (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per report (median printed)")
    parser.add_argument("--units", type=int, default=100, help="communes the rows are spread over (default 100)")
    parser.add_argument("--backend", choices=("both", "sqlite", "postgresql"), default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:54330/postgres"),
        help="PostgreSQL server (a database is created there and dropped afterwards)",
    )
    args = parser.parse_args()

    if args.backend in ("both", "sqlite"):
        with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
            bench("sqlite", f"sqlite:///{Path(tmp) / 'reports.sqlite3'}", args.rows, args.runs, args.units)
    if args.backend in ("both", "postgresql"):
        import psycopg

        server = make_url(normalise_database_url(args.pg_url))
        admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
        name = f"kiosk_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            url = server.set(database=name).render_as_string(hide_password=False)
            bench("postgresql", url, args.rows, args.runs, args.units)
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
