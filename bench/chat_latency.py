"""Chat latency through POST /api/chat with the real trained model, memory of each process, training time.

Starts the whole assistant (kiosk_api, Rasa action server, Rasa server) on loopback, then measures p50/p95
latency at 1 conversation and at 20 concurrent conversations, the peak resident memory of each process, and
(unless --no-train) the wall time of a full `rasa train` from scratch on 2 cores (target under 6 minutes) on the
full catalogue. Targets on a 2-core machine: p95 under 300 ms at 1 conversation and under 1 s at 20.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]

from tests.support.bot_stack import BOT, RASA, BotStack  # noqa: E402
from tests.support.search_eval import own_questions  # noqa: E402


def percentiles(ms: list[float]) -> str:
    ms = sorted(ms)
    return f"p50={statistics.median(ms):.0f} ms p95={ms[max(0, int(len(ms) * 0.95) - 1)]:.0f} ms (n={len(ms)})"


def converse(stack: BotStack, messages: list[str], out: list[float]) -> None:
    sender = f"bench-{uuid.uuid4().hex[:10]}"
    with httpx.Client(timeout=60) as client:
        for m in messages:
            t = time.perf_counter()
            stack.chat(sender, m, client)
            out.append((time.perf_counter() - t) * 1000)


def peak_memory_mb(pid: int) -> tuple[float, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    kb = lambda k: int(fields.get(k, "0 kB").split()[0]) / 1024  # noqa: E731
    return kb("VmRSS"), kb("VmHWM")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (from /proc/PID/stat), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


TRAIN_CORES = 2


def two_cores() -> None:
    """Run the child on two cores, the commune PC's budget for training next to the running services."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:TRAIN_CORES]))


def train_time() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        subprocess.run(
            [str(RASA), "train", "--force", "--quiet", "--out", tmp],
            cwd=BOT,
            check=True,
            capture_output=True,
            preexec_fn=two_cores,
        )
        return time.perf_counter() - t


def catalogue_line() -> str:
    from procedures_kb import load_catalogue

    catalogue = load_catalogue()
    generated = (BOT / "data" / "nlu" / "generated.yml").read_text(encoding="utf-8")
    return (
        f"catalogue: {len(catalogue)} procedures; generated NLU data: {generated.count(chr(10) + '      - ')} lines "
        "of examples, synonyms and lookups"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-train", action="store_true", help="skip timing a full training run")
    args = parser.parse_args()
    questions = [q.question for q in own_questions()]
    print(catalogue_line())
    stack = BotStack().start()
    try:
        for q in questions[:5]:  # warm-up
            stack.chat("bench-warmup", q)
        single: list[float] = []
        converse(stack, questions[:60], single)
        print(f"1 conversation:   {percentiles(single)} (target p95 < 300 ms)")
        many: list[float] = []
        cpu_before = {name: cpu_seconds(pid) for name, pid in stack.pids().items()}
        threads = [
            threading.Thread(target=converse, args=(stack, questions[i * 8 : i * 8 + 8], many)) for i in range(20)
        ]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        print(f"20 conversations: {percentiles(many)} (target p95 < 1000 ms)")
        # CPU per message shows which process the 2 cores are spent in under load.
        for name, pid in stack.pids().items():
            spent = cpu_seconds(pid) - cpu_before[name]
            print(f"cpu {name:8s}: {spent * 1000 / len(many):.0f} ms per message")
        for name, pid in stack.pids().items():
            rss, hwm = peak_memory_mb(pid)
            print(f"memory {name:8s}: resident {rss:.0f} MB, peak {hwm:.0f} MB")
    finally:
        stack.stop()
    if not args.no_train:
        print(f"training time (rasa train --force, NLU + dialogue, {TRAIN_CORES} cores): {train_time():.0f} s")


if __name__ == "__main__":
    main()
