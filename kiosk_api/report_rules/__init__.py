"""The Biểu 5a scoring rule set: indicators, points, rounding, classification bands and satisfaction levels.

The default (`default.yaml` beside this module) follows the domain notes (Thông tư 01/2018/TT-VPCP, Thanh Hóa's
bands). `KIOSK_REPORT_RULES` may point at another YAML file of the same shape; it is validated when loaded and
every problem is reported with its location (`RuleFileError`).
"""

from .loading import DEFAULT_RULES_FILE, load_rules, parse_rules, rules_for
from .rules import (
    BALLOT_CODES,
    BALLOT_COLUMNS,
    Band,
    IndicatorRule,
    Option,
    ReportRules,
    RuleFileError,
    SatisfactionLevel,
)

__all__ = [
    "BALLOT_CODES",
    "BALLOT_COLUMNS",
    "DEFAULT_RULES_FILE",
    "Band",
    "IndicatorRule",
    "Option",
    "ReportRules",
    "RuleFileError",
    "SatisfactionLevel",
    "load_rules",
    "parse_rules",
    "rules_for",
]
