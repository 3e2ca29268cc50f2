"""Browser-test support: the app served by a real uvicorn on a free loopback port, and Debian's headless
Chromium driven by Playwright (its own browser download is not used: `executable_path` points at
/usr/bin/chromium, which scripts/test installs).

Use from a test module:

    from tests.support.browser import live_server, page, screenshot  # noqa: F401  (pytest fixtures)

`live_server` is the base URL of the test's `app` fixture; `page` is a fresh Playwright page (1080×1920
portrait unless the test overrides the viewport); `screenshot(page, name)` saves a PNG under
test-artifacts/screenshots/. A test that needs Chromium with other flags (a fake microphone, say) launches it
with `chromium.browser_type.launch(...)`: Playwright's sync API allows one instance per thread, so a test must
not start its own `sync_playwright()` in the main thread while the `chromium` fixture is alive.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn

from kiosk_api.serving import uvicorn_options
from tests.support.constants import ROOT
from tests.support.ports import free_port

ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Chromium not found: install Debian's chromium package (scripts/test does it)")
    return path


class LiveServer:
    """uvicorn serving an ASGI app in a background thread."""

    def __init__(self, app, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
            # As `kiosk serve` runs the kiosk API (trusted proxies, access log); other apps (the fake Zalo) as they are.
            **(uvicorn_options(app.state.settings) if hasattr(app.state, "settings") else {}),
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self, timeout: float = 20.0) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the live server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(app) -> Iterator[str]:
    server = LiveServer(app).start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Playwright and headless Chromium for one test module. Module scope, not session: Playwright's sync API
    keeps an event loop running in its thread while it is started, so it must be stopped before the next module
    (which may call asyncio.run()) runs; and each module imports this fixture, so it is per module anyway."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium) -> Iterator[object]:
    context = chromium.new_context(viewport={"width": 1080, "height": 1920}, locale="vi-VN")
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def wait_for(pg, expression: str, timeout: float = 10_000) -> None:
    """Wait until `expression` is true in the page. Playwright's wait_for_function compiles the expression inside
    the page, which the pages' Content Security Policy (no eval) forbids; page.evaluate goes through the debugger
    protocol and is not affected."""
    deadline = time.monotonic() + timeout / 1000
    while not pg.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true after {timeout:g} ms: {expression}")
        time.sleep(0.05)


def save_screenshot(pg, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot() -> Callable[[object, str], Path]:
    return save_screenshot
