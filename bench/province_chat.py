"""Chat throughput of the province profile (deploy/province.py) with one and with two replicas of each service.

Starts the profile (PostgreSQL, Redis, HAProxy, N kiosk_api + N Rasa + N action servers) with --replicas 1, then
2, and sends the catalogue's own questions from 20 concurrent conversations through HAProxy for a fixed time;
prints messages per second, p50/p95 latency and the ratio two/one replicas, and the resident memory of each
process. On this 2-core machine the ratio says what a second replica of each service buys when both share the
same cores; on separate machines each replica brings its own.

Usage:
    .venv/bin/python -m bench.province_chat [--seconds 60] [--conversations 20] [--pg-url URL]
The PostgreSQL server: --pg-url (default $TEST_DATABASE_URL), else the profile starts a cluster of its own.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import psycopg

from bench.chat_latency import peak_memory_mb
from deploy.province import Ports, Province, port_is_free
from tests.support.search_eval import own_questions


def free_block(size: int, start: int = 31000) -> int:
    while not all(port_is_free(p) for p in range(start, start + size)):
        start += size
    return start


def converse(url: str, questions: list[str], until: float, out: list[float], errors: list[str]) -> None:
    sender: str | None = None
    i = 0
    with httpx.Client(timeout=60) as client:
        while time.monotonic() < until:
            body: dict[str, str] = {"message": questions[i % len(questions)]}
            if sender:
                body["sender_id"] = sender
            t = time.perf_counter()
            try:
                r = client.post(f"{url}/api/chat", json=body)
                r.raise_for_status()
                sender = r.json()["sender_id"]
            except httpx.HTTPError as e:
                errors.append(repr(e))
                continue
            out.append((time.perf_counter() - t) * 1000)
            i += 1
            if i % 6 == 0:
                sender = None  # a new citizen


def run(replicas: int, args: argparse.Namespace, questions: list[str]) -> float:
    var = Path(tempfile.mkdtemp(prefix=f"kiosk-province-bench-{replicas}-"))
    server = args.pg_url.replace("postgresql+psycopg://", "postgresql://", 1) if args.pg_url else None
    province = Province(
        var=var,
        ports=Ports(free_block(1, 30990), free_block(4 + 3 * replicas), replicas),
        database_url=server,
        pg_home=None if server else var,
        db_prefix=f"bench_{uuid.uuid4().hex[:8]}_",
        extra_env={"KIOSK_SECRET_KEY": "province-bench-secret"},
    )
    try:
        t0 = time.perf_counter()
        province.start()
        print(f"\n== {replicas} replica(s) of each service: ready in {time.perf_counter() - t0:.0f} s", flush=True)
        for q in questions[:10]:  # warm-up: every replica loads its lazy parts
            httpx.post(f"{province.url}/api/chat", json={"message": q}, timeout=60)
        latencies: list[float] = []
        errors: list[str] = []
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=converse, args=(province.url, questions[i::args.conversations], until, latencies, errors)
            )
            for i in range(args.conversations)
        ]  # fmt: skip
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - t
        rate = len(latencies) / elapsed
        ms = sorted(latencies)
        p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
        print(
            f"{args.conversations} conversations for {elapsed:.0f} s: {len(ms)} messages, {rate:.1f} msg/s, "
            f"p50 {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, {len(errors)} errors",
            flush=True,
        )
        print(f"served per kiosk_api replica: {province.served('kiosk')}; per Rasa: {province.served('rasa')}")
        for name, proc in sorted(province.procs.items()):
            rss, hwm = peak_memory_mb(proc.pid)
            print(f"memory {name:9s}: resident {rss:.0f} MB, peak {hwm:.0f} MB")
        return rate
    finally:
        province.stop()
        if server:
            with psycopg.connect(server, autocommit=True) as conn:
                for name in province.databases:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(var, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    questions = [q.question for q in own_questions()]
    print(f"{os.cpu_count()} cores; {len(questions)} questions from the catalogue's own search set")
    one = run(1, args, questions)
    two = run(2, args, questions)
    print(f"\nthroughput two replicas / one: {two / one:.2f}")


if __name__ == "__main__":
    main()
