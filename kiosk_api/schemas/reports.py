"""Biểu 5a / Biểu 6a reports and the agency indicators staff enter (JSON shapes)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from ..domain import bieu6a as b6
from ..domain.periods import Period, PeriodError, resolve_period
from ..domain.report_results import Bieu5aReport, Bieu6aReport
from ..domain.scoring import Score, round_half_up

Source = Literal["ballots", "entered", "computed", "default", "missing"]


class PeriodOut(BaseModel):
    start: date = Field(serialization_alias="from")
    end: date = Field(serialization_alias="to")
    key: str = Field(description='"2026-Q3", "2026-07", "2026", or "2026-07-01_2026-08-15" for another range')
    label: str = Field(examples=["Quý III/2026"])

    @classmethod
    def of(cls, period: Period) -> PeriodOut:
        return cls(start=period.start, end=period.end, key=period.key, label=period.label)


class IndicatorOut(BaseModel):
    id: int
    name: str
    average: float | None = Field(description="Average points, one decimal (None: no data)")
    max_points: int
    source: Source = Field(
        description="ballots: averaged over ballots; entered: by staff for this period; computed: from the "
        "registers; default: the rule set's default; missing: no value"
    )
    ballots: int | None = Field(default=None, description="Ballots that had a value (per-ballot indicators)")
    note: str | None = None


class LevelOut(BaseModel):
    label: str
    codes: list[str]
    count: int
    percent: float | None = Field(description="count / total_ballots × 100, one decimal")


class ScoreOut(BaseModel):
    total_ballots: int
    indicators: dict[str, float | None] = Field(description="indicator id → average, one decimal")
    score: float = Field(description="Sum of the rounded averages")
    max_score: int
    classification: str
    complete: bool = Field(description="False when an indicator has no value (it then adds nothing)")
    missing_indicators: list[int]
    satisfaction: list[LevelOut]

    @classmethod
    def of(cls, score: Score) -> ScoreOut:
        return cls(
            total_ballots=score.total_ballots,
            indicators={str(i.id): _f(i.average) for i in score.indicators},
            score=float(score.score),
            max_score=score.max_score,
            classification=score.classification,
            complete=score.complete,
            missing_indicators=score.missing,
            satisfaction=[
                LevelOut(label=lv.label, codes=list(lv.codes), count=lv.count, percent=_f(lv.percent))
                for lv in score.levels
            ],
        )


def _f(value) -> float | None:
    return None if value is None else float(value)


class GroupScoreOut(ScoreOut):
    key: str | None = Field(description="The field / officer as stored (None: not set, or ballots without dossier)")
    label: str


class AgencyFactsOut(BaseModel):
    petitions_due: int
    petitions_on_time: int
    petitions_pending: int
    dossiers_received: int
    dossiers_online: int
    dossiers_online_late: int


class Bieu5aOut(ScoreOut):
    unit: str
    period: PeriodOut
    rules: str
    indicator_details: list[IndicatorOut]
    agency_facts: AgencyFactsOut
    breakdown: Literal["field", "officer", "unit"] | None = None
    groups: list[GroupScoreOut] = Field(default_factory=list)

    @classmethod
    def from_report(cls, report: Bieu5aReport, unit: str) -> Bieu5aOut:
        total = ScoreOut.of(report.total)
        return cls(
            **total.model_dump(),
            unit=unit,
            period=PeriodOut.of(report.period),
            rules=report.rules.name,
            indicator_details=[
                IndicatorOut(
                    id=i.id,
                    name=i.name,
                    average=_f(i.average),
                    max_points=i.max_points,
                    source=i.source,
                    ballots=i.ballots,
                    note=i.note,
                )
                for i in report.total.indicators
            ],
            agency_facts=AgencyFactsOut(**vars(report.facts)),
            breakdown=report.breakdown,  # type: ignore[arg-type]
            groups=[
                GroupScoreOut(key=g.key, label=g.label, **ScoreOut.of(g.score).model_dump()) for g in report.groups
            ],
        )


class ReceivedOut(BaseModel):
    total: int
    online: int = Field(description="Received in the period online (trực tuyến)")
    in_person_or_post: int = Field(description="Received in the period in person or by post")
    carried_over: int = Field(description="Received earlier, not resolved when the period began (từ kỳ trước)")


class ResolvedOut(BaseModel):
    total: int
    early: int
    on_time: int = Field(description="Includes refused (tu_choi) dossiers")
    late: int


class InProgressOut(BaseModel):
    total: int
    within: int = Field(description="Includes dossiers waiting for the citizen's papers (cho_bo_sung)")
    overdue: int = Field(description="Appointment date before the period's end (or today, for an unfinished period)")


class Bieu6aRowOut(BaseModel):
    received: ReceivedOut
    resolved: ResolvedOut
    in_progress: InProgressOut
    withdrawn: int = Field(description="Withdrawn dossiers received in the period: counted in no other column")
    on_time_percent: float | None = Field(description="(early + on time) / resolved × 100, one decimal")

    @classmethod
    def of(cls, c: b6.Counts) -> Bieu6aRowOut:
        pct = c.percent_on_time()
        return cls(
            received=ReceivedOut(
                total=c.received, online=c.online, in_person_or_post=c.offline, carried_over=c.carried_over
            ),
            resolved=ResolvedOut(
                total=c.resolved, early=c.resolved_early, on_time=c.resolved_on_time, late=c.resolved_late
            ),
            in_progress=InProgressOut(total=c.in_progress, within=c.in_progress_within, overdue=c.in_progress_overdue),
            withdrawn=c.withdrawn,
            on_time_percent=None if pct is None else float(round_half_up(pct, 1)),
        )


class Bieu6aGroupOut(Bieu6aRowOut):
    key: str | None
    label: str


class Bieu6aOut(BaseModel):
    unit: str
    period: PeriodOut
    total: Bieu6aRowOut
    breakdown: Literal["field", "officer", "unit"] | None = None
    groups: list[Bieu6aGroupOut] = Field(default_factory=list)

    @classmethod
    def from_report(cls, report: Bieu6aReport, unit: str) -> Bieu6aOut:
        return cls(
            unit=unit,
            period=PeriodOut.of(report.period),
            total=Bieu6aRowOut.of(report.total),
            breakdown=report.breakdown,  # type: ignore[arg-type]
            groups=[
                Bieu6aGroupOut(key=g.key, label=g.label, **Bieu6aRowOut.of(g.counts).model_dump())
                for g in report.groups
            ],
        )


Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
PeriodKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=10)]


class AgencyIndicatorIn(BaseModel):
    """Give the period as `period` ("2026-Q3", "2026-07", "2026") or as `from` and `to`."""

    period: PeriodKey | None = Field(default=None, examples=["2026-Q3"])
    start: date | None = Field(default=None, alias="from")
    end: date | None = Field(default=None, alias="to")
    indicator: int = Field(ge=1, le=50, examples=[5])
    value: float | None = Field(ge=0, le=10, description="Points for the period; null removes the entry")
    note: Note | None = None

    model_config = {"populate_by_name": True}

    @model_validator(mode="after")
    def _one_period(self) -> AgencyIndicatorIn:
        self.resolved_period()
        return self

    def resolved_period(self) -> Period:
        try:
            if self.period is not None:
                if self.start is not None or self.end is not None:
                    raise PeriodError("give either period or from and to, not both")
                return Period.parse(self.period)
            return resolve_period(start=self.start, end=self.end)
        except PeriodError as exc:
            raise ValueError(str(exc)) from None


class AgencyIndicatorOut(BaseModel):
    period: PeriodOut
    indicator: int
    name: str | None
    value: float | None
    note: str | None
    entered_by: str | None
    entered_at: datetime | None
    unit: str = Field(description="The unit (commune code) the value was entered for")
