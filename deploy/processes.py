"""Waiting for local servers to answer and reading their logs: shared by the province profile and the tests'
whole-assistant stack."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx


def wait_http(url: str, deadline: float, check_alive: Callable[[], None], describe: Callable[[], str]) -> None:
    """Until `url` answers 200 (RuntimeError at `deadline`, with `describe()`); `check_alive` raises when a
    process it watches has died."""
    while time.monotonic() < deadline:
        check_alive()
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not ready in time\n{describe()}")


def tail_logs(folder: Path | None, n: int = 30) -> str:
    """The last `n` lines of each *.log in `folder`."""
    out = []
    for f in sorted(folder.glob("*.log")) if folder else []:
        lines = f.read_text(errors="replace").splitlines()[-n:]
        out.append(f"--- {f.name}\n" + "\n".join(lines))
    return "\n".join(out)
