"""`kiosk serve` as a child process for the benchmarks (a real uvicorn server on a free loopback port)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

KIOSK = str(Path(sys.executable).with_name("kiosk"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_kiosk(env: dict[str, str], *, attempts: int = 150) -> tuple[subprocess.Popen, str]:
    """Start `kiosk serve` with `env` and wait (up to `attempts` × 0.2 s) until /healthz answers 200.
    Returns the process (the caller terminates it) and the server's base URL."""
    port = free_port()
    server = subprocess.Popen(
        [KIOSK, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(attempts):
        try:
            if httpx.get(base + "/healthz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    return server, base
