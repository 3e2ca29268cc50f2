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
from ..deps import CalendarDep, CatalogueDep, NowDep, SecretDep, SessionDep, SettingsDep, ThrottleClientDep, TodayDep
from ..domain import answers
from ..domain.resolve import Resolution, aspect_cue, resolve
from ..errors import ApiError
from ..schemas.assistant import (
    AnswerResponse,
    ButtonOut,
    CandidateOut,
    DossierAnswer,
    MenuResponse,
    ProcedureRef,
    ResolveResponse,
)
from ..schemas.common import error_responses
from ..schemas.dossiers import LookupRequest
from ..security import client_key_hash, keyed_hash, short
from ..services import dossiers as dossier_service
from ..services import throttle
from .dossiers import NOT_FOUND, refuse_if_throttled

router = APIRouter(prefix="/api/assistant", tags=["assistant"])
log = logging.getLogger(__name__)

MAX_QUESTION = 1000


def procedure_or_404(catalogue: Catalogue, code: str) -> Procedure:
    procedure = catalogue.get(code)
    if procedure is None:
        raise ApiError(404, "not_found", f"Không tìm thấy thủ tục có mã {code.strip()[:32]}.")
    return procedure


def buttons_out(buttons: list[answers.Button]) -> list[ButtonOut]:
    return [ButtonOut(title=b.title, payload=b.payload) for b in buttons]


def resolution_out(resolution: Resolution, aspect: str | None = None) -> ResolveResponse:
    chosen = resolution.procedure
    return ResolveResponse(
        band=resolution.band.value,
        procedure=ProcedureRef(code=chosen.code, name=chosen.name) if chosen else None,
        candidates=[CandidateOut(code=c.code, name=c.name, score=c.score) for c in resolution.candidates],
        pages=resolution.pages,
        copies=resolution.copies,
        from_context=resolution.from_context,
        aspect=aspect,
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
    return resolution_out(resolve(catalogue, q, current=current, hint=hint), aspect_cue(q))


@router.get("/answer", response_model=AnswerResponse, responses=error_responses(404, 422))
def answer_question(
    catalogue: CatalogueDep,
    now: NowDep,
    calendar: CalendarDep,
    code: Annotated[str, Query(min_length=1, max_length=64, description="Procedure code")],
    aspect: Annotated[answers.Aspect, Query(description="What the citizen asks about")] = answers.Aspect.OVERVIEW,
    pages: Annotated[int | None, Query(ge=1, le=10_000, description="Pages of the original (fees per page)")] = None,
    copies: Annotated[int | None, Query(ge=1, le=1_000, description="Copies requested")] = None,
) -> AnswerResponse:
    """A short Vietnamese answer about one aspect of a procedure, with buttons for the other aspects."""
    procedure = procedure_or_404(catalogue, code)
    reply = answers.answer(
        procedure, aspect, catalogue.province_fees, pages=pages, copies=copies, now=now, calendar=calendar
    )
    return AnswerResponse(
        text=reply.text,
        buttons=buttons_out(reply.buttons),
        procedure=ProcedureRef(code=procedure.code, name=procedure.name),
    )


@router.get("/menu", response_model=MenuResponse)
def menu(catalogue: CatalogueDep, settings: SettingsDep) -> MenuResponse:
    """Help text with the most common procedures and the other services as buttons."""
    reply = answers.menu(catalogue.procedures, settings.commune_name)
    return MenuResponse(text=reply.text, buttons=buttons_out(reply.buttons))


@router.post("/dossier", response_model=DossierAnswer, responses=error_responses(422))
def dossier_question(
    body: LookupRequest,
    response: Response,
    client: ThrottleClientDep,
    session: SessionDep,
    settings: SettingsDep,
    secret: SecretDep,
    catalogue: CatalogueDep,
    today: TodayDep,
) -> DossierAnswer:
    """A dossier's status for the citizen, in two tiers.

    Code only: the public status (label, overdue or not) and need_phone=true; an unknown code gets a
    "not found" answer. Code + last 4 phone digits: the full answer, or — for wrong digits or an unknown
    code alike — one neutral answer. Both tiers share the throttling budget of /api/dossiers/lookup; a
    throttled client gets the waiting message (HTTP 200, with Retry-After).
    """
    client_key = client_key_hash(secret, "lookup", client)
    now = session_now(session)
    try:
        refuse_if_throttled(session, settings, client_key, now)
    except ApiError as exc:
        if exc.status_code != 429:
            raise
        response.headers.update(exc.headers or {})
        return DossierAnswer(text=exc.detail, found=False, need_phone=False)

    code = body.code.strip()
    digits = (body.phone_last4 or "").strip()
    code_ref = short(keyed_hash(secret, "log-dossier", code))
    if not digits:
        try:
            dossier = dossier_service.get_by_code(session, code)
        except dossier_service.DossierNotFound:
            dossier = None
        throttle.record_attempt(
            session, client_key, success=dossier is not None, now=now, keep_seconds=settings.lookup_window_seconds
        )
        session.commit()
        log.info(
            "assistant dossier status (code only): found=%s client=%s code=%s",
            dossier is not None,
            short(client_key),
            code_ref,
        )
        if dossier is None:
            return DossierAnswer(text=answers.DOSSIER_UNKNOWN, found=False, need_phone=False)
        view = dossier_service.public_view(dossier, catalogue=None, today=today, commune_name=settings.commune_name)
        text = answers.dossier_status_text(view.code, view.status, days_overdue=view.days_overdue)
        return DossierAnswer(text=text, found=True, need_phone=True, status=view.status.value)

    dossier = dossier_service.find_for_lookup(session, code, digits, secret=secret)
    throttle.record_attempt(
        session, client_key, success=dossier is not None, now=now, keep_seconds=settings.lookup_window_seconds
    )
    session.commit()
    log.info("assistant dossier lookup: found=%s client=%s code=%s", dossier is not None, short(client_key), code_ref)
    if dossier is None:
        return DossierAnswer(text=NOT_FOUND, found=False, need_phone=False)
    view = dossier_service.public_view(dossier, catalogue=catalogue, today=today, commune_name=settings.commune_name)
    text = answers.dossier_full_text(
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
    return DossierAnswer(text=text, found=True, need_phone=False, status=view.status.value)
