"""/api/chat: the citizen's message goes to the Rasa assistant; when Rasa is down, slow or failing, the
answer comes from the catalogue directly (resolve + answer, or the menu), after a clear notice.

Every message is logged to chat_events in a background task, without personal data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.exc import SQLAlchemyError

from procedures_kb.catalogue import Catalogue

from ..deps import client_address
from ..domain import answers
from ..domain.resolve import Band, detect_aspect, is_greeting, mentions_dossier, resolve, wants_officer
from ..schemas.assistant import ButtonOut
from ..schemas.chat import ChatRequest, ChatResponse, Reply
from ..schemas.common import error_responses
from ..security import keyed_hash, sender_hash
from ..services import chat_log
from ..services import handoffs as handoff_service
from ..services.rasa_client import RasaClient, RasaUnavailable, to_replies
from ..settings import Settings
from .handoffs import next_step_text

router = APIRouter(prefix="/api", tags=["chat"])
log = logging.getLogger(__name__)

NOTICE = (
    "Trợ lý đang tạm gián đoạn, thông tin dưới đây được tra từ danh mục thủ tục của {commune}. "
    "Nếu cần hỗ trợ thêm, ông/bà vui lòng hỏi cán bộ tại Bộ phận Một cửa."
)
LOOKUP_OFFLINE = (
    "Trong lúc trợ lý tạm gián đoạn, ông/bà có thể tra cứu hồ sơ ở mục «Tra cứu hồ sơ» trên màn hình kiosk "
    "(nhập mã hồ sơ và 4 số cuối số điện thoại đã đăng ký) hoặc hỏi cán bộ tại Bộ phận Một cửa."
)
RATE_OFFLINE = (
    "Cảm ơn ông/bà muốn đánh giá! Trong lúc trợ lý tạm gián đoạn, ông/bà vui lòng đánh giá trên màn hình kiosk "
    "hoặc báo cán bộ tại Bộ phận Một cửa."
)
NOT_UNDERSTOOD = "Xin lỗi, tôi chưa tìm được thủ tục phù hợp với câu hỏi của ông/bà."
OFFICER_TOPIC = "Yêu cầu gặp cán bộ khi trợ lý gián đoạn"
INTENT_ASPECTS = {a.intent: a for a in answers.Aspect}


def rasa_client(request: Request) -> RasaClient:
    """The Rasa client of the running server (made at start-up); without the lifespan, one made on first use."""
    client = getattr(request.state, "rasa", None)
    if client is not None:
        return client
    state = request.app.state
    if getattr(state, "rasa", None) is None:
        settings: Settings = state.settings
        state.rasa = RasaClient(settings.rasa_url, settings.rasa_timeout)
    return state.rasa


def reply_out(answer: answers.Answer) -> Reply:
    return Reply(text=answer.text, buttons=[ButtonOut(title=b.title, payload=b.payload) for b in answer.buttons])


@dataclass(frozen=True)
class Fallback:
    """The answer to one message from the catalogue alone, with what to log about it."""

    answer: answers.Answer
    intent: str | None = None
    procedure_code: str | None = None
    confidence: float | None = None


def fallback_answer(catalogue: Catalogue, commune: str, message: str) -> Fallback:
    """Answer a message or a button payload without Rasa (requests for an officer are handled by the caller)."""
    menu = answers.menu(catalogue.procedures, commune)
    lookup = Fallback(
        answers.Answer(LOOKUP_OFFLINE, [b for b in menu.buttons if b.payload != "/lookup_dossier"]), "lookup_dossier"
    )
    parsed = answers.parse_payload(message)
    if parsed is not None:
        intent, entities = parsed
        if intent == "lookup_dossier":
            return lookup
        if intent == "rate_service":
            return Fallback(answers.Answer(RATE_OFFLINE), intent)
        aspect = INTENT_ASPECTS.get(intent)
        procedure = catalogue.get(entities.get("procedure_code", "")) if aspect else None
        if aspect is None or procedure is None:
            return Fallback(menu, intent)
        reply = answers.answer(procedure, aspect, catalogue.province_fees)
        return Fallback(reply, intent, procedure.code, 1.0)

    if mentions_dossier(message):
        return lookup
    resolution = resolve(catalogue, message)
    if resolution.band is Band.CONFIDENT and resolution.procedure is not None:
        procedure = catalogue.get(resolution.procedure.code)
        assert procedure is not None
        aspect = answers.Aspect(detect_aspect(message))
        reply = answers.answer(
            procedure, aspect, catalogue.province_fees, pages=resolution.pages, copies=resolution.copies
        )
        return Fallback(reply, aspect.intent, procedure.code, resolution.procedure.score)
    if resolution.band is Band.UNSURE:
        procedures = [p for c in resolution.candidates if (p := catalogue.get(c.code)) is not None]
        top = resolution.candidates[0]
        return Fallback(answers.choices(procedures), None, top.code, top.score)
    if is_greeting(message):
        return Fallback(menu, "greet")
    return Fallback(answers.Answer(f"{NOT_UNDERSTOOD}\n{menu.text}", menu.buttons))


def _officer_request(request: Request, body: ChatRequest) -> answers.Answer:
    state = request.app.state
    with state.sessionmaker() as session:
        row, created = handoff_service.request_officer(
            session,
            channel=body.channel,
            sender_hash=sender_hash(state.secret, body.channel, body.sender_id),
            topic=OFFICER_TOPIC,
        )
    return answers.Answer(next_step_text(row.channel, row.id, state.settings.commune_name, created=created))


async def _log_event(request: Request, body: ChatRequest, fallback: Fallback | None) -> None:
    state = request.app.state
    intent = procedure_code = None
    confidence = None
    if fallback is not None:
        intent, procedure_code, confidence = fallback.intent, fallback.procedure_code, fallback.confidence
    else:
        info = await rasa_client(request).tracker(body.sender_id)
        if info is not None:
            intent, procedure_code, confidence = info.intent, info.procedure_code, info.confidence
    event = chat_log.ChatEventData(
        channel=body.channel,
        sender=body.sender_id,
        text=body.message,
        intent=intent,
        procedure_code=procedure_code,
        confidence=confidence,
    )
    await run_in_threadpool(chat_log.record_quietly, state.sessionmaker, event, secret=state.secret)


@router.post("/chat", response_model=ChatResponse, responses=error_responses(422))
async def chat(body: ChatRequest, request: Request, background: BackgroundTasks) -> ChatResponse:
    """Send the message to the assistant (Rasa REST channel) and return its replies. When Rasa cannot answer
    (down, error, no reply, slower than KIOSK_RASA_TIMEOUT) the replies are a notice followed by the answer
    found in the catalogue, and `source` is "fallback"."""
    state = request.app.state
    client_key = keyed_hash(state.secret, "chat-client", f"{client_address(request)}\x00{body.sender_id}")
    try:
        messages = await rasa_client(request).send(body.sender_id, body.message, {"client": client_key})
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
        background.add_task(_log_event, request, body, None)
        return ChatResponse(replies=replies, source="assistant")

    catalogue: Catalogue = state.catalogue
    commune = state.settings.commune_name
    parsed = answers.parse_payload(body.message)
    if (parsed is not None and parsed[0] == "request_officer") or (parsed is None and wants_officer(body.message)):
        try:
            answer = await run_in_threadpool(_officer_request, request, body)
        except SQLAlchemyError as exc:
            log.error("hand-off not recorded: %s", type(exc).__name__)
            answer = answers.Answer("Ông/bà vui lòng đến quầy Bộ phận Một cửa, cán bộ sẽ hỗ trợ trực tiếp.")
        result = Fallback(answer, "request_officer")
    else:
        result = fallback_answer(catalogue, commune, body.message)
    background.add_task(_log_event, request, body, result)
    notice = Reply(text=NOTICE.format(commune=commune))
    return ChatResponse(replies=[notice, reply_out(result.answer)], source="fallback")
