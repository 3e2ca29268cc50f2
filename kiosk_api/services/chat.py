"""The chat path shared by POST /api/chat (kiosk, web chat) and the Zalo worker: one message from one sender on
one channel goes to the Rasa assistant; when Rasa is down, slow or failing, the answer comes from the catalogue
directly (resolve + answer, or the menu), after a clear notice. `log_event` records the message in chat_events
(without personal data); callers run it after answering (a background task).

When the assistant disclosed a dossier (code + the right phone digits), its dossier action adds a ``custom``
message ``{"dossier_code": …}``; the result then carries the dossier's rating page URL (a signed rating token),
unless the dossier was already rated.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any, Literal

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from procedures_kb.catalogue import Catalogue
from procedures_kb.workdays import WorkingCalendar

from ..clock import utc_now, vn_today
from ..domain import identity, menus, replies
from ..domain.buttons import Answer, Aspect, parse_payload, procedure_button
from ..domain.cues import detect_aspect, is_greeting, mentions_dossier, wants_officer
from ..domain.officer import TOO_MANY_REQUESTS, next_step_text
from ..domain.resolve import Band
from ..models import Dossier
from ..ratings import service as rating_service
from ..schemas.assistant import ButtonOut
from ..schemas.chat import ChatRequest, Reply
from ..security import client_key_hash, sender_hash
from . import chat_log
from . import handoffs as handoff_service
from .rasa_client import RasaClient, RasaUnavailable, to_replies

log = logging.getLogger(__name__)

NOTICE = (
    "Trợ lý đang tạm gián đoạn, thông tin dưới đây được tra từ danh mục thủ tục của {commune}. "
    "Nếu cần hỗ trợ thêm, ông/bà vui lòng hỏi cán bộ tại quầy tiếp nhận hồ sơ."
)
LOOKUP_OFFLINE = (
    "Trong lúc trợ lý tạm gián đoạn, ông/bà có thể tra cứu hồ sơ ở mục «Tra cứu hồ sơ» trên màn hình kiosk "
    "(nhập mã hồ sơ và 4 số cuối số điện thoại đã đăng ký) hoặc hỏi cán bộ tại quầy tiếp nhận hồ sơ."
)
RATE_OFFLINE = (
    "Cảm ơn ông/bà muốn đánh giá! Trong lúc trợ lý tạm gián đoạn, ông/bà vui lòng đánh giá trên màn hình kiosk "
    "hoặc báo cán bộ tại quầy tiếp nhận hồ sơ."
)
NOT_UNDERSTOOD = "Xin lỗi, tôi chưa tìm được thủ tục phù hợp với câu hỏi của ông/bà."
OFFICER_TOPIC = "Yêu cầu gặp cán bộ khi trợ lý gián đoạn"
OFFICER_UNRECORDED = "Ông/bà vui lòng đến quầy tiếp nhận hồ sơ, cán bộ sẽ hỗ trợ trực tiếp."
INTENT_ASPECTS = {a.intent: a for a in Aspect}
DOSSIER_MARKER = "dossier_code"


def reply_out(answer: Answer) -> Reply:
    return Reply(text=answer.text, buttons=[ButtonOut(title=b.title, payload=b.payload) for b in answer.buttons])


@dataclass(frozen=True)
class Fallback:
    """The answer to one message from the catalogue alone, with what to log about it."""

    answer: Answer
    intent: str | None = None
    procedure_code: str | None = None
    confidence: float | None = None


@dataclass
class ChatResult:
    """The replies to one message; `fallback` is what to log when the catalogue answered (None: Rasa did)."""

    replies: list[Reply]
    source: Literal["assistant", "fallback"]
    fallback: Fallback | None = None
    disclosed_dossier: str | None = None
    rating_url: str | None = None
    raw: list[dict[str, Any]] = field(default_factory=list)


def fallback_answer(
    catalogue: Catalogue,
    commune: str,
    message: str,
    *,
    now: datetime | None = None,
    calendar: WorkingCalendar | None = None,
) -> Fallback:
    """Answer a message or a button payload without Rasa (requests for an officer are handled by the caller); with
    `now` and the working-day `calendar`, time-limit answers say when a file handed in today would be ready."""
    menu = menus.menu(catalogue.offered_procedures, commune)
    lookup = Fallback(
        Answer(LOOKUP_OFFLINE, [b for b in menu.buttons if b.payload != "/lookup_dossier"]), "lookup_dossier"
    )
    parsed = parse_payload(message)
    if parsed is not None:
        intent, entities = parsed
        if intent == "lookup_dossier":
            return lookup
        if intent == "rate_service":
            return Fallback(Answer(RATE_OFFLINE), intent)
        aspect = INTENT_ASPECTS.get(intent)
        procedure = catalogue.get(entities.get("procedure_code", "")) if aspect else None
        if aspect is None or procedure is None:
            return Fallback(menu, intent)
        reply = replies.reply_about(catalogue, procedure, aspect, commune=commune, now=now, calendar=calendar)
        return Fallback(reply.answer, intent, procedure.code, 1.0)

    if mentions_dossier(message):
        return lookup
    resolution = replies.resolve_message(catalogue, message)
    if resolution.band is Band.CONFIDENT and resolution.procedure is not None:
        procedure = catalogue.get(resolution.procedure.code)
        assert procedure is not None
        reply = replies.reply_about(
            catalogue,
            procedure,
            detect_aspect(message),
            message,
            commune=commune,
            pages=resolution.pages,
            copies=resolution.copies,
            now=now,
            calendar=calendar,
        )
        answer = reply.answer
        second = catalogue.get(resolution.also.code) if resolution.also is not None else None
        if second is not None:
            # two procedures named ("khai tử cho bố và xóa thường trú"): both answered, as the assistant does
            more = replies.reply_about(
                catalogue, second, detect_aspect(message), message, commune=commune, now=now, calendar=calendar
            ).answer
            answer = Answer(f"{answer.text}\n\n{more.text}", [*answer.buttons, procedure_button(second)])
        if (referral := replies.referral_reply(catalogue, resolution)) is not None:
            answer = Answer(f"{answer.text}\n\n{referral.text}", answer.buttons)
        return Fallback(answer, reply.aspect.intent, procedure.code, resolution.procedure.score)
    referral = replies.referral_reply(catalogue, resolution)
    if referral is not None:
        officer = [b for b in menu.buttons if b.payload == "/request_officer"]
        return Fallback(Answer(referral.text, officer), "referral")
    if resolution.band is Band.UNSURE:
        procedures = [p for c in resolution.candidates if (p := catalogue.get(c.code)) is not None]
        top = resolution.candidates[0]
        return Fallback(menus.choices(procedures), None, top.code, top.score)
    if is_greeting(message):
        return Fallback(menu, "greet")
    return Fallback(Answer(f"{NOT_UNDERSTOOD}\n{menu.text}", menu.buttons))


def _conversation(body: ChatRequest) -> str:
    """The message's conversation id, which the caller sets (the chat router a signed one, the Zalo worker the
    user's pseudonym): Rasa and the logs know the conversation by it."""
    if body.sender_id is None:
        raise ValueError("a chat message needs its conversation id (sender_id) set by the caller")
    return body.sender_id


def _officer_request(state: Any, body: ChatRequest, client: str) -> Answer:
    with state.sessionmaker() as session:
        try:
            row, created = handoff_service.request_officer(
                session,
                channel=body.channel,
                sender_hash=sender_hash(state.secret, body.channel, _conversation(body)),
                topic=OFFICER_TOPIC,
                client_key=client_key_hash(state.secret, "handoff", client),
                per_hour=state.settings.handoffs_per_hour,
            )
        except handoff_service.TooManyRequests:
            return Answer(TOO_MANY_REQUESTS)
    return Answer(next_step_text(row.channel, row.id, state.settings.commune_name, created=created))


def disclosed_dossier(messages: list[dict[str, Any]]) -> str | None:
    """The dossier code the assistant's dossier action marked as disclosed in this answer, if any."""
    for m in messages:
        custom = m.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get(DOSSIER_MARKER), str) and custom[DOSSIER_MARKER]:
            return custom[DOSSIER_MARKER].strip()[:64]
    return None


def rating_url_for(state: Any, code: str, today: date) -> str | None:
    """The rating page URL of the dossier `code` (a signed token), or None if unknown or already rated."""
    settings = state.settings
    with state.sessionmaker() as session:
        dossier_id = session.scalar(select(Dossier.id).where(Dossier.code == code))
        if dossier_id is None or rating_service.for_dossier(session, dossier_id) is not None:
            return None
    token = rating_service.token_for(state.secret, dossier_id, today=today, valid_days=settings.rating_token_days)
    return rating_service.rating_url(settings.resolved_public_base_url, token)


async def answer(
    state: Any,
    rasa: RasaClient,
    body: ChatRequest,
    client: str,
    *,
    today: date | None = None,
) -> ChatResult:
    """Answer `body` (its sender_id is the conversation Rasa knows) through Rasa, else from the catalogue.
    `client` is who is chatting (deps.client_identity): it goes into the message's metadata as a ticket signed for
    this message, which the action server hands back to kiosk_api for throttling. `state` is the app state."""
    sender = _conversation(body)
    ticket = identity.client_ticket(state.secret, client, utc_now(state.clock).timestamp())
    try:
        messages = await rasa.send(sender, body.message, {"client": ticket, "channel": body.channel})
        mapped = to_replies(messages)
        if not mapped:
            raise RasaUnavailable("no reply")
    except RasaUnavailable as exc:
        log.warning("assistant unavailable (%s): answering from the catalogue", exc)
    else:
        replies = [
            Reply(text=r.text, buttons=[ButtonOut(title=t, payload=p) for t, p in r.buttons], image=r.image)
            for r in mapped
        ]
        result = ChatResult(replies=replies, source="assistant", raw=messages)
        code = disclosed_dossier(messages)
        if code:
            result.disclosed_dossier = code
            try:
                result.rating_url = await run_in_threadpool(rating_url_for, state, code, today or vn_today(state.clock))
            except SQLAlchemyError as exc:
                log.error("rating link not made: %s", type(exc).__name__)
        return result

    catalogue: Catalogue = state.catalogue
    commune = state.settings.commune_name
    parsed = parse_payload(body.message)
    if (parsed is not None and parsed[0] == "request_officer") or (parsed is None and wants_officer(body.message)):
        try:
            officer = await run_in_threadpool(_officer_request, state, body, client)
        except SQLAlchemyError as exc:
            log.error("hand-off not recorded: %s", type(exc).__name__)
            officer = Answer(OFFICER_UNRECORDED)
        fallback = Fallback(officer, "request_officer")
    else:
        # CPU-bound (catalogue search): in a worker thread, so the event loop keeps answering webhooks and pages.
        answer_now = partial(fallback_answer, now=utc_now(state.clock), calendar=state.calendar)
        fallback = await run_in_threadpool(answer_now, catalogue, commune, body.message)
    notice = Reply(text=NOTICE.format(commune=commune))
    return ChatResult(replies=[notice, reply_out(fallback.answer)], source="fallback", fallback=fallback)


async def log_event(state: Any, rasa: RasaClient, body: ChatRequest, fallback: Fallback | None) -> None:
    """Record one message in chat_events: what the fallback found, else the intent from Rasa's tracker."""
    sender = _conversation(body)
    intent = procedure_code = None
    confidence = None
    if fallback is not None:
        intent, procedure_code, confidence = fallback.intent, fallback.procedure_code, fallback.confidence
    else:
        info = await rasa.tracker(sender)
        if info is not None:
            intent, procedure_code, confidence = info.intent, info.procedure_code, info.confidence
    event = chat_log.ChatEventData(
        channel=body.channel,
        sender=sender,
        text=body.message,
        intent=intent,
        procedure_code=procedure_code,
        confidence=confidence,
    )
    await run_in_threadpool(chat_log.record_quietly, state.sessionmaker, event, secret=state.secret)
