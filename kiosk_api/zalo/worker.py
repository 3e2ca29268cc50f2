"""Answering Zalo messages in the background, after the webhook has said 200.

The webhook (kiosk_api.zalo.router) verifies, deduplicates and queues; the worker owned by the app's lifespan
(KIOSK_ZALO_WORKERS tasks reading a queue of at most KIOSK_ZALO_QUEUE_SIZE jobs) answers each message through the
same chat path as the kiosk (kiosk_api.services.chat) and sends the answer through the OA message API.

Privacy: the Zalo user id is needed only to send the reply; it lives in the queued job (memory) and nowhere else.
Rasa, chat_events and hand-offs see a pseudonymous sender ("zalo:" + keyed hash of the user id).

Deduplication: each accepted event's key (keyed hash of Zalo's msg_id) is inserted into zalo_inbound, whose
primary key makes a re-delivery fail to insert, on every replica sharing the database.

Buttons: Zalo text messages have none, so a reply's buttons are listed with numbers and remembered per sender in
zalo_conversations (in the database, so the reply "2" works whichever replica receives it); a bare number then
stands for that button's payload. Messages from one sender are answered in order within a replica (one lock per
sender); across replicas Zalo's own delivery order applies.

Delivery is at most once: an event accepted but still queued when the process stops is not answered (the
shutdown waits a few seconds for the queue and logs how many were left).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ..db import session_now
from ..domain import menus
from ..models import ZaloConversation, ZaloInbound
from ..schemas.chat import MAX_MESSAGE, ChatRequest
from ..security import keyed_hash, sender_hash, short
from ..services import chat as chat_service
from ..services.rasa_client import RasaClient
from .client import SendOutcome, ZaloClient
from .rules import Choice, EventKind, ReplyPart, compose, picked_payload
from .tokens import TokenManager, ZaloTokenError

log = logging.getLogger(__name__)

INBOUND_KEEP = timedelta(days=7)  # Zalo re-delivers for hours, never for a week
CHOICES_KEEP = timedelta(days=2)
HOUSEKEEPING_SECONDS = 3600
STOP_GRACE_SECONDS = 5.0


def pseudonym(secret: bytes, user_id: str) -> str:
    """The sender id Rasa and the logs see for a Zalo user."""
    return "zalo:" + sender_hash(secret, "zalo", user_id)[:32]


def event_key(secret: bytes, source: str) -> str:
    return keyed_hash(secret, "zalo-event", source)


# ---- database: accepted events and offered choices -------------------------------------------


def claim(make_session: sessionmaker[Session], key: str) -> bool:
    """Record an event as accepted: True the first time, False for a re-delivery (unique key)."""
    with make_session() as session:
        try:
            session.execute(insert(ZaloInbound).values(event_key=key, received_at=session_now(session)))
            session.commit()  # a short write: the insert alone (Core, no ORM flush)
        except IntegrityError:
            session.rollback()
            return False
    return True


def release(make_session: sessionmaker[Session], key: str) -> None:
    """Forget an accepted event that could not be queued, so that Zalo's re-delivery is answered."""
    with make_session() as session:
        session.execute(delete(ZaloInbound).where(ZaloInbound.event_key == key))
        session.commit()


def load_choices(make_session: sessionmaker[Session], sender: str) -> list[Choice]:
    with make_session() as session:
        row = session.get(ZaloConversation, sender)
        if row is None or session_now(session) - row.updated_at > CHOICES_KEEP:
            return []
        return [Choice(str(c[0]), str(c[1])) for c in row.buttons if isinstance(c, list) and len(c) == 2]


def save_choices(make_session: sessionmaker[Session], sender: str, choices: list[Choice]) -> None:
    data = [[c.title, c.payload] for c in choices]
    for _ in range(2):  # a concurrent first insert for the same sender on another replica: update instead
        with make_session() as session:
            row = session.get(ZaloConversation, sender)
            if row is None:
                session.add(ZaloConversation(sender_hash=sender, buttons=data, updated_at=session_now(session)))
            else:
                row.buttons = data
                row.updated_at = session_now(session)
            try:
                session.commit()
                return
            except IntegrityError:
                session.rollback()


def housekeeping(make_session: sessionmaker[Session]) -> None:
    with make_session() as session:
        now = session_now(session)
        session.execute(delete(ZaloInbound).where(ZaloInbound.received_at < now - INBOUND_KEEP))
        session.execute(delete(ZaloConversation).where(ZaloConversation.updated_at < now - CHOICES_KEEP))
        session.commit()


# ---- the worker ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    kind: EventKind
    user_id: str = field(repr=False)
    text: str | None = field(default=None, repr=False)
    queued_at: float = field(default_factory=time.monotonic)


@dataclass
class Stats:
    answered: int = 0
    failed: int = 0
    messages_sent: int = 0


class ZaloWorker:
    def __init__(self, state: Any, rasa: RasaClient, client: ZaloClient | None = None) -> None:
        settings = state.settings
        self.state = state
        self.rasa = rasa
        self.tokens = TokenManager.from_settings(settings, state.sessionmaker)
        self.client = client or ZaloClient.from_settings(settings, self.tokens)
        self.queue: asyncio.Queue[Job] = asyncio.Queue(maxsize=settings.zalo_queue_size)
        self.concurrency = settings.zalo_workers
        self.stats = Stats()
        self._tasks: list[asyncio.Task[None]] = []
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._consume(), name=f"zalo-worker-{i}") for i in range(self.concurrency)]
        self._tasks.append(asyncio.create_task(self._housekeeping(), name="zalo-housekeeping"))

    async def stop(self) -> None:
        """Let queued replies finish for a few seconds, then stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.queue.join(), STOP_GRACE_SECONDS)
        if not self.queue.empty():
            log.warning("Zalo worker stopped with %d messages unanswered", self.queue.qsize())
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.client.aclose()

    def submit(self, job: Job) -> bool:
        """Queue a job; False when the queue is full."""
        try:
            self.queue.put_nowait(job)
        except asyncio.QueueFull:
            return False
        return True

    async def _consume(self) -> None:
        while True:
            job = await self.queue.get()
            try:
                await self.handle(job)
            except Exception as exc:  # noqa: BLE001 — one bad message must not stop the worker
                self.stats.failed += 1
                log.error("Zalo message not answered: %s", type(exc).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
            finally:
                self.queue.task_done()

    async def _housekeeping(self) -> None:
        """Hourly: forget old event keys and offered choices, and refresh the access token when it is due even
        if no message arrives (so the refresh token, valid ~3 months, is renewed while the OA is quiet)."""
        while True:
            try:
                await run_in_threadpool(housekeeping, self.state.sessionmaker)
            except SQLAlchemyError as exc:
                log.warning("Zalo housekeeping failed: %s", type(exc).__name__)
            try:
                await self.tokens.access_token()
            except (ZaloTokenError, SQLAlchemyError) as exc:
                log.warning("Zalo token check failed: %s", type(exc).__name__)
            await asyncio.sleep(HOUSEKEEPING_SECONDS)

    @contextlib.asynccontextmanager
    async def _in_order(self, sender: str) -> AsyncIterator[None]:
        lock, users = self._locks.setdefault(sender, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                self._locks.pop(sender, None)

    async def handle(self, job: Job) -> None:
        state = self.state
        sender = pseudonym(state.secret, job.user_id)
        async with self._in_order(sender):
            body: ChatRequest | None = None
            result: chat_service.ChatResult | None = None
            if job.kind is EventKind.FOLLOW:
                menu = menus.menu(state.catalogue.offered_procedures, state.settings.commune_name)
                parts = [ReplyPart(menu.text, [Choice(b.title, b.payload) for b in menu.buttons])]
                rating_url = None
            else:
                text = (job.text or "").strip()[:MAX_MESSAGE]
                offered = await run_in_threadpool(load_choices, state.sessionmaker, sender)
                message = picked_payload(text, offered) or text
                body = ChatRequest(sender_id=sender, message=message, channel="zalo")
                # A Zalo user is known by the signed webhook (not by anything they write): throttled per user.
                result = await chat_service.answer(state, self.rasa, body, f"zalo:{sender}")
                parts = [
                    ReplyPart(r.text, [Choice(b.title, b.payload) for b in r.buttons], r.image) for r in result.replies
                ]
                rating_url = result.rating_url
            messages, choices = compose(parts, rating_url)
            await run_in_threadpool(save_choices, state.sessionmaker, sender, choices)
            outcome = SendOutcome.SENT
            for message in messages:
                outcome = await self.client.send_text(job.user_id, message, ref=short(sender[5:]))
                if outcome is not SendOutcome.SENT:
                    break
                self.stats.messages_sent += 1
            if outcome is SendOutcome.SENT:
                self.stats.answered += 1
            else:
                self.stats.failed += 1
            if body is not None and result is not None:
                await chat_service.log_event(state, self.rasa, body, result.fallback)
