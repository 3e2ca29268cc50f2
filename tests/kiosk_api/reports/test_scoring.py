"""Biểu 5a scoring rules (pure), the rule file loader and report periods, including the domain notes' worked
example built from 227 individual ballots (score 17,1, Xuất sắc; 0,9 % / 23,3 % / 75,8 %)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from kiosk_api.domain.periods import Period, PeriodError, resolve_period
from kiosk_api.domain.scoring import (
    AgencyValue,
    SumCount,
    classify,
    dossier_time_points,
    online_points,
    petition_points,
    round_half_up,
    score_ballots,
)
from kiosk_api.report_rules import DEFAULT_RULES_FILE, RuleFileError, load_rules, parse_rules

RULES = load_rules()


# ---- the worked example, ballot by ballot ---------------------------------------------------------------------


@dataclass(frozen=True)
class ExampleBallot:
    """One ballot of the worked example. `time` is the dossier's outcome (None: a counter ballot, no dossier)."""

    satisfaction: str
    time: int | None  # 2 early, 1 on time (0 late never occurs here)
    i3: int
    i4: int | None
    i6: int
    i7: int


def worked_example_ballots() -> list[ExampleBallot]:
    """227 ballots: 200 about a dossier (180 resolved early, 20 on time) and 27 at the counter without one.

    Chosen so that the rounded averages are 1: 1,9; 2: 1,9; 3: 2,0; 4: 2,0; 6: 1,7; 7: 1,6 — with the agency
    indicators 5, 8 and 9 at 2 each the score is 11,1 + 6 = 17,1 — and satisfaction 172 / 53 / 2.
    """
    n = 227
    satisfaction = ["rat_hai_long"] * 172 + ["hai_long"] * 53 + ["binh_thuong"] * 2
    # Spread the answers so that no two indicators line up ballot by ballot.
    time = [2 if k % 10 else 1 for k in range(200)] + [None] * 27  # 180 × 2 + 20 × 1 over 200 → 1,9
    i3 = [1 if k % 45 == 7 else 2 for k in range(n)]  # 5 × 1, 222 × 2 → 449/227 = 1,978 → 2,0
    i4: list[int | None] = [2] * n
    i4[226] = None  # one ballot left question 4 unanswered → 2,0 over 226
    i6 = [1 if k % 10 in (1, 4, 8) else 2 for k in range(n)]  # 68 × 1, 159 × 2 → 386/227 = 1,700 → 1,7
    i7 = [1 if (k * 7) % 5 in (0, 3) else 2 for k in range(n)]  # 91 × 1, 136 × 2 → 363/227 = 1,599 → 1,6
    assert Counter(i6)[1] == 68 and Counter(i7)[1] == 91 and Counter(time)[1] == 20
    return [ExampleBallot(satisfaction[k], time[k], i3[k], i4[k], i6[k], i7[k]) for k in range(n)]


def aggregate(ballots: list[ExampleBallot]) -> tuple[dict[str, SumCount], dict[str, int]]:
    """What the SQL query computes: per indicator the sum and count of non-missing values, per level a count."""
    sums = {}
    for key in ("time", "i3", "i4", "i6", "i7"):
        values = [getattr(b, key) for b in ballots if getattr(b, key) is not None]
        sums[key] = SumCount(sum(values), len(values))
    return sums, dict(Counter(b.satisfaction for b in ballots))


AGENCY_ALL_2 = {
    5: AgencyValue(Decimal(2), "default"),
    8: AgencyValue(Decimal(2), "computed"),
    9: AgencyValue(Decimal(2), "computed"),
}


def test_worked_example_gives_17_1_excellent():
    ballots = worked_example_ballots()
    sums, satisfaction = aggregate(ballots)
    score = score_ballots(
        total_ballots=len(ballots), sums=sums, satisfaction=satisfaction, agency=AGENCY_ALL_2, rules=RULES
    )
    assert score.total_ballots == 227
    averages = {i.id: i.average for i in score.indicators}
    assert averages == {
        1: Decimal("1.9"),
        2: Decimal("1.9"),
        3: Decimal("2.0"),
        4: Decimal("2.0"),
        5: Decimal("2.0"),
        6: Decimal("1.7"),
        7: Decimal("1.6"),
        8: Decimal("2.0"),
        9: Decimal("2.0"),
    }
    assert score.score == Decimal("17.1")
    assert score.max_score == 18
    assert score.classification == "Xuất sắc"
    assert score.complete
    levels = {lv.label: (lv.count, lv.percent) for lv in score.levels}
    assert levels == {
        "Rất hài lòng": (172, Decimal("75.8")),
        "Hài lòng": (53, Decimal("23.3")),
        "Bình thường": (2, Decimal("0.9")),
        "Không hài lòng": (0, Decimal("0.0")),
    }
    # Indicators 1 and 2 are averaged over the 200 ballots that have a dossier; indicator 4 over 226.
    assert score.indicator(1).ballots == 200 and score.indicator(2).ballots == 200
    assert score.indicator(4).ballots == 226 and score.indicator(3).ballots == 227


def test_score_is_the_sum_of_rounded_averages_not_the_rounded_sum():
    # Six per-ballot indicators each averaging 1.95 → each rounds to 2.0: score 12.0 + agency, not 11.7 + agency.
    sums = {k: SumCount(39, 20) for k in ("time", "i3", "i4", "i6", "i7")}
    score = score_ballots(total_ballots=20, sums=sums, satisfaction={"hai_long": 20}, agency={}, rules=RULES)
    per_ballot = [i.average for i in score.indicators if i.source == "ballots"]
    assert per_ballot == [Decimal("2.0")] * 6
    assert score.score == Decimal("12.0")
    assert score.missing == [5, 8, 9] and not score.complete  # no agency values given: reported as missing
    assert score.classification == "Tốt"


def test_counter_ballots_without_dossier_leave_indicators_1_and_2_missing():
    sums = {
        "time": SumCount(0, 0),
        "i3": SumCount(4, 2),
        "i4": SumCount(4, 2),
        "i6": SumCount(2, 2),
        "i7": SumCount(3, 2),
    }
    score = score_ballots(
        total_ballots=2, sums=sums, satisfaction={"rat_hai_long": 2}, agency=AGENCY_ALL_2, rules=RULES
    )
    assert score.indicator(1).average is None and score.indicator(1).source == "missing"
    assert score.indicator(2).average is None
    assert score.missing == [1, 2]
    assert score.score == Decimal("2.0") + Decimal("2.0") + Decimal("1.0") + Decimal("1.5") + 6


def test_no_ballots_at_all():
    score = score_ballots(total_ballots=0, sums={}, satisfaction={}, agency=AGENCY_ALL_2, rules=RULES)
    assert score.score == Decimal("6.0")
    assert all(lv.count == 0 and lv.percent is None for lv in score.levels)
    assert score.classification == "Trung bình"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.85", "0.9"), ("0.25", "0.3"), ("1.949", "1.9"), ("1.95", "2.0"), ("17.05", "17.1"), (0.35, "0.4")],
)
def test_round_half_up(value, expected):
    assert round_half_up(Decimal(value) if isinstance(value, str) else value, 1) == Decimal(expected)


def test_percentages_of_the_worked_example_round_half_up():
    assert round_half_up(Decimal(2) * 100 / Decimal(227)) == Decimal("0.9")
    assert round_half_up(Decimal(53) * 100 / Decimal(227)) == Decimal("23.3")
    assert round_half_up(Decimal(172) * 100 / Decimal(227)) == Decimal("75.8")


@pytest.mark.parametrize(
    ("appointment", "result", "returned", "expected"),
    [
        (date(2026, 8, 10), date(2026, 8, 7), None, 2),
        (date(2026, 8, 10), date(2026, 8, 10), date(2026, 8, 12), 1),  # returned late does not matter: result date
        (date(2026, 8, 10), date(2026, 8, 11), None, 0),
        (date(2026, 8, 10), None, date(2026, 8, 9), 2),  # no result date recorded: the returned date
        (date(2026, 8, 10), None, None, None),  # not resolved yet
        (None, date(2026, 8, 10), None, None),
    ],
)
def test_dossier_time_points(appointment, result, returned, expected):
    assert dossier_time_points(appointment, result, returned) == expected


@pytest.mark.parametrize(
    ("due", "on_time", "expected"),
    [(0, 0, 2), (10, 10, 2), (10, 9, 1), (100, 90, 1), (1000, 899, 0), (10, 8, 0), (3, 0, 0)],
)
def test_indicator_8_petition_rule(due, on_time, expected):
    assert petition_points(due, on_time, full_percent=100, partial_percent=90) == expected


@pytest.mark.parametrize(
    ("received", "online", "late", "expected"),
    [(0, 0, 0, 0), (100, 0, 0, 0), (100, 50, 0, 2), (100, 49, 0, 1), (100, 80, 1, 1), (100, 1, 0, 1)],
)
def test_indicator_9_online_rule(received, online, late, expected):
    assert online_points(received, online, late, full_percent=50, partial_percent=0) == expected


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (18, "Xuất sắc"),
        (15, "Xuất sắc"),
        (14.9, "Tốt"),
        (12, "Tốt"),
        (11.9, "Khá"),
        (9, "Khá"),
        (8.9, "Trung bình"),
        (6, "Trung bình"),
        (5.9, "Yếu"),
        (0, "Yếu"),
    ],
)
def test_classification_bands(score, label):
    assert classify(Decimal(str(score)), RULES) == label


# ---- the rule file --------------------------------------------------------------------------------------------


def _default_data() -> dict:
    return yaml.safe_load(DEFAULT_RULES_FILE.read_text(encoding="utf-8"))


def test_default_rules_follow_the_domain_notes():
    assert [i.id for i in RULES.indicators] == list(range(1, 10))
    assert RULES.max_score == 18
    assert RULES.decimals == 1
    assert [b.label for b in RULES.classification] == ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]
    assert RULES.agency_indicator_ids == [5, 8, 9]
    assert [lv.label for lv in RULES.satisfaction_levels] == [
        "Rất hài lòng",
        "Hài lòng",
        "Bình thường",
        "Không hài lòng",
    ]


def test_changing_the_bands_changes_the_classification_not_the_code():
    data = _default_data()
    data["classification"] = [{"label": "Đạt", "min": 17.5}, {"label": "Chưa đạt", "min": 0}]
    rules = parse_rules(data)
    assert classify(Decimal("17.1"), rules) == "Chưa đạt"
    assert classify(Decimal("17.5"), rules) == "Đạt"


def test_three_level_satisfaction_merges_codes():
    data = _default_data()
    data["satisfaction_levels"] = [
        {"label": "Hài lòng", "codes": ["rat_hai_long", "hai_long"]},
        {"label": "Bình thường", "codes": ["binh_thuong"]},
        {"label": "Không hài lòng", "codes": ["khong_hai_long"]},
    ]
    rules = parse_rules(data)
    sums, satisfaction = aggregate(worked_example_ballots())
    score = score_ballots(total_ballots=227, sums=sums, satisfaction=satisfaction, agency=AGENCY_ALL_2, rules=rules)
    assert [(lv.label, lv.count, lv.percent) for lv in score.levels] == [
        ("Hài lòng", 225, Decimal("99.1")),
        ("Bình thường", 2, Decimal("0.9")),
        ("Không hài lòng", 0, Decimal("0.0")),
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["classification"].reverse(), "from the highest minimum down"),
        (lambda d: d["classification"].pop(), "must start at 0"),
        (lambda d: d["satisfaction_levels"].pop(), "missing: khong_hai_long"),
        (lambda d: d["indicators"][2].pop("column"), "needs `column`"),
        (lambda d: d["indicators"][1].update(same_as=5), "same_as must name a per-ballot indicator"),
        (lambda d: d["indicators"][7].update(params={"full_percent": 100}), "needs params.partial_percent"),
        (lambda d: d["indicators"][4].update(default=5), "outside 0..2"),
        (lambda d: d["indicators"].append(dict(d["indicators"][0])), "ids must be unique"),
        (lambda d: d.update(bands=[]), "Extra inputs are not permitted"),
        (lambda d: d["indicators"][0].update(source="guess"), "indicators.0.source"),
    ],
)
def test_invalid_rule_files_are_refused_with_a_clear_problem(change, message):
    data = _default_data()
    change(data)
    with pytest.raises(RuleFileError) as caught:
        parse_rules(data, source="custom.yaml")
    assert any(message in problem for problem in caught.value.problems), caught.value.problems
    assert "custom.yaml" in str(caught.value)


def test_unreadable_or_malformed_rule_file(tmp_path: Path):
    with pytest.raises(RuleFileError, match="cannot read"):
        load_rules(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="not valid YAML"):
        load_rules(bad)
    bad.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match="mapping"):
        load_rules(bad)


# ---- periods --------------------------------------------------------------------------------------------------


def test_period_shortcuts():
    q3 = Period.parse("2026-Q3")
    assert (q3.start, q3.end, q3.label, q3.key) == (date(2026, 7, 1), date(2026, 9, 30), "Quý III/2026", "2026-Q3")
    q1 = Period.parse("2024q1")
    assert (q1.start, q1.end) == (date(2024, 1, 1), date(2024, 3, 31))
    feb = Period.parse("2024-02")
    assert (feb.end, feb.label, feb.key) == (date(2024, 2, 29), "Tháng 02/2024", "2024-02")
    year = Period.parse("2026")
    assert (year.start, year.end, year.label) == (date(2026, 1, 1), date(2026, 12, 31), "Năm 2026")
    assert Period.between(date(2026, 10, 1), date(2026, 12, 31)).label == "Quý IV/2026"
    other = Period.between(date(2026, 7, 15), date(2026, 8, 14))
    assert other.key == "2026-07-15_2026-08-14" and other.label == "Từ ngày 15/07/2026 đến ngày 14/08/2026"
    assert Period.parse("2026-Q1").previous() == Period.parse("2025-Q4")
    assert other.previous().end == date(2026, 7, 14) and other.previous().days == other.days
    assert Period.containing_quarter(date(2026, 11, 20)).key == "2026-Q4"


@pytest.mark.parametrize("text", ["2026-Q5", "26-Q1", "2026-13", "Q3", "", "1999"])
def test_bad_period_spellings(text):
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_resolve_period_needs_exactly_one_form():
    assert resolve_period(year=2026) == Period.year(2026)
    assert resolve_period(quarter="2026-Q2") == Period.quarter(2026, 2)
    assert resolve_period(start=date(2026, 1, 5), end=date(2026, 1, 9)).days == 5
    for kwargs in ({}, {"year": 2026, "quarter": "2026-Q1"}, {"start": date(2026, 1, 1)}, {"quarter": "2026-07"}):
        with pytest.raises(PeriodError):
            resolve_period(**kwargs)
    with pytest.raises(PeriodError, match="before it starts"):
        resolve_period(start=date(2026, 2, 1), end=date(2026, 1, 1))


def test_empty_report_rules_setting_means_the_default(monkeypatch):
    from kiosk_api.settings import Settings

    monkeypatch.setenv("KIOSK_REPORT_RULES", " ")
    assert Settings().report_rules is None
