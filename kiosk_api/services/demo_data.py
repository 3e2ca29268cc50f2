"""A realistic demo commune: dossiers over the last two quarters, ratings, petitions and a demo officer.

`generate` is pure and deterministic for a given seed, reference date and catalogue. Dates follow each
procedure's time limit on the working-day calendar (weekends, public holidays including Tết, days swapped by
the yearly decisions), so Biểu 6a sees early, on-time and late results, in-progress files and a few overdue ones.
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from procedures_kb.catalogue import Catalogue
from procedures_kb.schema import ChannelKind, EntryStatus, Procedure, TimeUnit
from procedures_kb.timelimits import appointment_date
from procedures_kb.workdays import WorkingCalendar

from ..clock import VN_TZ
from ..domain.channels import DossierChannel, from_catalogue_kind
from ..domain.status import DossierStatus
from ..models import Dossier, DossierStatusHistory, Petition, Rating
from ..security import phone_hash, phone_last4_hash
from . import audit
from . import staff as staff_service
from .demo_names import (
    FAMILY_NAMES,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    MALE_GIVEN,
    MALE_MIDDLE,
    MOBILE_PREFIXES,
    PETITION_TEXTS,
)

DEMO_UNIT = "000.00.99.H99"  # unit code prefix of every demo dossier code
DEMO_STAFF_USERNAME = "canbo"
DEMO_STAFF_FULL_NAME = "Cán bộ Một cửa (demo)"
DEMO_ACTOR = "demo-data"


def period_start(today: date) -> date:
    """First day of the previous quarter: the demo covers the previous and the current quarter."""
    quarter_first_month = 3 * ((today.month - 1) // 3) + 1
    current = date(today.year, quarter_first_month, 1)
    previous = current - timedelta(days=1)
    return date(previous.year, 3 * ((previous.month - 1) // 3) + 1, 1)


@dataclass(frozen=True)
class DemoRating:
    channel: str
    i3: int
    i4: int
    i6: int
    i7: int
    satisfaction: str
    created_at: datetime


@dataclass(frozen=True)
class DemoDossier:
    code: str
    procedure: Procedure
    applicant_name: str
    phone: str
    channel: DossierChannel
    received_at: datetime  # local time (UTC+7)
    appointment_date: date
    result_date: date | None
    returned_date: date | None
    status: DossierStatus
    history: tuple[tuple[DossierStatus | None, DossierStatus, date], ...]
    rating: DemoRating | None = None


@dataclass
class DemoData:
    dossiers: list[DemoDossier] = field(default_factory=list)
    petitions: list[dict] = field(default_factory=list)


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights, k=1)[0]


def _name(rng: random.Random) -> str:
    family = _weighted(rng, FAMILY_NAMES)
    if rng.random() < 0.5:
        return f"{family} {rng.choice(MALE_MIDDLE)} {rng.choice(MALE_GIVEN)}"
    return f"{family} {rng.choice(FEMALE_MIDDLE)} {rng.choice(FEMALE_GIVEN)}"


def _phone(rng: random.Random) -> str:
    return "0" + rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(7))


def _working_days(start: date, end: date, calendar: WorkingCalendar) -> list[date]:
    days, day = [], start
    while day <= end:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _channel(rng: random.Random, procedure: Procedure) -> tuple[DossierChannel, ChannelKind]:
    kinds = [c.kind for c in procedure.channels]
    weights = [{ChannelKind.IN_PERSON: 75, ChannelKind.POST: 5}.get(k, 20) for k in kinds]
    kind = rng.choices(kinds, weights=weights, k=1)[0]
    return from_catalogue_kind(kind), kind


def _between(rng: random.Random, start: date, end: date, calendar: WorkingCalendar) -> date:
    days = _working_days(start, end, calendar) or [start]
    return rng.choice(days)


def _filed_here(procedure: Procedure) -> bool:
    """A procedure whose files the commune desk receives, with a time limit to date them by."""
    return procedure.status is not EntryStatus.REFERRAL and all(
        ch.time_limit.unit is not TimeUnit.UNKNOWN and ch.time_limit.max_unit is not TimeUnit.UNKNOWN
        for ch in procedure.channels
    )


def generate(catalogue: Catalogue, *, seed: int, count: int, today: date, calendar: WorkingCalendar) -> DemoData:
    """Deterministic demo dossiers (and ratings, petitions) received between period_start(today) and today."""
    rng = random.Random(seed)
    procedures = sorted((p for p in catalogue.offered_procedures if _filed_here(p)), key=lambda p: p.code)
    weights = [max(p.popularity, 1) for p in procedures]
    first = period_start(today)
    working = _working_days(first, today, calendar)
    if not procedures or not working:
        return DemoData()

    drafts = []
    for _ in range(count):
        procedure = rng.choices(procedures, weights=weights, k=1)[0]
        received_day = rng.choice(working)
        minutes = rng.randrange(7 * 60 + 30, 16 * 60 + 45)
        received_at = datetime.combine(received_day, time(minutes // 60, minutes % 60), VN_TZ)
        drafts.append((received_at, procedure))
    drafts.sort(key=lambda d: (d[0], d[1].code))

    per_day: dict[date, int] = defaultdict(int)
    data = DemoData()
    for received_at, procedure in drafts:
        received = received_at.date()
        per_day[received] += 1
        code = f"{DEMO_UNIT}-{received:%y%m%d}-{per_day[received]:04d}"
        channel, kind = _channel(rng, procedure)
        limit = procedure.channel(kind).time_limit  # type: ignore[union-attr]
        due = appointment_date(limit, received_at, calendar)
        data.dossiers.append(_lifecycle(rng, code, procedure, channel, received_at, due, today, calendar))

    n_petitions = max(2, count // 60)
    for i in range(n_petitions):
        petition_kind, content = PETITION_TEXTS[i % len(PETITION_TEXTS)]
        received_day = rng.choice(working)
        deadline = calendar.add_working_days(received_day, 10)
        answered = deadline < today or rng.random() < 0.4
        answer_day = _between(rng, received_day, min(deadline, today), calendar) if answered else None
        data.petitions.append(
            {
                "kind": petition_kind,
                "content": content,
                "received_at": datetime.combine(received_day, time(9, 0), VN_TZ),
                "deadline": deadline,
                "status": ("da_dong" if rng.random() < 0.6 else "da_tra_loi") if answered else "dang_xu_ly",
                "answer": "Bộ phận Một cửa đã tiếp thu và khắc phục." if answered else None,
                "answered_at": datetime.combine(answer_day, time(15, 0), VN_TZ) if answer_day else None,
            }
        )
    return data


def _lifecycle(
    rng: random.Random,
    code: str,
    procedure: Procedure,
    channel: DossierChannel,
    received_at: datetime,
    due: date,
    today: date,
    calendar: WorkingCalendar,
) -> DemoDossier:
    received = received_at.date()
    history: list[tuple[DossierStatus | None, DossierStatus, date]] = [(None, DossierStatus.RECEIVED, received)]
    result_day: date | None = None
    returned_day: date | None = None
    roll = rng.random()

    def make(status: DossierStatus, rating: DemoRating | None = None) -> DemoDossier:
        return DemoDossier(
            code=code,
            procedure=procedure,
            applicant_name=_name(rng),
            phone=_phone(rng),
            channel=channel,
            received_at=received_at,
            appointment_date=due,
            result_date=result_day,
            returned_date=returned_day,
            status=status,
            history=tuple(history),
            rating=rating,
        )

    if roll < 0.02:  # withdrawn by the citizen
        history.append((DossierStatus.RECEIVED, DossierStatus.WITHDRAWN, min(due, today)))
        return make(DossierStatus.WITHDRAWN)
    if roll < 0.05:  # refused, with a written reason: counts as resolved on time
        result_day = returned_day = _between(rng, received, min(due, today), calendar)
        history.append((DossierStatus.RECEIVED, DossierStatus.REFUSED, result_day))
        return make(DossierStatus.REFUSED)

    # When would the result be ready? Mostly on the due day or earlier, sometimes late.
    outcome = rng.random()
    if outcome < 0.07:
        ready = calendar.add_working_days(due, rng.randint(1, 5))
    elif outcome < 0.45 and due > received:
        ready = _between(rng, received, due - timedelta(days=1), calendar)
    else:
        ready = due
    if received < due and rng.random() < 0.03 and due < today:
        # Stuck: never handled in time and still open today (overdue).
        history.append((DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, received))
        return make(DossierStatus.IN_PROGRESS)
    if rng.random() < 0.03 and received < today:
        history.append((DossierStatus.RECEIVED, DossierStatus.WAITING_SUPPLEMENT, received))
        return make(DossierStatus.WAITING_SUPPLEMENT)
    if ready > today:
        if ready > received and received < today:
            history.append((DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, received))
            return make(DossierStatus.IN_PROGRESS)
        return make(DossierStatus.RECEIVED)

    result_day = ready
    if ready > received:
        history.append((DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, received))
        history.append((DossierStatus.IN_PROGRESS, DossierStatus.RESULT_READY, ready))
    else:
        history.append((DossierStatus.RECEIVED, DossierStatus.RESULT_READY, ready))
    pickup = ready if rng.random() < 0.6 else calendar.add_working_days(ready, rng.randint(1, 4))
    if pickup > today or rng.random() < 0.05:
        return make(DossierStatus.RESULT_READY)
    returned_day = pickup
    history.append((DossierStatus.RESULT_READY, DossierStatus.RETURNED, pickup))
    rating = None
    if rng.random() < 0.6:
        early, late = ready < due, ready > due
        rating = DemoRating(
            channel=rng.choice(["qr", "kiosk", "kiosk"]),
            i3=_weighted(rng, [(2, 85), (1, 12), (0, 3)]),
            i4=_weighted(rng, [(2, 88), (1, 10), (0, 2)]),
            i6=_weighted(rng, [(2, 80), (1, 18), (0, 2)]),
            i7=0 if late and rng.random() < 0.2 else (2 if early else 1),
            satisfaction=_weighted(
                rng,
                [
                    ("rat_hai_long", 10 if late else 72),
                    ("hai_long", 24),
                    ("binh_thuong", 4 if not late else 40),
                    ("khong_hai_long", 1 if not late else 20),
                ],
            ),
            created_at=datetime.combine(pickup, time(rng.randint(8, 16), rng.randrange(60)), VN_TZ),
        )
    return make(DossierStatus.RETURNED, rating)


@dataclass(frozen=True)
class DemoReport:
    created: bool
    dossiers: int
    ratings: int
    petitions: int
    existing: int = 0
    staff_username: str | None = None
    staff_password: str | None = None  # only when the demo officer was created now


def _utc(day: date, at: time = time(9, 0)) -> datetime:
    return datetime.combine(day, at, VN_TZ).astimezone(UTC)


def load(
    session: Session,
    catalogue: Catalogue,
    *,
    secret: bytes,
    seed: int = 42,
    count: int = 400,
    today: date,
    calendar: WorkingCalendar,
) -> DemoReport:
    """Write the demo data, unless demo dossiers already exist (then nothing is written)."""
    existing = session.scalar(select(func.count()).select_from(Dossier).where(Dossier.code.like(f"{DEMO_UNIT}-%"))) or 0
    password = None
    if staff_service.get_user(session, DEMO_STAFF_USERNAME) is None:
        password = secrets.token_urlsafe(9)
        staff_service.create_user(
            session, DEMO_STAFF_USERNAME, password, full_name=DEMO_STAFF_FULL_NAME, actor=DEMO_ACTOR
        )
    if existing:
        return DemoReport(
            created=False,
            dossiers=0,
            ratings=0,
            petitions=0,
            existing=existing,
            staff_username=DEMO_STAFF_USERNAME,
            staff_password=password,
        )

    data = generate(catalogue, seed=seed, count=count, today=today, calendar=calendar)
    try:
        rows: list[tuple[Dossier, DemoRating | None]] = []
        for d in data.dossiers:
            received_utc = d.received_at.astimezone(UTC)
            dossier = Dossier(
                code=d.code,
                procedure_code=d.procedure.national_code,
                field=d.procedure.field,
                applicant_name=d.applicant_name,
                phone_hash=phone_hash(secret, d.phone),
                phone_last4_hash=phone_last4_hash(secret, d.code, d.phone[-4:]),
                channel=d.channel.value,
                received_date=d.received_at.date(),
                appointment_date=d.appointment_date,
                result_date=d.result_date,
                returned_date=d.returned_date,
                status=d.status.value,
                officer=DEMO_STAFF_USERNAME if d.status is not DossierStatus.RECEIVED else None,
                created_at=received_utc,
                updated_at=_utc(d.history[-1][2], time(16, 0)) if len(d.history) > 1 else received_utc,
            )
            for from_status, to_status, day in d.history:
                dossier.history.append(
                    DossierStatusHistory(
                        from_status=from_status.value if from_status else None,
                        to_status=to_status.value,
                        changed_at=received_utc if from_status is None else _utc(day, time(16, 0)),
                        changed_by=DEMO_ACTOR if from_status is None else DEMO_STAFF_USERNAME,
                    )
                )
            session.add(dossier)
            rows.append((dossier, d.rating))
        session.flush()  # assigns dossier ids
        ratings = 0
        for dossier, r in rows:
            if r is None:
                continue
            session.add(
                Rating(
                    dossier_id=dossier.id,
                    channel=r.channel,
                    idempotency_key=f"demo-{dossier.code}",
                    i3=r.i3,
                    i4=r.i4,
                    i6=r.i6,
                    i7=r.i7,
                    satisfaction=r.satisfaction,
                    created_at=r.created_at.astimezone(UTC),
                )
            )
            ratings += 1
        for f in data.petitions:
            session.add(
                Petition(
                    kind=f["kind"],
                    content=f["content"],
                    status=f["status"],
                    answer=f["answer"],
                    received_at=f["received_at"].astimezone(UTC),
                    deadline=f["deadline"],
                    answered_at=f["answered_at"].astimezone(UTC) if f["answered_at"] else None,
                    closed_at=f["answered_at"].astimezone(UTC) if f["status"] == "da_dong" else None,
                    assigned_to=DEMO_STAFF_USERNAME,
                )
            )
        audit.record(
            session,
            DEMO_ACTOR,
            "demo.load",
            details={
                "seed": seed,
                "dossiers": len(data.dossiers),
                "ratings": ratings,
                "petitions": len(data.petitions),
            },
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    return DemoReport(
        created=True,
        dossiers=len(data.dossiers),
        ratings=ratings,
        petitions=len(data.petitions),
        staff_username=DEMO_STAFF_USERNAME,
        staff_password=password,
    )
