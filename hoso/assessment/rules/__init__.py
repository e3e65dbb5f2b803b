"""Assessment rule sets (TT22/2021, TT27/2020, TT43/2021): pure Python, no Django.

Public API::

    from hoso.assessment.rules import evaluate, get_ruleset, ruleset_code_for

    ruleset = get_ruleset("TT22_2021")      # .code, .version, .level, .params (frozen dataclass)
    result = evaluate({"ruleset": "TT22_2021", ...})   # dict, same shape as the command line
    ruleset_code_for("lower_secondary", 2024, grade=9)  # "TT22_2021" (a proposal; store it)

Grade-book helpers: :func:`required_regular_count`, :func:`term_average`, :func:`year_average`,
:func:`validate_score`, :func:`format_score`. See docs/ASSESSMENT-RULES.md.
"""

from .base import LEVEL_CODES, RuleSet
from .errors import ErrorCode, InvalidScore, UnknownRuleset
from .registry import (
    GRADES,
    LEGACY_CODES,
    REGISTRY,
    ROADMAP,
    RoadmapStep,
    evaluate,
    evaluate_many,
    get_ruleset,
    ruleset_code_for,
)
from .scores import (
    format_score,
    parse_tenths,
    tenths_to_decimal,
    term_average,
    validate_score,
    year_average,
)
from .secondary import SecondaryParams, SecondaryRuleSet, required_regular_count
from .tt27_2020 import PrimaryParams, PrimaryRuleSet

__all__ = [
    "GRADES",
    "LEGACY_CODES",
    "LEVEL_CODES",
    "REGISTRY",
    "ROADMAP",
    "ErrorCode",
    "InvalidScore",
    "PrimaryParams",
    "PrimaryRuleSet",
    "RoadmapStep",
    "RuleSet",
    "SecondaryParams",
    "SecondaryRuleSet",
    "UnknownRuleset",
    "evaluate",
    "evaluate_many",
    "format_score",
    "get_ruleset",
    "parse_tenths",
    "required_regular_count",
    "ruleset_code_for",
    "tenths_to_decimal",
    "term_average",
    "validate_score",
    "year_average",
]
