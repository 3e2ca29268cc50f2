"""Search latency: p50/p95 over the labelled questions on the full catalogue (curated, imported and referral
entries, about 300 procedures: five times the first catalogue), pinned to one core.

Prints accuracy as well (all questions, and the held-out ones apart), so a faster ranking that is worse shows up.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from procedures_kb import load_catalogue  # noqa: E402
from tests.support.search_eval import dev_chat_questions, measure, own_questions  # noqa: E402


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    catalogue = load_catalogue()
    levels = {s: sum(1 for p in catalogue if p.status.value == s) for s in ("curated", "imported", "referral")}
    source = ", ".join(f"{n} {s}" for s, n in levels.items())
    questions = own_questions() + dev_chat_questions()
    t0 = time.perf_counter()
    catalogue.search("khởi tạo")  # builds the index once
    build_ms = (time.perf_counter() - t0) * 1000
    timings = []
    for _ in range(5):
        for q in questions:
            t = time.perf_counter()
            catalogue.search_index.search_uncached(q.question, limit=5)  # each query computed, none kept
            timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    acc = measure(catalogue, questions)
    print(f"catalogue: {len(catalogue)} procedures ({source}); index build {build_ms:.1f} ms")
    print(f"queries: {len(timings)} ({len(questions)} labelled questions × 5), one core")
    print(f"search latency ms: p50={p50:.2f} p95={p95:.2f} max={timings[-1]:.2f} (target p95 < 20 ms)")
    print(acc.line("accuracy on the full catalogue"))
    print(measure(catalogue, own_questions(heldout=True)).line("held-out questions"))


if __name__ == "__main__":
    main()
