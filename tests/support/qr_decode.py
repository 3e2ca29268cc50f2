"""Decoding QR codes back to text with a real decoder: Debian's zbar-tools `zbarimg` (apt-get install zbar-tools);
and rendering HTML/SVG with headless Chromium (Debian's, through Playwright) to a screenshot or a PDF first.

The renderer runs Playwright in a thread of its own, so it can be used next to the `chromium` fixture of
tests/support/browser.py (Playwright's sync API allows one instance per thread).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.support.browser import CHROMIUM_FLAGS, chromium_path

PT_PER_MM = 72 / 25.4


def zbarimg() -> str:
    path = shutil.which("zbarimg")
    if path is None:
        raise RuntimeError("zbarimg not found: install Debian's zbar-tools (scripts/test ensures it)")
    return path


def decode_png(data: bytes) -> list[str]:
    """Every QR code found in the PNG image, as text."""
    with tempfile.TemporaryDirectory() as folder:
        image = Path(folder) / "code.png"
        image.write_bytes(data)
        result = subprocess.run(
            [zbarimg(), "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
            capture_output=True,
            timeout=60,
            check=False,
        )
    # zbarimg exits 4 when it finds no code.
    return [line for line in result.stdout.decode("utf-8").splitlines() if line]


class _Renderer:
    """One headless Chromium, driven from its own thread."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium-renderer")
        self._playwright = None
        self._browser = None

    def _start(self):
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        return self._browser

    def _screenshot(self, html: str, width: int, height: int) -> bytes:
        context = self._start().new_context(viewport={"width": width, "height": height})
        try:
            page = context.new_page()
            page.set_content(html)
            return page.screenshot(full_page=True)
        finally:
            context.close()

    def _pdf(self, html: str) -> bytes:
        context = self._start().new_context()
        try:
            page = context.new_page()
            page.set_content(html)
            return page.pdf(prefer_css_page_size=True)
        finally:
            context.close()

    def _stop(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._playwright.stop()
            self._browser = self._playwright = None

    def screenshot(self, html: str, width: int, height: int) -> bytes:
        return self._thread.submit(self._screenshot, html, width, height).result(timeout=120)

    def pdf(self, html: str) -> bytes:
        return self._thread.submit(self._pdf, html).result(timeout=120)

    def close(self) -> None:
        self._thread.submit(self._stop).result(timeout=60)
        self._thread.shutdown()


_renderer: _Renderer | None = None


def _shared() -> _Renderer:
    global _renderer
    if _renderer is None:
        _renderer = _Renderer()
    return _renderer


def close_renderer() -> None:
    """Stop the renderer's Chromium (tests/security/conftest.py calls it when the test session finishes; an atexit hook
    would run after the executor's own shutdown and could no longer reach the renderer's thread)."""
    global _renderer
    if _renderer is not None:
        _renderer.close()
        _renderer = None


def render_html_png(html: str, *, width: int = 800, height: int = 1000) -> bytes:
    """A screenshot of `html` (an SVG image, a slip page …) rendered by headless Chromium."""
    return _shared().screenshot(html, width, height)


def pdf_page_sizes(html: str) -> list[tuple[float, float]]:
    """Page sizes in mm of `html` printed to PDF by Chromium with the page's own @page size."""
    pdf = _shared().pdf(html)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(w) / PT_PER_MM, float(h) / PT_PER_MM) for w, h in boxes]
