"""The rating pages a QR code opens on a citizen's phone: `/r/{token}` (one dossier, from the receipt or result
slip) and `/r/quay/{counter_id}` (anonymous rating of a desk).

Plain server-rendered HTML forms (no JavaScript needed), POST → 303 → thanks page. The form carries a hidden
idempotency key made when the page is rendered, so a double tap stores one ballot; the database's unique
constraints keep one ballot per dossier even across replicas. Answers and comments are never logged.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from procedures_kb.workdays import WorkingCalendar

from ..deps import CalendarDep, CatalogueDep, SessionDep, SettingsDep, TodayDep, client_identity
from ..domain.dates import format_date
from ..models import Dossier
from ..petitions import service as petition_service
from ..settings import Settings
from ..templating import templates
from . import form, wording
from . import service as rating_service
from .token import TokenExpired, TokenInvalid

router = APIRouter(tags=["rating pages"], include_in_schema=False)
log = logging.getLogger(__name__)

CHANNEL = "qr"
MAX_KEY = 100
# No script at all, styles and form posts from this server only, never framed, the token never sent as referrer.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

Field = Annotated[str, Form()]


class PageError(Exception):
    """Answer with a message page (an invalid or expired token, an unknown counter …)."""

    def __init__(self, status: int, title: str, message: str):
        super().__init__(title)
        self.status, self.title, self.message = status, title, message


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    return templates.TemplateResponse(
        request, name, {"commune_name": settings.commune_name, **context}, status_code=status, headers=PAGE_HEADERS
    )


def _message(request: Request, status: int, title: str, message: str, *, tone: str = "info") -> HTMLResponse:
    return _page(request, "rating/message.html", {"title": title, "message": message, "tone": tone}, status)


def _error_page(request: Request, error: PageError) -> HTMLResponse:
    return _message(request, error.status, error.title, error.message, tone="error")


def _dossier(session: Session, request: Request, token: str, today: date) -> Dossier:
    try:
        return rating_service.dossier_for_token(session, request.app.state.secret, token, today=today)
    except TokenExpired as exc:
        raise PageError(410, "Mã đánh giá đã hết hạn", wording.token_expired(str(exc))) from None
    except TokenInvalid:
        raise PageError(404, "Mã đánh giá không đúng", wording.TOKEN_INVALID) from None
    except rating_service.DossierGone:
        raise PageError(404, "Không tìm thấy hồ sơ", wording.DOSSIER_GONE) from None


def _check_counter(counter_id: str) -> None:
    if not form.valid_counter_id(counter_id):
        raise PageError(404, "Không có quầy này", wording.UNKNOWN_COUNTER)


def _form(
    request: Request,
    kind: form.BallotKind,
    *,
    subject: dict[str, Any],
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    key: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return _page(
        request,
        "rating/form.html",
        {
            "title": subject["heading"],
            "kind": kind,
            "subject": subject,
            "questions": form.questions(kind),
            "values": values or {},
            "errors": errors or {},
            "key": key or secrets.token_urlsafe(18),
            "action": request.url.path,
            "w": form,
        },
        status,
    )


def _dossier_subject(dossier: Dossier, catalogue) -> dict[str, Any]:
    procedure = catalogue.get(dossier.procedure_code)
    return {
        "heading": "Đánh giá việc giải quyết hồ sơ",
        "code": dossier.code,
        "procedure": procedure.name if procedure else None,
    }


def _counter_subject(counter_id: str) -> dict[str, Any]:
    return {"heading": "Đánh giá sự phục vụ tại quầy", "counter": wording.counter_label(counter_id)}


def _key(value: str) -> str:
    value = value.strip()
    return value if 0 < len(value) <= MAX_KEY else secrets.token_urlsafe(18)


def _thanks_url(key: str) -> str:
    return f"/r/cam-on/{key}"


def _ballot(answers: form.Answers, *, key: str, counter_id: str | None) -> rating_service.Ballot:
    return rating_service.Ballot(
        channel=CHANNEL,
        satisfaction=answers.satisfaction,
        idempotency_key=key,
        comment=answers.comment,
        counter_id=counter_id,
        i3=answers.i3,
        i4=answers.i4,
        i6=answers.i6,
        i7=answers.i7,
    )


def _submit(
    request: Request,
    session: Session,
    settings: Settings,
    today: date,
    calendar: WorkingCalendar,
    answers: form.Answers,
    *,
    key: str,
    token: str | None,
    counter_id: str | None,
) -> None:
    """Store the ballot through the one submission the API uses too (token, throttling, counter budget; idempotent
    on `key`) and, when asked, its comment as a petition (one per ballot). BallotRefused otherwise."""
    result = rating_service.submit_ballot(
        session,
        _ballot(answers, key=key, counter_id=counter_id),
        token=token,
        client=client_identity(request),
        settings=settings,
        secret=request.app.state.secret,
        today=today,
    )
    if answers.escalate and answers.comment:
        # Also on a replay: a retry after a failure between the two writes still escalates, and only once.
        rating_service.escalate_comment(
            session,
            result.rating,
            comment=answers.comment,
            contact=answers.contact,
            today=today,
            working_days=settings.petition_working_days,
            calendar=calendar,
        )


def _refused(request: Request, refused: rating_service.BallotRefused, *, dossier: bool) -> HTMLResponse:
    """The message page for a refused ballot (a second ballot for a dossier, the counter budget spent …)."""
    if refused.error in ("already_rated", "idempotency_key_reused"):
        if dossier:
            return _message(request, 409, "Hồ sơ đã được đánh giá", wording.ALREADY_RATED)
        return _message(request, 409, "Đã gửi đánh giá", wording.BALLOT_ALREADY_SENT)
    titles = {
        "too_many_ballots": "Đã nhận nhiều phiếu",
        "too_many_attempts": "Tạm dừng đánh giá",
        "token_expired": "Mã đánh giá đã hết hạn",
        "token_invalid": "Mã đánh giá không đúng",
        "dossier_not_found": "Không tìm thấy hồ sơ",
    }
    return _message(request, refused.status, titles.get(refused.error, "Chưa gửi được đánh giá"), refused.detail)


# ---- counter pages (declared first: /r/quay/... and /r/cam-on/... are not tokens) -------------------------------


@router.get("/r/quay/{counter_id}", response_class=HTMLResponse)
def counter_page(counter_id: str, request: Request) -> Response:
    try:
        _check_counter(counter_id)
    except PageError as error:
        return _error_page(request, error)
    return _form(request, "counter", subject=_counter_subject(counter_id))


@router.post("/r/quay/{counter_id}", response_class=HTMLResponse)
def counter_submit(
    counter_id: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    today: TodayDep,
    calendar: CalendarDep,
    key: Field = "",
    satisfaction: Field = "",
    i6: Field = "",
    i7: Field = "",
    comment: Field = "",
    escalate: Field = "",
    contact: Field = "",
) -> Response:
    try:
        _check_counter(counter_id)
    except PageError as error:
        return _error_page(request, error)
    posted = {"satisfaction": satisfaction, "i6": i6, "i7": i7, "comment": comment, "escalate": escalate}
    checked = form.check_form("counter", {**posted, "contact": contact})
    key = _key(key)
    if checked.answers is None:
        return _form(
            request,
            "counter",
            subject=_counter_subject(counter_id),
            values=checked.values,
            errors=checked.errors,
            key=key,
            status=422,
        )
    # An anonymous ballot: it spends the phone's counter budget (a replay, a double tap, is always answered).
    try:
        _submit(
            request, session, settings, today, calendar, checked.answers, key=key, token=None, counter_id=counter_id
        )
    except rating_service.BallotRefused as refused:
        return _refused(request, refused, dossier=False)
    return RedirectResponse(_thanks_url(key), status_code=303)


@router.get("/r/cam-on/{key}", response_class=HTMLResponse)
def thanks_page(key: str, request: Request, session: SessionDep) -> Response:
    rating = rating_service.by_key(session, key) if len(key) <= MAX_KEY else None
    if rating is None:
        return _message(request, 404, "Không tìm thấy phiếu đánh giá", wording.TOKEN_INVALID, tone="error")
    petition = petition_service.for_rating(session, rating.id)
    registered = None
    if petition is not None:
        deadline = format_date(petition.deadline) if petition.deadline else "—"
        registered = wording.PETITION_REGISTERED.format(id=petition.id, deadline=deadline)
    return _page(
        request,
        "rating/thanks.html",
        {
            "title": "Cảm ơn ông/bà đã đánh giá",
            "message": wording.THANKS[rating.satisfaction],
            "level": form.satisfaction_label(rating.satisfaction),
            "registered": registered,
        },
    )


# ---- dossier pages ---------------------------------------------------------------------------------------------


@router.get("/r/{token}", response_class=HTMLResponse)
def dossier_page(
    token: str, request: Request, session: SessionDep, catalogue: CatalogueDep, today: TodayDep
) -> Response:
    try:
        dossier = _dossier(session, request, token, today)
    except PageError as error:
        return _error_page(request, error)
    if rating_service.for_dossier(session, dossier.id) is not None:
        return _message(request, 200, "Hồ sơ đã được đánh giá", wording.ALREADY_RATED)
    return _form(request, "dossier", subject=_dossier_subject(dossier, catalogue))


@router.post("/r/{token}", response_class=HTMLResponse)
def dossier_submit(
    token: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    catalogue: CatalogueDep,
    today: TodayDep,
    calendar: CalendarDep,
    key: Field = "",
    satisfaction: Field = "",
    i3: Field = "",
    i4: Field = "",
    i6: Field = "",
    i7: Field = "",
    comment: Field = "",
    escalate: Field = "",
    contact: Field = "",
) -> Response:
    try:
        dossier = _dossier(session, request, token, today)
    except PageError as error:
        return _error_page(request, error)
    posted = {"satisfaction": satisfaction, "i3": i3, "i4": i4, "i6": i6, "i7": i7, "comment": comment}
    checked = form.check_form("dossier", {**posted, "escalate": escalate, "contact": contact})
    key = _key(key)
    if checked.answers is None:
        return _form(
            request,
            "dossier",
            subject=_dossier_subject(dossier, catalogue),
            values=checked.values,
            errors=checked.errors,
            key=key,
            status=422,
        )
    try:
        _submit(request, session, settings, today, calendar, checked.answers, key=key, token=token, counter_id=None)
    except rating_service.BallotRefused as refused:
        return _refused(request, refused, dossier=True)
    return RedirectResponse(_thanks_url(key), status_code=303)
