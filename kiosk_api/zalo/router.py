"""The Zalo Official Account webhook: verify, deduplicate, queue, answer 200 at once.

Zalo wants an answer within 2 seconds (else it retries for hours and may disable the webhook), so the route
does only cheap work: parse the JSON, check the signature (see kiosk_api.zalo.rules), insert the event's key
into zalo_inbound (a re-delivery is answered "duplicate") and put the job on the background worker's queue
(kiosk_api.zalo.worker). The reply is sent later through the OA message API.
"""

from __future__ import annotations

import json
import logging

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.exc import SQLAlchemyError

from ..clock import utc_now
from ..errors import ApiError
from ..schemas.common import error_responses
from ..settings import Settings
from . import worker as zalo_worker
from .rules import EventKind, classify, dedupe_source, parse_event, signature_valid, timestamp_fresh
from .schemas import WebhookAck, ZaloHealth
from .tokens import token_status

router = APIRouter(tags=["zalo"])
log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-ZEvent-Signature"
MAX_BODY = 64 * 1024


async def _read_limited(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to be larger than `limit` (never read whole)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too_large", "The body is too large for a Zalo event")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "too_large", "The body is too large for a Zalo event")
        chunks.append(chunk)
    return b"".join(chunks)


def _not_configured(request: Request) -> ApiError:
    state = request.app.state
    if not getattr(state, "zalo_off_logged", False):
        state.zalo_off_logged = True
        log.warning("Zalo webhook called but Zalo is not configured (KIOSK_ZALO_APP_ID, KIOSK_ZALO_OA_SECRET)")
    return ApiError(503, "zalo_not_configured", "Zalo is not configured")


@router.post(
    "/zalo/webhook",
    response_model=WebhookAck,
    responses=error_responses(400, 401, 413, 503),
)
async def webhook(request: Request) -> WebhookAck:
    """Zalo OA events. Answers 200 at once (the reply goes out later in the background): "accepted",
    "duplicate" (the msg_id was already accepted) or "ignored" (echoes of the OA's own messages and events the
    assistant does not answer). 401 for a wrong X-ZEvent-Signature (when KIOSK_ZALO_VERIFY_SIGNATURE is on),
    400 for a body that is not a Zalo event, 503 when Zalo is not configured or the queue is full."""
    state = request.app.state
    settings: Settings = state.settings
    if not settings.zalo_enabled:
        raise _not_configured(request)
    raw = await _read_limited(request, MAX_BODY)
    try:
        event = parse_event(json.loads(raw))
    except ValueError:  # includes InvalidEvent and json.JSONDecodeError
        raise ApiError(400, "invalid_event", "The body is not a Zalo event (JSON object with event_name)") from None
    except RecursionError:
        raise ApiError(400, "invalid_event", "The body is not a Zalo event") from None
    assert settings.zalo_app_id and settings.zalo_oa_secret
    if not signature_valid(
        request.headers.get(SIGNATURE_HEADER),
        app_id=settings.zalo_app_id,
        raw_body=raw,
        timestamp=event.timestamp,
        oa_secret=settings.zalo_oa_secret,
    ):
        if settings.zalo_verify_signature:
            log.warning("Zalo webhook: wrong %s, event %s rejected", SIGNATURE_HEADER, event.name)
            raise ApiError(401, "bad_signature", f"{SIGNATURE_HEADER} does not match")
        log.warning("Zalo webhook: wrong %s accepted (KIOSK_ZALO_VERIFY_SIGNATURE=false)", SIGNATURE_HEADER)

    if not timestamp_fresh(event.timestamp, utc_now(state.clock).timestamp()):
        log.warning("Zalo webhook: event %s with a stale timestamp ignored", event.name)
        return WebhookAck(status="ignored")
    kind = classify(event, settings.zalo_oa_id)
    if kind in (EventKind.ECHO, EventKind.OTHER):
        return WebhookAck(status="ignored")
    worker: zalo_worker.ZaloWorker | None = getattr(request.state, "zalo_worker", None)
    if worker is None:
        raise ApiError(503, "zalo_unavailable", "The Zalo worker is not running")
    assert event.sender_id is not None
    key = zalo_worker.event_key(state.secret, dedupe_source(event))
    try:
        fresh = await run_in_threadpool(zalo_worker.claim, state.sessionmaker, key)
    except SQLAlchemyError as exc:
        log.error("Zalo webhook: event not recorded (%s); Zalo will deliver it again", type(exc).__name__)
        raise ApiError(503, "unavailable", "Database unavailable; deliver again later") from None
    if not fresh:
        return WebhookAck(status="duplicate")
    if not worker.submit(zalo_worker.Job(kind, event.sender_id, event.text)):
        await run_in_threadpool(zalo_worker.release, state.sessionmaker, key)
        log.warning("Zalo queue full (%d): event refused, Zalo will deliver it again", worker.queue.maxsize)
        raise ApiError(503, "busy", "Too many messages waiting; deliver again later")
    return WebhookAck(status="accepted")


@router.get("/healthz/zalo", response_model=ZaloHealth, tags=["health"])
def zalo_health(request: Request) -> ZaloHealth:
    """The Zalo channel: configured or not, and the state of the OA tokens (nothing secret)."""
    state = request.app.state
    settings: Settings = state.settings
    if not settings.zalo_enabled:
        return ZaloHealth(zalo="off")
    with state.sessionmaker() as session:
        status = token_status(session, settings.zalo_oa_id, margin_seconds=settings.zalo_refresh_margin_seconds)
    worker = getattr(state, "zalo_worker", None)
    return ZaloHealth(
        zalo=status.state, access_expires_at=status.access_expires_at, queued=worker.queue.qsize() if worker else 0
    )
