"""Security headers on every response: no MIME sniffing, no framing (no clickjacking of the kiosk, the checklists or
the slips), a referrer policy, and for pages a Content Security Policy that runs only this server's scripts. A
response that sets its own header (the rating pages' stricter policy, the API docs) keeps it."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Scripts only from this server (no inline script, no CDN); inline styles are allowed (slips and the checklist keep
# their print styles in the page); speech uses same-origin WebSockets and blob: audio.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
DEFAULTS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                added = [(k, v) for k, v in DEFAULTS if k not in present]
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if b"content-security-policy" not in present:
                    # Pages get the full policy; anything else (JSON, images) at least may not be framed.
                    policy = PAGE_CSP if content_type.startswith(b"text/html") else "frame-ancestors 'none'"
                    added.append((b"content-security-policy", policy.encode()))
                message = {**message, "headers": headers + added}
            await send(message)

        await self.app(scope, receive, send_wrapper)
