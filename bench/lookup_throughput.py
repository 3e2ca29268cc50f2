"""Dossier lookup throughput through the real HTTP server (uvicorn, one process) on loopback.

Seeds a fresh SQLite database (or DATABASE_URL if set) with 2,000 dossiers through the CSV import, starts
`kiosk serve`, then runs concurrent clients for a bounded time and prints requests/s and latency percentiles
for correct lookups and for wrong second factors (which must cost the same).
"""

from __future__ import annotations

import csv
import os
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.kiosk_process import KIOSK, start_kiosk

ROOT = Path(__file__).resolve().parents[1]
N_DOSSIERS = 2000
CLIENTS = 8
SECONDS = 5.0
HEADER = "ma_ho_so,ma_thu_tuc,ten_nguoi_nop,so_dien_thoai,kenh_nop,ngay_tiep_nhan,ngay_hen_tra,"
HEADER += "ngay_co_ket_qua,ngay_tra_ket_qua,trang_thai"


def seed(path: Path) -> list[tuple[str, str]]:
    rows = []
    with path.open("w", newline="", encoding="utf-8") as fh:
        fh.write(HEADER + "\n")
        w = csv.writer(fh)
        for i in range(N_DOSSIERS):
            code = f"000.00.06.H56-2611{(i % 28) + 1:02d}-{i:04d}"
            phone = f"09{i:08d}"
            dates = ["2026-11-02", "2026-12-02", "", ""]
            w.writerow([code, "1.001193", "Người Thử", phone, "truc_tiep", *dates, "dang_xu_ly"])
            rows.append((code, phone[-4:]))
    return rows


def run(base: str, bodies: list[dict]) -> tuple[int, list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.perf_counter() + SECONDS

    def worker(k: int) -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            i = k
            while time.perf_counter() < stop:
                t = time.perf_counter()
                r = client.post("/api/dossiers/lookup", json=bodies[i % len(bodies)])
                dt = (time.perf_counter() - t) * 1000
                with lock:
                    latencies.append(dt)
                    statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                i += CLIENTS

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(CLIENTS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return len(latencies), sorted(latencies), statuses


def report(name: str, n: int, lat: list[float], statuses: dict[int, int]) -> None:
    p95 = lat[int(len(lat) * 0.95) - 1]
    print(
        f"{name}: {n / SECONDS:.0f} req/s; latency ms p50={statistics.median(lat):.1f} p95={p95:.1f}; "
        f"statuses {statuses}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
        env.update(KIOSK_SECRET_KEY="bench-secret", KIOSK_VAR_DIR=tmp, KIOSK_LOOKUP_MAX_FAILURES="1000000")
        csv_path = Path(tmp) / "dossiers.csv"
        rows = seed(csv_path)
        subprocess.run([KIOSK, "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run([KIOSK, "dossiers", "import", str(csv_path)], env=env, check=True, capture_output=True)
        server, base = start_kiosk(env, attempts=100)
        try:
            good = [{"code": c, "phone_last4": d} for c, d in rows]
            wrong = [{"code": c, "phone_last4": f"{(int(d) + 1) % 10000:04d}"} for c, d in rows]
            print(f"{N_DOSSIERS} dossiers, {CLIENTS} concurrent clients, {SECONDS:.0f} s per phase, one server process")
            report("correct lookups", *run(base, good))
            report("wrong last-4 digits", *run(base, wrong))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
