"""What the Biểu 5a and Biểu 6a reports hold: plain values, built by services.reports from its SQL sums and turned
into JSON, spreadsheets and pages by the schemas, the exports and the staff dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..report_rules import ReportRules
from . import bieu6a as b6
from .periods import Period
from .scoring import AgencyValue, Score


@dataclass(frozen=True)
class AgencyFacts:
    """The register figures behind the computed agency indicators."""

    petitions_due: int
    petitions_on_time: int
    petitions_pending: int
    dossiers_received: int
    dossiers_online: int
    dossiers_online_late: int


@dataclass(frozen=True)
class Bieu5aGroup:
    """One row of a breakdown: `key` is the field / officer as stored (None when unset or no dossier)."""

    key: str | None
    label: str
    score: Score


@dataclass(frozen=True)
class Bieu5aReport:
    period: Period
    rules: ReportRules
    total: Score
    agency: dict[int, AgencyValue]
    facts: AgencyFacts
    breakdown: str | None = None
    groups: list[Bieu5aGroup] = field(default_factory=list)


@dataclass(frozen=True)
class Bieu6aGroup:
    key: str | None
    label: str
    counts: b6.Counts


@dataclass(frozen=True)
class Bieu6aReport:
    period: Period
    total: b6.Counts
    breakdown: str | None = None
    groups: list[Bieu6aGroup] = field(default_factory=list)
