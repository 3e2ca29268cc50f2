"""The shape of a Biểu 5a rule set (pydantic models): indicators, options, points, bands and satisfaction levels,
with the checks a rule file must pass."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from motcua.vocabulary import Satisfaction, values
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

BALLOT_CODES = tuple(values(Satisfaction))
BALLOT_COLUMNS = ("i3", "i4", "i6", "i7")
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class RuleFileError(ValueError):
    """A rule file that cannot be read or does not validate; `problems` lists each problem."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = str(path)
        self.problems = problems
        super().__init__(f"invalid report rules {self.path}: " + "; ".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    points: int = Field(ge=0, le=10)
    label: Label


class IndicatorRule(_Strict):
    """One indicator (chỉ số). `source` says where its value comes from:

    - `dossier_time`: per ballot, from the rated dossier's dates (early / on time / late);
    - `same_as`: per ballot, the value of indicator `same_as` (indicator 2 = indicator 1 for a single agency);
    - `ballot`: per ballot, the stored answer in `column` (i3, i4, i6, i7);
    - `agency`: one value per period for the whole commune: entered by staff, else computed by `agency_rule`
      (`petitions_on_time`, `online_services`) or, for `fixed`, the `default`.
    """

    id: int = Field(ge=1, le=50)
    name: Label
    source: Literal["dossier_time", "same_as", "ballot", "agency"]
    column: Literal["i3", "i4", "i6", "i7"] | None = None
    same_as: int | None = None
    agency_rule: Literal["fixed", "petitions_on_time", "online_services"] | None = None
    default: float | None = None
    params: dict[str, float] = Field(default_factory=dict)
    options: list[Option] = Field(min_length=2)

    @property
    def max_points(self) -> int:
        return max(o.points for o in self.options)

    @property
    def points(self) -> list[int]:
        return sorted({o.points for o in self.options}, reverse=True)

    @model_validator(mode="after")
    def _check_source(self) -> IndicatorRule:
        if self.source == "ballot" and self.column is None:
            raise ValueError("a ballot indicator needs `column` (one of i3, i4, i6, i7)")
        if self.source != "ballot" and self.column is not None:
            raise ValueError("`column` is only for source: ballot")
        if self.source == "same_as" and self.same_as is None:
            raise ValueError("source: same_as needs `same_as` (the id of another indicator)")
        if self.source == "agency" and self.agency_rule is None:
            raise ValueError("an agency indicator needs `agency_rule` (fixed, petitions_on_time, online_services)")
        if self.source != "agency" and (self.agency_rule is not None or self.default is not None):
            raise ValueError("`agency_rule` and `default` are only for source: agency")
        if self.default is not None and not 0 <= self.default <= self.max_points:
            raise ValueError(f"default {self.default} is outside 0..{self.max_points}")
        if self.source in ("dossier_time", "same_as", "ballot") and self.points != [2, 1, 0][: len(self.points)]:
            raise ValueError("per-ballot indicators score 2 / 1 / 0 points (the stored answers are 0..2)")
        needs = {"petitions_on_time": ("full_percent", "partial_percent"), "online_services": ("full_percent",)}
        for key in needs.get(self.agency_rule or "", ()):
            if key not in self.params:
                raise ValueError(f"agency_rule {self.agency_rule} needs params.{key}")
        for key, value in self.params.items():
            if key.endswith("_percent") and not 0 <= value <= 100:
                raise ValueError(f"params.{key} = {value} is outside 0..100")
        return self


class Band(_Strict):
    label: Label
    min: float = Field(ge=0)


class SatisfactionLevel(_Strict):
    label: Label
    codes: list[Satisfaction] = Field(min_length=1)


class ReportRules(_Strict):
    name: Label
    decimals: int = Field(default=1, ge=0, le=3)
    indicators: list[IndicatorRule] = Field(min_length=1)
    classification: list[Band] = Field(min_length=1)
    satisfaction_levels: list[SatisfactionLevel] = Field(min_length=2)

    @property
    def max_score(self) -> int:
        return sum(i.max_points for i in self.indicators)

    def indicator(self, indicator_id: int) -> IndicatorRule:
        for rule in self.indicators:
            if rule.id == indicator_id:
                return rule
        raise KeyError(indicator_id)

    @property
    def agency_indicator_ids(self) -> list[int]:
        return [i.id for i in self.indicators if i.source == "agency"]

    @model_validator(mode="after")
    def _check_whole(self) -> ReportRules:
        ids = [i.id for i in self.indicators]
        if len(set(ids)) != len(ids):
            raise ValueError(f"indicator ids must be unique (got {ids})")
        by_id = {i.id: i for i in self.indicators}
        for rule in self.indicators:
            if rule.source == "same_as":
                target = by_id.get(rule.same_as)  # type: ignore[arg-type]
                if target is None or target.source == "same_as" or target.source == "agency":
                    raise ValueError(f"indicator {rule.id}: same_as must name a per-ballot indicator that exists")
        columns = [i.column for i in self.indicators if i.column]
        if len(set(columns)) != len(columns):
            raise ValueError("each ballot column (i3, i4, i6, i7) may feed one indicator only")
        mins = [b.min for b in self.classification]
        if any(a <= b for a, b in zip(mins, mins[1:], strict=False)):
            raise ValueError("classification bands must be listed from the highest minimum down, each lower")
        if mins[-1] != 0:
            raise ValueError("the last classification band must start at 0 so that every score is classified")
        if mins[0] > self.max_score:
            raise ValueError(f"the first band's minimum {mins[0]} is above the maximum score {self.max_score}")
        codes = [c for level in self.satisfaction_levels for c in level.codes]
        missing = sorted(set(BALLOT_CODES) - set(codes))
        if missing or len(codes) != len(set(codes)):
            raise ValueError(
                "satisfaction_levels must list every ballot code exactly once "
                f"({', '.join(BALLOT_CODES)}); missing: {', '.join(missing) or 'none'}"
            )
        return self
