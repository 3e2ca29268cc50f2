"""Endpoints the Rasa action server calls: resolve a message to a procedure, answer about it, the menu, and
dossier questions (tiered disclosure, throttled per citizen).

All Vietnamese wording lives here and in kiosk_api.domain (one source for the bot and for the fallback of
/api/chat); the bot only relays texts and buttons.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query, Response

from procedures_kb.catalogue import Catalogue
from procedures_kb.schema import Procedure

from ..db import session_now
from ..deps import CalendarDep, CatalogueDep, ClientDep, NowDep, SecretDep, SessionDep, SettingsDep, TodayDep
from ..domain import lookup_texts, menus, referrals, replies
from ..domain.buttons import Aspect, Button
from ..domain.cues import aspect_cue, mentions_dossier
from ..domain.resolve import Resolution
from ..errors import ApiError
from ..ratings import service as rating_service
from ..schemas.assistant import (
    AnswerResponse,
    ButtonOut,
    CandidateOut,
    DossierAnswer,
    MenuResponse,
    ProcedureRef,
    ReferralOut,
    ResolveResponse,
)
from ..schemas.common import error_responses
from ..schemas.dossiers import LookupRequest
from ..services import dossier_access
from ..services import dossiers as dossier_service

router = APIRouter(prefix="/api/assistant", tags=["assistant"])
log = logging.getLogger(__name__)

MAX_QUESTION = 1000


def procedure_or_404(catalogue: Catalogue, code: str) -> Procedure:
    procedure = catalogue.get(code)
    if procedure is None:
        raise ApiError(404, "not_found", f"Không tìm thấy thủ tục có mã {code.strip()[:32]}.")
    return procedure


def buttons_out(buttons: list[Button]) -> list[ButtonOut]:
    return [ButtonOut(title=b.title, payload=b.payload) for b in buttons]


def resolution_out(
    resolution: Resolution, aspect: str | None = None, referral: ReferralOut | None = None, dossier: bool = False
) -> ResolveResponse:
    chosen = resolution.procedure
    also = resolution.also
    return ResolveResponse(
        band=resolution.band.value,
        procedure=ProcedureRef(code=chosen.code, name=chosen.name) if chosen else None,
        candidates=[CandidateOut(code=c.code, name=c.name, score=c.score) for c in resolution.candidates],
        pages=resolution.pages,
        copies=resolution.copies,
        from_context=resolution.from_context,
        aspect=aspect,
        also=ProcedureRef(code=also.code, name=also.name) if also else None,
        referral=referral,
        dossier=dossier,
    )


@router.get("/resolve", response_model=ResolveResponse, responses=error_responses(422))
def resolve_question(
    catalogue: CatalogueDep,
    q: Annotated[str, Query(max_length=MAX_QUESTION, description="The citizen's message, accents optional")] = "",
    current: Annotated[
        str | None, Query(max_length=64, description="Procedure the conversation is about (for follow-ups)")
    ] = None,
    hint: Annotated[str | None, Query(max_length=64, description="Procedure code extracted by the NLU")] = None,
) -> ResolveResponse:
    """Which procedure the message is about: confident (one), unsure (2–4 candidates) or lost; plus the
    pages and copies it names. Unknown `current` or `hint` codes are ignored."""
    resolution = replies.resolve_message(catalogue, q, current=current, hint=hint)
    referral = None
    topic = next((t for t in catalogue.referrals if t.id == resolution.referral), None)
    if topic is not None:
        referral = ReferralOut(id=topic.id, topic=topic.topic, text=referrals.referral_topic_text(topic))
    return resolution_out(resolution, aspect_cue(q), referral, mentions_dossier(q))


@router.get("/answer", response_model=AnswerResponse, responses=error_responses(404, 422))
def answer_question(
    catalogue: CatalogueDep,
    settings: SettingsDep,
    now: NowDep,
    calendar: CalendarDep,
    code: Annotated[str, Query(min_length=1, max_length=64, description="Procedure code")],
    aspect: Annotated[Aspect, Query(description="What the citizen asks about")] = Aspect.OVERVIEW,
    pages: Annotated[int | None, Query(ge=1, le=10_000, description="Pages of the original (fees per page)")] = None,
    copies: Annotated[int | None, Query(ge=1, le=1_000, description="Copies requested")] = None,
    q: Annotated[
        str | None,
        Query(max_length=MAX_QUESTION, description="The citizen's message: a fact answering it comes first"),
    ] = None,
) -> AnswerResponse:
    """A short Vietnamese answer about one aspect of a procedure, with buttons for the other aspects. With the
    citizen's message `q`, the fact or aspect that answers it is chosen (domain.qa), the fact first."""
    procedure = procedure_or_404(catalogue, code)
    reply = replies.reply_about(
        catalogue,
        procedure,
        aspect,
        q,
        commune=settings.commune_name,
        pages=pages,
        copies=copies,
        now=now,
        calendar=calendar,
    )
    return AnswerResponse(
        text=reply.answer.text,
        buttons=buttons_out(reply.answer.buttons),
        procedure=ProcedureRef(code=procedure.code, name=procedure.name),
        answered="fact" if reply.fact else "aspect",
    )


@router.get("/menu", response_model=MenuResponse)
def menu(catalogue: CatalogueDep, settings: SettingsDep) -> MenuResponse:
    """Help text with the most common procedures and the other services as buttons."""
    reply = menus.menu(catalogue.offered_procedures, settings.commune_name)
    return MenuResponse(text=reply.text, buttons=buttons_out(reply.buttons))


@router.post("/dossier", response_model=DossierAnswer, responses=error_responses(422))
def dossier_question(
    body: LookupRequest,
    response: Response,
    client: ClientDep,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    catalogue: CatalogueDep,
    today: TodayDep,
) -> DossierAnswer:
    """A dossier question from the assistant, in two tiers.

    Code only: the same answer for every code, known or not (asking for the last 4 phone digits), and it costs
    the client a try. Code + digits: the full answer, or one neutral answer for wrong digits and unknown codes
    alike; counted like /api/dossiers/lookup per client and per dossier code. A locked client or code gets the
    waiting message (HTTP 200, with Retry-After). A verified answer carries the dossier's rating token."""
    now = session_now(session)
    code = body.code.strip()
    digits = (body.phone_digits or "").strip()
    if not digits:
        locked = dossier_access.check_code_only(session, settings=settings, secret=secret, client=client, now=now)
        if locked is not None:
            response.headers["Retry-After"] = str(locked.wait)
            return DossierAnswer(text=lookup_texts.too_many_attempts(locked.wait), found=False, need_phone=False)
        return DossierAnswer(text=lookup_texts.ask_digits(code), found=False, need_phone=True)

    result = dossier_access.check(
        session, settings=settings, secret=secret, client=client, code=code, digits=digits, now=now
    )
    if isinstance(result, dossier_access.Locked):
        response.headers["Retry-After"] = str(result.wait)
        return DossierAnswer(text=lookup_texts.locked_text(result.wait, result.scope), found=False, need_phone=False)
    if result is None:
        return DossierAnswer(text=lookup_texts.NOT_FOUND, found=False, need_phone=False)
    view = dossier_service.public_view(result, catalogue=catalogue, today=today, commune_name=settings.commune_name)
    text = lookup_texts.dossier_full_text(
        view.code,
        view.status,
        procedure_name=view.procedure_name,
        received_date=view.received_date,
        appointment_date=view.appointment_date,
        result_date=view.result_date,
        days_overdue=view.days_overdue,
        next_steps=view.next_steps,
        commune_name=settings.commune_name,
    )
    token = rating_service.token_for(secret, result.id, today=today, valid_days=settings.rating_token_days)
    return DossierAnswer(text=text, found=True, need_phone=False, status=view.status.value, rating_token=token)
