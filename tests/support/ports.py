"""Loopback ports for test servers, and for a "down" service that nothing listens on."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A loopback port nothing listens on right now (the OS picks it; bound and released at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
