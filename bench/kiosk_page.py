"""Kiosk page weight and time to interactive, on the local server in headless Chromium.

Serves the app (a fresh migrated SQLite database) with uvicorn on a free loopback port, then:
- weight: every response the /kiosk page loads (HTML, CSS, ES modules, and the speech module's probe), raw bytes
  and gzip-compressed bytes (level 6, what a reverse proxy or GZipMiddleware would send), and the same for
  opening one procedure card (HTML fragment + QR code SVG);
- time to interactive: navigation start → the "kiosk-ready" performance mark the app sets once the home screen
  is wired, cold (new browser context each run) and warm (reload in the same context); median and max;
- tap to card: from a tap on "Đăng ký khai sinh" to the card view shown (fragment fetched and inserted).

Run: .venv/bin/python -m bench.kiosk_page [--runs 9]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from kiosk_api import migrate  # noqa: E402
from kiosk_api.app import create_app  # noqa: E402
from kiosk_api.settings import Settings  # noqa: E402
from tests.support.browser import CHROMIUM_FLAGS, LiveServer, chromium_path, wait_for  # noqa: E402

TAP_TO_CARD_JS = """async () => {
  const button = document.querySelector('button[data-code="1.001193"]');
  const shown = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (document.body.dataset.view === 'card') { observer.disconnect(); resolve(); }
    });
    observer.observe(document.body, {attributes: true});
  });
  const t0 = performance.now();
  button.click();
  await shown;
  return performance.now() - t0;
}"""
READY_JS = "performance.getEntriesByName('kiosk-ready')[0].startTime"


def weigh(responses: list) -> tuple[int, int, list[str]]:
    raw = packed = 0
    lines = []
    for response in responses:
        try:
            body = response.body()
        except Exception:  # noqa: BLE001 - a failed probe (the absent speech module) has no body
            body = b""
        size, zipped = len(body), len(gzip.compress(body, 6)) if body else 0
        raw += size
        packed += zipped
        lines.append(f"  {response.status} {response.url.split('/', 3)[-1]:<48} {size:>7} B raw {zipped:>6} B gzip")
    return raw, packed, lines


def summary(values: list[float]) -> str:
    return f"median {statistics.median(values):.0f} ms, min {min(values):.0f}, max {max(values):.0f} (n={len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        migrate.upgrade(url)
        settings = Settings(
            database_url=url, secret_key="bench-secret", var_dir=Path(tmp), rasa_url="http://127.0.0.1:9"
        )
        server = LiveServer(create_app(settings)).start()
        base = server.url
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
                viewport = {"width": 1080, "height": 1920}

                # ---- weight ----
                context = browser.new_context(viewport=viewport, locale="vi-VN")
                page = context.new_page()
                loaded: list = []
                page.on("response", lambda response: loaded.append(response))
                page.goto(f"{base}/kiosk")
                wait_for(page, READY_JS + " > 0")
                page.wait_for_load_state("networkidle")
                home_raw, home_gzip, home_lines = weigh([r for r in loaded if r is not None])
                loaded.clear()
                page.click('button[data-code="1.001193"]')
                wait_for(
                    page,
                    "(() => { const i = document.querySelector('#view-card .qr-row img');"
                    " return i && i.complete && i.naturalWidth > 0; })()",
                )
                page.wait_for_timeout(200)  # let the response event of the image reach us
                card_raw, card_gzip, card_lines = weigh([r for r in loaded if r is not None])
                context.close()

                # ---- time to interactive and tap to card ----
                cold, warm, taps = [], [], []
                for _ in range(args.runs):
                    context = browser.new_context(viewport=viewport, locale="vi-VN")
                    page = context.new_page()
                    page.goto(f"{base}/kiosk")
                    wait_for(page, READY_JS + " > 0")
                    cold.append(page.evaluate(READY_JS))
                    page.reload()
                    wait_for(page, READY_JS + " > 0")
                    warm.append(page.evaluate(READY_JS))
                    taps.append(page.evaluate(TAP_TO_CARD_JS))
                    context.close()
                browser.close()
        finally:
            server.stop()

    print(f"kiosk page weight ({base}/kiosk, everything it loads):")
    print("\n".join(home_lines))
    print(f"  total: {home_raw} B raw ({home_raw / 1024:.1f} KiB), {home_gzip} B gzip ({home_gzip / 1024:.1f} KiB)")
    print("first procedure card (fragment + QR code):")
    print("\n".join(card_lines))
    print(f"  total: {card_raw} B raw ({card_raw / 1024:.1f} KiB), {card_gzip} B gzip ({card_gzip / 1024:.1f} KiB)")
    print(f"time to interactive (navigation start → kiosk-ready), cold: {summary(cold)}")
    print(f"time to interactive, warm (reload, cached): {summary(warm)}")
    print(f"tap on a home tile → card shown: {summary(taps)}")


if __name__ == "__main__":
    main()
