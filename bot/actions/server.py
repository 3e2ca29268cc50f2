"""The action server, locked down: Rasa SDK's app on loopback, refusing every call that does not carry Rasa's
token (header X-Actions-Token = KIOSK_ACTIONS_TOKEN, set in endpoints.yml), with no CORS (no browser calls it).

Run from bot/: ``python -m actions.server --port 5055``. `rasa run actions` would listen on 0.0.0.0 and answer
anyone; this is the same server with those two doors shut.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import response
from sanic.request import Request

TOKEN_HEADER = "X-Actions-Token"
log = logging.getLogger("actions.server")


def build(token: str):
    """The Sanic app of the actions package, with the token check in front of everything but /health."""
    if not token:
        raise SystemExit("KIOSK_ACTIONS_TOKEN is not set: the action server refuses to start without it")
    app = create_app("actions", cors_origins=None)

    @app.middleware("request")
    async def require_token(request: Request):
        if request.path == "/health":
            return None
        supplied = request.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(supplied.encode(), token.encode()):
            log.warning("action server call without a valid %s refused", TOKEN_HEADER)
            return response.json({"error": "unauthorized"}, status=401)
        return None

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT", "5055")))
    parser.add_argument("--host", default=os.environ.get("ACTIONS_HOST", "127.0.0.1"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = build(os.environ.get("KIOSK_ACTIONS_TOKEN", ""))
    log.info("action server on http://%s:%d", args.host, args.port)
    app.run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
