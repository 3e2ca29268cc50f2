"""Zalo webhook throughput: signed webhook calls against the real server, replies through a fake Zalo API.

Starts `kiosk serve` (one uvicorn process, a fresh SQLite database unless DATABASE_URL is set) configured for
Zalo, with the OA message and token APIs served by the fake of tests/support/zalo_fake.py on loopback (in this process)
and Rasa down (RASA_URL points at a closed port, so the catalogue fallback answers: the chat path without the
model). Then CLIENTS threads post EVENTS signed `user_send_text` events (each from its own user, plus one
re-delivery in ten) and the script prints:

- webhook: requests/s and p50/p95 of the webhook's response time (Zalo wants < 2 s);
- replies: how long until every message was answered through the fake OA API, replies/s, and p50/p95 of the
  delay from the webhook call to the reply reaching Zalo;
- that every re-delivery was answered "duplicate" and no user got two answers.

With --rasa-delay S a fake Rasa answers after S seconds instead: the workers only wait, so the webhook's own
cost is measured (and the 2-second rule shown: every webhook call returns long before any answer).

Usage: .venv/bin/python -m bench.zalo_webhook [--events 1000] [--clients 20] [--rasa-delay 60]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]

from bench.kiosk_process import KIOSK, start_kiosk  # noqa: E402
from tests.support.browser import LiveServer, free_port  # noqa: E402
from tests.support.zalo_fake import APP_ID, APP_SECRET, OA_ID, OA_SECRET, FakeZalo, SlowRasa, signed, text_event  # noqa: E402

QUESTIONS = [
    "lam giay khai sinh can gi",
    "lệ phí đăng ký kết hôn bao nhiêu",
    "chứng thực bản sao mất bao lâu",
    "xac nhan tinh trang hon nhan o dau",
    "chào bạn",
    "đăng ký khai tử cần giấy tờ gì",
]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * q) - 1)]


def summary(ms: list[float]) -> str:
    return f"p50={statistics.median(ms):.1f} ms p95={pct(ms, 0.95):.1f} ms max={max(ms):.1f} ms (n={len(ms)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--rasa-delay",
        type=float,
        default=None,
        help="serve a fake Rasa answering after this many seconds (the webhook alone is measured: the workers "
        "only wait), instead of the catalogue fallback",
    )
    args = parser.parse_args()

    fake = FakeZalo()
    fake_server = LiveServer(fake.app).start()
    rasa_server = None
    if args.rasa_delay is not None:
        rasa_server = LiveServer(SlowRasa(delay=args.rasa_delay).app).start()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
        env.update(
            KIOSK_SECRET_KEY="bench-secret",
            KIOSK_VAR_DIR=tmp,
            RASA_URL=rasa_server.url if rasa_server else f"http://127.0.0.1:{free_port()}",
            KIOSK_RASA_TIMEOUT=str((args.rasa_delay or 0) + 30),
            KIOSK_ZALO_APP_ID=APP_ID,
            KIOSK_ZALO_APP_SECRET=APP_SECRET,
            KIOSK_ZALO_OA_SECRET=OA_SECRET,
            KIOSK_ZALO_OA_ID=OA_ID,
            KIOSK_ZALO_API_BASE=fake_server.url,
            KIOSK_ZALO_OAUTH_BASE=fake_server.url,
            KIOSK_ZALO_QUEUE_SIZE=str(max(1000, args.events * 2)),
        )
        subprocess.run([KIOSK, "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run(
            [KIOSK, "zalo", "set-tokens", "--access", fake.access_token, "--refresh", fake.refresh_token],
            env=env,
            check=True,
            capture_output=True,
        )
        server, base = start_kiosk(env)
        try:
            rng = random.Random(5)
            now_ms = int(time.time() * 1000)  # the benchmark's server runs on the machine's clock: fresh events
            events = [
                text_event(f"bench-user-{i}", rng.choice(QUESTIONS), timestamp=str(now_ms + i))
                for i in range(args.events)
            ]
            bodies = [signed(e) for e in events]
            redeliveries = [bodies[i] for i in range(0, args.events, 10)]
            work = bodies + redeliveries  # re-deliveries go last: their first delivery has been accepted
            latencies: list[float] = []
            sent_at: dict[str, float] = {}
            statuses: Counter[str] = Counter()
            lock = threading.Lock()

            def client(k: int) -> None:
                with httpx.Client(base_url=base, timeout=30) as http:
                    for i in range(k, len(work), args.clients):
                        raw, headers = work[i]
                        user = events[i % args.events]["sender"]["id"] if i < args.events else None
                        first_try = None
                        for _ in range(10):  # like Zalo, deliver again after a 503 (busy) or a failure
                            t = time.monotonic()
                            first_try = first_try or t
                            try:
                                r = http.post("/zalo/webhook", content=raw, headers=headers)
                                code = r.status_code
                            except httpx.TransportError:
                                code = 0
                            dt = (time.monotonic() - t) * 1000
                            status = r.json().get("status") if code == 200 else f"HTTP {code}"
                            with lock:
                                latencies.append(dt)
                                statuses[status] += 1
                            if code == 200:
                                break
                            time.sleep(0.5)
                        if user is not None:
                            with lock:
                                sent_at[user] = first_try

            started = time.monotonic()
            threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            webhook_seconds = time.monotonic() - started

            if rasa_server is not None:
                print(
                    f"{args.events} events + {len(redeliveries)} re-deliveries, {args.clients} concurrent clients, "
                    f"one server process, {env['DATABASE_URL'].split(':')[0]}, the assistant answering after "
                    f"{args.rasa_delay:g} s (webhook alone)"
                )
                print(f"webhook: {len(latencies) / webhook_seconds:.0f} req/s; response time {summary(latencies)}")
                print(f"webhook statuses: {dict(statuses)}; replies sent so far: {len(fake.messages)}")
                return
            deadline = time.monotonic() + 600
            while True:
                with fake.lock:
                    answered = {m.body["recipient"]["user_id"] for m in fake.messages}
                if len(answered) >= args.events or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            with fake.lock:
                replies_seconds = max((m.at for m in fake.messages), default=started) - started
                first: dict[str, float] = {}
                per_user: Counter[str] = Counter()
                for m in fake.messages:
                    user = m.body["recipient"]["user_id"]
                    first.setdefault(user, m.at)
                    per_user[user] += 1
                message_count = len(fake.messages)
            delays = [(first[u] - sent_at[u]) * 1000 for u in first if u in sent_at]

            print(
                f"{args.events} events + {len(redeliveries)} re-deliveries, {args.clients} concurrent clients, "
                f"one server process, {env['DATABASE_URL'].split(':')[0]}, catalogue fallback answering"
            )
            print(f"webhook: {len(latencies) / webhook_seconds:.0f} req/s; response time {summary(latencies)}")
            print(f"webhook statuses: {dict(statuses)}")
            print(
                f"replies: {len(answered)}/{args.events} users answered, the last {replies_seconds:.1f} s after start "
                f"({len(answered) / replies_seconds:.0f} replies/s, {message_count} messages sent); "
                f"webhook → reply at Zalo {summary(delays)}"
            )
            once = statuses["accepted"] == args.events and statuses["duplicate"] == len(redeliveries)
            print(
                f"re-deliveries answered once: {'yes' if once else 'NO'}; "
                f"messages per user (long answers are split): max {max(per_user.values(), default=0)}"
            )
        finally:
            server.terminate()
            server.wait(timeout=15)
            fake_server.stop()
            if rasa_server is not None:
                rasa_server.stop()


if __name__ == "__main__":
    main()
