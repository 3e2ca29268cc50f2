"""Search latency: p50/p95 over the labelled questions on a 200-procedure catalogue, pinned to one core.

The catalogue is the project's own, grown to 200 procedures with the clean drafts the importer makes from
../shared/data (real commune procedures); if that file is absent, with renamed copies of the own entries.
Prints accuracy as well, so a faster ranking that is worse shows up.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from search_eval import dev_chat_questions, measure, own_questions  # noqa: E402

from procedures_kb import load_catalogue  # noqa: E402
from procedures_kb.catalogue import Catalogue  # noqa: E402
from procedures_kb.schema import Procedure  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "dvcqg_tthc_cap_xa__chatbot-tthc_5322948.jsonl"
TARGET = 200


def grown_catalogue() -> tuple[Catalogue, str]:
    base = load_catalogue()
    procedures = list(base.procedures)
    codes = {p.national_code for p in procedures}
    source = "own entries only"
    if SHARED.exists():
        from procedures_kb.importer import import_file

        for rec in import_file(SHARED).records:
            if len(procedures) >= TARGET:
                break
            if rec.clean and rec.draft:
                p = Procedure.model_validate(rec.draft)
                if p.national_code not in codes:
                    procedures.append(p)
                    codes.add(p.national_code)
        source = "own entries + clean portal drafts"
    i = 0
    if len(procedures) < TARGET:
        source += f" + {TARGET - len(procedures)} renamed copies"
    while len(procedures) < TARGET:
        src = base.procedures[i % len(base.procedures)]
        code = f"9.{900000 + i:06d}"
        procedures.append(src.model_copy(update={"code": code, "name": f"{src.name} (bản thử {i})", "aliases": []}))
        i += 1
    return Catalogue(procedures=procedures), source


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    catalogue, source = grown_catalogue()
    questions = own_questions() + dev_chat_questions()
    t0 = time.perf_counter()
    catalogue.search("khởi tạo")  # builds the index once
    build_ms = (time.perf_counter() - t0) * 1000
    timings = []
    for _ in range(5):
        for q in questions:
            t = time.perf_counter()
            catalogue.search(q.question, limit=5)
            timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    acc = measure(catalogue, questions)
    print(f"catalogue: {len(catalogue)} procedures ({source}); index build {build_ms:.1f} ms")
    print(f"queries: {len(timings)} ({len(questions)} labelled questions × 5), one core")
    print(f"search latency ms: p50={p50:.2f} p95={p95:.2f} max={timings[-1]:.2f} (target p95 < 20 ms)")
    print(acc.line("accuracy on the grown catalogue"))


if __name__ == "__main__":
    main()
