"""The procedure catalogue: search, browse, detail and fee calculation (answered from memory)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from procedures_kb.fees import FeeInputError, describe_rule
from procedures_kb.schema import ChannelKind, Procedure
from procedures_kb.timelimits import UNKNOWN_TIME, NoTimeLimit, describe_time_limit
from procedures_kb.workdays import MAX_YEAR, MIN_YEAR, describe_break

from ..clock import VN_TZ
from ..deps import CalendarDep, CatalogueDep, NowDep
from ..domain import caveats
from ..domain.appointments import ChannelNotOffered, pick_channel, plan_for
from ..errors import ApiError
from ..schemas.common import PageNumber, error_responses
from ..schemas.procedures import (
    AppointmentResponse,
    BreakOut,
    ChannelText,
    FeeResponse,
    FieldCount,
    ProcedureDetail,
    ProcedurePage,
    ProcedureSummary,
)

router = APIRouter(prefix="/api", tags=["procedures"])


def _summary(p: Procedure, score: float | None = None, matched: str | None = None) -> ProcedureSummary:
    return ProcedureSummary(
        code=p.code, name=p.name, field=p.field, popularity=p.popularity, score=score, matched=matched
    )


def _get(catalogue, code: str) -> Procedure:
    procedure = catalogue.get(code)
    if procedure is None:
        raise ApiError(404, "not_found", f"Không tìm thấy thủ tục có mã {code}.")
    return procedure


@router.get("/procedures", response_model=ProcedurePage, responses=error_responses(422))
def list_procedures(
    catalogue: CatalogueDep,
    q: Annotated[str | None, Query(max_length=300, description="Free-text question, accents optional")] = None,
    field: Annotated[str | None, Query(max_length=200, description="Only this field (lĩnh vực)")] = None,
    page: PageNumber = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> ProcedurePage:
    """With `q`: procedures ranked by relevance (score and matched name). Without: the catalogue by field."""
    start = (page - 1) * page_size
    if q and q.strip():
        hits = catalogue.search(q.strip(), limit=max(len(catalogue), 1), field=field)
        items = [_summary(h.procedure, round(h.score, 4), h.matched) for h in hits[start : start + page_size]]
        return ProcedurePage(total=len(hits), page=page, page_size=page_size, items=items)
    procedures = [p for p in catalogue.procedures if not field or p.field.casefold() == field.casefold()]
    procedures.sort(key=lambda p: (p.field, -p.popularity, p.name))
    items = [_summary(p) for p in procedures[start : start + page_size]]
    return ProcedurePage(total=len(procedures), page=page, page_size=page_size, items=items)


@router.get("/fields", response_model=list[FieldCount])
def list_fields(catalogue: CatalogueDep) -> list[FieldCount]:
    """Every field (lĩnh vực) with its number of procedures."""
    counts = Counter(p.field for p in catalogue.procedures)
    return [FieldCount(name=name, count=counts[name]) for name in catalogue.fields]


@router.get("/procedures/{code}", response_model=ProcedureDetail, responses=error_responses(404))
def get_procedure(code: str, catalogue: CatalogueDep) -> ProcedureDetail:
    """Full record plus Vietnamese wording of each channel's time limit and fee (province fees applied)."""
    procedure = _get(catalogue, code)
    channels = [
        ChannelText(
            kind=ch.kind,
            label=ch.kind.label,
            time_limit=describe_time_limit(ch.time_limit),
            fee=describe_rule(ch.fee, catalogue.province_fees),
            note=ch.note,
        )
        for ch in procedure.channels
    ]
    province = catalogue.province.name if catalogue.province else None
    notices = [caveats.caveat(procedure), caveats.province_caveat(procedure, catalogue.province_fees)]
    return ProcedureDetail(
        procedure=procedure,
        channels=channels,
        province=province,
        notice=" ".join(n for n in notices if n) or None,
        offered=catalogue.offers(procedure),
    )


@router.get("/procedures/{code}/fee", response_model=FeeResponse, responses=error_responses(404, 422))
def get_fee(
    code: str,
    catalogue: CatalogueDep,
    pages: Annotated[int | None, Query(ge=1, le=10_000, description="Pages of the original (per-page fees)")] = None,
    copies: Annotated[int, Query(ge=1, le=1_000, description="Copies requested")] = 1,
    quantity: Annotated[int, Query(ge=1, le=1_000, description="Cases, documents or transactions")] = 1,
    channel: Annotated[ChannelKind | None, Query(description="Default: in person")] = None,
) -> FeeResponse:
    """Compute the fee for concrete inputs, with a Vietnamese explanation."""
    procedure = _get(catalogue, code)
    try:
        ch = pick_channel(procedure, channel)
    except ChannelNotOffered as exc:
        raise ApiError(422, "channel_not_offered", str(exc)) from None
    try:
        quote = catalogue.fee(procedure, ch.kind, pages=pages, copies=copies, quantity=quantity)
    except FeeInputError as exc:
        raise ApiError(422, "bad_fee_input", str(exc)) from None
    return FeeResponse(
        code=procedure.code,
        channel=ch.kind,
        amount=quote.amount,
        formatted=quote.formatted,
        explanation=quote.explanation,
        lines=quote.lines,
        exempt=quote.exempt,
    )


@router.get("/procedures/{code}/appointment", response_model=AppointmentResponse, responses=error_responses(404, 422))
def get_appointment(
    code: str,
    catalogue: CatalogueDep,
    calendar: CalendarDep,
    now: NowDep,
    received: Annotated[
        datetime | None,
        Query(description="When the complete file is handed in (ISO; no zone: the commune's time). Default: now"),
    ] = None,
    channel: Annotated[ChannelKind | None, Query(description="Default: in person")] = None,
) -> AppointmentResponse:
    """ "If I hand it in then, when is it ready?": the appointment date on the working-day calendar (weekends, Tết and
    the other days off, the 15:00 rule, a file received on a day off counted from the next working day), with a
    Vietnamese explanation for the citizen."""
    procedure = _get(catalogue, code)
    received_at = now if received is None else received if received.tzinfo else received.replace(tzinfo=VN_TZ)
    if not MIN_YEAR <= received_at.astimezone(VN_TZ).year <= MAX_YEAR - 1:
        raise ApiError(422, "bad_received", f"Ngày nộp hồ sơ phải trong khoảng năm {MIN_YEAR}–{MAX_YEAR - 1}.")
    try:
        planned = plan_for(procedure, received_at, calendar, kind=channel, now=now)
    except ChannelNotOffered as exc:
        raise ApiError(422, "channel_not_offered", str(exc)) from None
    except NoTimeLimit:
        raise ApiError(422, "no_time_limit", UNKNOWN_TIME + ".") from None
    plan = planned.plan
    return AppointmentResponse(
        code=procedure.code,
        channel=planned.channel.kind,
        time_limit=describe_time_limit(planned.channel.time_limit),
        received_at=plan.received_at,
        counted_from=plan.counted_from,
        appointment_date=plan.date,
        latest_date=plan.latest,
        breaks=[BreakOut(first=b.first, last=b.last, name=b.name, text=describe_break(b)) for b in plan.breaks],
        explanation=planned.text,
    )
