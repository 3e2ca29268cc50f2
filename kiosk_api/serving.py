"""How uvicorn serves the app: one place for `kiosk serve`, the benchmarks and the tests' live servers."""

from __future__ import annotations

from typing import Any

from .settings import Settings


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """X-Forwarded-For / -Proto are believed only from KIOSK_TRUSTED_PROXIES (none by default: not even loopback,
    so a process on the server PC cannot pretend to be many clients); no uvicorn access log (kiosk_api.access logs
    requests without query strings or personal data)."""
    proxies = settings.trusted_proxy_list
    return {
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": ",".join(proxies) if proxies else "",
        "access_log": False,
    }
