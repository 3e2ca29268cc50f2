"""Stand-ins for the bot's unit tests: a fake kiosk client and a tracker built from a message."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.kiosk_client import KioskUnavailable, Reply


class FakeKiosk:
    """Records every call; answers from `replies` (method name → Reply, or KioskUnavailable to raise)."""

    def __init__(self, **replies: Any) -> None:
        self.replies = replies
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def called(self, method: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        return [(args, kwargs) for name, args, kwargs in self.calls if name == method]

    def __getattr__(self, method: str):
        async def call(*args: Any, **kwargs: Any) -> Reply:
            self.calls.append((method, args, kwargs))
            reply = self.replies.get(method, Reply(200, {"text": f"({method})"}))
            if reply is KioskUnavailable:
                raise KioskUnavailable(method)
            return reply(*args, **kwargs) if callable(reply) else reply

        return call


def tracker(
    text: str = "",
    *,
    intent: str = "ask_procedure",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    events: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "metadata": metadata or {"client": "kiosk-1", "channel": "kiosk"},
    }
    return Tracker(
        sender_id="conv-1",
        slots=slots or {},
        latest_message=latest,
        events=events or [{"event": "user", "text": text, "parse_data": latest}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
