"""The team's evaluation set through kiosk_api's own answering (resolve, facts, referrals), without Rasa.

Fast (a second or two), for work on the catalogue's facts and the matching; the real measure runs the same set
through POST /api/chat against the trained model (tests/bot/test_bot.py). Prints accuracy per category and
per question type; with --failures, the failed TUNING questions (held-out ones are only counted, never shown).
--ranker chooses how facts are matched (bm25 or rapidfuzz), to compare them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from kiosk_api.domain import qa  # noqa: E402
from kiosk_api.services.chat import fallback_answer  # noqa: E402
from procedures_kb import load_catalogue  # noqa: E402
from tests.support.citizen_eval import Report, load_questions, score  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ranker", choices=["bm25", "rapidfuzz"], default="bm25")
    parser.add_argument("--failures", action="store_true", help="print the failed tuning questions")
    args = parser.parse_args()
    catalogue = load_catalogue()
    qa.DEFAULT_RANKER = args.ranker
    report = Report()
    t0 = time.perf_counter()
    fallback_answer(catalogue, "UBND xã Thử Nghiệm", "khai sinh cần gì")  # builds the indexes once
    times: list[float] = []
    for q in load_questions():
        started = time.perf_counter()
        reply = fallback_answer(catalogue, "UBND xã Thử Nghiệm", q.text).answer
        times.append((time.perf_counter() - started) * 1000)
        report.outcomes.append(score(q, reply.text, [b.payload for b in reply.buttons]))
    elapsed = time.perf_counter() - t0
    times.sort()
    facts = sum(len(p.facts) for p in catalogue)
    print(f"catalogue: {len(catalogue)} procedures, {facts} facts, {len(catalogue.referrals)} referral topics")
    print(f"ranker: {args.ranker}; {len(report.outcomes)} questions in {elapsed:.1f} s")
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"answering time per question: p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms (one core)")
    for line in report.lines():
        print(line)
    if args.failures:
        for o in report.outcomes:
            if not o.right and not o.question.heldout:
                print(f"FAIL {o.question.id} [{o.question.type}] {o.question.text[:110]!r}")
                print(f"     missing {list(o.missing)}; got {o.text[:160]!r}")


if __name__ == "__main__":
    main()
