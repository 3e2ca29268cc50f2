"""Biểu 5a scoring: pure functions from aggregated ballot sums to indicator averages, score and classification.

Rules (the rule set itself is configuration, see kiosk_api.report_rules):

- Per-ballot indicators (1, 2, 3, 4, 6, 7 by default): the average over the period's ballots **that have a value**
  for that indicator, rounded half up to `rules.decimals` (one decimal). A ballot with no answer for an indicator
  (e.g. a counter ballot with no dossier has no indicator 1 or 2; a 3-question screen leaves i4 empty) is left out
  of that indicator's average rather than counted as 0, so missing data neither lowers nor raises the score.
- Indicator 1 for one ballot: the rated dossier's result date (or, without one, its returned date) compared with
  its appointment date: earlier 2, the same day 1, later 0; no date yet → no value. Indicator 2 (time taken by
  each agency involved) equals indicator 1: the commune is the only agency handling commune procedures.
- Agency indicators (5, 8, 9): one value per period; a value entered by staff wins, else the value computed from
  the registers (8: petitions, 9: dossiers), else the rule's default (5); the source is reported.
- Score = sum of the rounded averages (so 17,1 out of 18 in the worked example), classified by the first band
  whose minimum it reaches. An indicator with no value at all is reported as missing and adds nothing.
- Satisfaction: count per level (levels may merge stored codes) and percent = count / ballots × 100, half up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from ..report_rules import IndicatorRule, ReportRules

Source = Literal["ballots", "entered", "computed", "default", "missing"]


def round_half_up(value: Decimal | float | int, decimals: int = 1) -> Decimal:
    """Round as people do on paper (0,85 → 0,9), not banker's rounding; exact for Decimal input."""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def ratio(numerator: int, denominator: int, decimals: int = 1, *, scale: int = 1) -> Decimal | None:
    """numerator / denominator × scale, rounded half up; None when the denominator is 0."""
    if denominator <= 0:
        return None
    return round_half_up(Decimal(numerator) * scale / Decimal(denominator), decimals)


def dossier_time_points(appointment: date | None, result: date | None, returned: date | None = None) -> int | None:
    """Indicator 1 for one dossier: result (else returned) date before the appointment 2, on it 1, after 0."""
    done = result or returned
    if appointment is None or done is None:
        return None
    if done < appointment:
        return 2
    if done == appointment:
        return 1
    return 0


def petition_points(due: int, on_time: int, *, full_percent: float, partial_percent: float) -> int:
    """Indicator 8: no petition due, or ≥ full_percent (100 %) answered on time → 2; ≥ partial_percent (90 %) → 1;
    else 0. Compared exactly (no rounding), so 89,99 % is not 90 %."""
    if due < 0 or on_time < 0 or on_time > due:
        raise ValueError(f"bad counts: {on_time} on time of {due} due")
    if due == 0:
        return 2
    share = Decimal(on_time) * 100 / Decimal(due)
    if share >= Decimal(str(full_percent)):
        return 2
    if share >= Decimal(str(partial_percent)):
        return 1
    return 0


def online_points(
    received: int, online: int, online_late: int, *, full_percent: float, partial_percent: float = 0
) -> int:
    """Indicator 9 from the dossiers received in the period: online share ≥ full_percent and no online dossier late
    (resolved after its appointment date or still open past it at the period's end) → 2; some dossiers online and
    their share ≥ partial_percent → 1; no online dossier → 0."""
    if received <= 0 or online <= 0:
        return 0
    share = Decimal(online) * 100 / Decimal(received)
    if share >= Decimal(str(full_percent)) and online_late == 0:
        return 2
    if share >= Decimal(str(partial_percent)):
        return 1
    return 0


def classify(score: Decimal | float, rules: ReportRules) -> str:
    """The first band (highest first) whose minimum the score reaches."""
    value = Decimal(str(score))
    for band in rules.classification:
        if value >= Decimal(str(band.min)):
            return band.label
    return rules.classification[-1].label


@dataclass(frozen=True)
class SumCount:
    """Aggregated per-ballot values of one indicator: sum of points and number of ballots with a value."""

    total: int = 0
    count: int = 0


@dataclass(frozen=True)
class AgencyValue:
    """The value of an agency indicator for the period and where it came from; `note` explains it."""

    value: Decimal | None
    source: Source
    note: str | None = None


@dataclass(frozen=True)
class IndicatorScore:
    id: int
    name: str
    average: Decimal | None
    max_points: int
    source: Source
    ballots: int | None = None  # ballots that had a value (per-ballot indicators)
    note: str | None = None


@dataclass(frozen=True)
class LevelShare:
    label: str
    codes: tuple[str, ...]
    count: int
    percent: Decimal | None


@dataclass(frozen=True)
class Score:
    """The Biểu 5a figures of one group of ballots (the commune, or one field / officer)."""

    total_ballots: int
    indicators: list[IndicatorScore]
    score: Decimal
    max_score: int
    classification: str
    levels: list[LevelShare]
    missing: list[int] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing

    def indicator(self, indicator_id: int) -> IndicatorScore:
        return next(i for i in self.indicators if i.id == indicator_id)


def per_ballot_key(rule: IndicatorRule) -> str:
    """Which aggregated per-ballot value feeds this indicator: "time" or a ballot column (i3, …)."""
    if rule.source == "ballot":
        assert rule.column
        return rule.column
    return "time"


def score_ballots(
    *,
    total_ballots: int,
    sums: Mapping[str, SumCount],
    satisfaction: Mapping[str, int],
    agency: Mapping[int, AgencyValue],
    rules: ReportRules,
) -> Score:
    """Combine aggregated ballots (`sums` keyed "time", "i3", "i4", "i6", "i7"; `satisfaction` counts per stored
    code) and the period's agency values into averages, score, classification and satisfaction shares."""
    d = rules.decimals
    by_id = {r.id: r for r in rules.indicators}
    indicators: list[IndicatorScore] = []
    for rule in rules.indicators:
        if rule.source == "agency":
            value = agency.get(rule.id, AgencyValue(None, "missing"))
            average = round_half_up(value.value, d) if value.value is not None else None
            indicators.append(
                IndicatorScore(rule.id, rule.name, average, rule.max_points, value.source, None, value.note)
            )
            continue
        source_rule = by_id[rule.same_as] if rule.source == "same_as" else rule  # type: ignore[index]
        sc = sums.get(per_ballot_key(source_rule), SumCount())
        average = ratio(sc.total, sc.count, d)
        note = f"Bằng chỉ số {rule.same_as}" if rule.source == "same_as" else None
        indicators.append(
            IndicatorScore(
                rule.id,
                rule.name,
                average,
                rule.max_points,
                "ballots" if average is not None else "missing",
                sc.count,
                note,
            )
        )
    score = sum((i.average for i in indicators if i.average is not None), Decimal(0))
    score = round_half_up(score, d)
    levels = []
    for level in rules.satisfaction_levels:
        count = sum(int(satisfaction.get(code, 0)) for code in level.codes)
        levels.append(LevelShare(level.label, tuple(level.codes), count, ratio(count, total_ballots, d, scale=100)))
    return Score(
        total_ballots=total_ballots,
        indicators=indicators,
        score=score,
        max_score=rules.max_score,
        classification=classify(score, rules),
        levels=levels,
        missing=[i.id for i in indicators if i.average is None],
    )


def ranks(values: Sequence[float | None]) -> list[int | None]:
    """Each value's rank, the highest first, ties sharing a rank and the next rank skipped (1, 1, 3: the way a
    league table counts); a missing value has no rank."""
    present = sorted((v for v in values if v is not None), reverse=True)
    first: dict[float, int] = {}
    for position, value in enumerate(present, start=1):
        first.setdefault(value, position)
    return [first[v] if v is not None else None for v in values]
