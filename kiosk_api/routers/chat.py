"""/api/chat: the citizen's message goes to the Rasa assistant; when Rasa is down, slow or failing, the
answer comes from the catalogue directly (resolve + answer, or the menu), after a clear notice.

The chat path itself (shared with the Zalo channel) is kiosk_api.services.chat. Every message is logged to
chat_events in a background task, without personal data.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, BackgroundTasks, Request

from ..clock import utc_now
from ..deps import ClientDep, TodayDep
from ..domain import identity
from ..schemas.chat import ChatRequest, ChatResponse
from ..schemas.common import error_responses
from ..services import chat as chat_service
from ..services.rasa_client import RasaClient
from ..settings import Settings

router = APIRouter(prefix="/api", tags=["chat"])
log = logging.getLogger(__name__)


def rasa_client(request: Request) -> RasaClient:
    """The Rasa client of the running server (made at start-up); without the lifespan, one made on first use."""
    client = getattr(request.state, "rasa", None)
    if client is not None:
        return client
    state = request.app.state
    if getattr(state, "rasa", None) is None:
        settings: Settings = state.settings
        state.rasa = RasaClient(settings.rasa_url, settings.rasa_timeout, token=settings.resolved_rasa_token())
    return state.rasa


@router.post("/chat", response_model=ChatResponse, responses=error_responses(422))
async def chat(
    body: ChatRequest, request: Request, background: BackgroundTasks, today: TodayDep, client: ClientDep
) -> ChatResponse:
    """Send the message to the assistant (Rasa REST channel) and return its replies. When Rasa cannot answer
    (down, error, no reply, slower than KIOSK_RASA_TIMEOUT) the replies are a notice followed by the answer
    found in the catalogue, and `source` is "fallback". When the assistant has just disclosed a dossier (code
    and the right phone digits), `rating_url` is the address of that dossier's rating page.

    The conversation is the server's: the answer carries `sender_id`, a conversation id the server signed, to send
    with the next message. Any other `sender_id` (or none) starts a new conversation, so nobody can continue
    someone else's conversation by knowing or guessing an id."""
    state = request.app.state
    rasa = rasa_client(request)
    now = utc_now(state.clock).timestamp()
    token = body.sender_id if body.sender_id and identity.read_conversation(state.secret, body.sender_id, now) else None
    token = token or identity.new_conversation(state.secret, now)
    conversation = identity.read_conversation(state.secret, token, now)
    assert conversation is not None
    bound = body.model_copy(update={"sender_id": f"cv-{conversation}"})
    result = await chat_service.answer(state, rasa, bound, client, today=today)
    background.add_task(chat_service.log_event, state, rasa, bound, result.fallback)
    return ChatResponse(replies=result.replies, source=result.source, rating_url=result.rating_url, sender_id=token)
