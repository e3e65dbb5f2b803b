"""Assessment rule sets (TT22/2021, TT27/2020, TT43/2021): pure Python, no Django.

Public API::

    from hoso.assessment.rules import evaluate, get_ruleset, ruleset_code_for

    ruleset = get_ruleset("TT22_2021")      # .code, .version, .level, .params (frozen dataclass)
    ruleset.capabilities.periods            # what pages ask: periods, labels, homeroom inputs
    ruleset.sheet_columns(assessment="score", term_number=1, periods_per_year=105)
    result = evaluate({"ruleset": "TT22_2021", ...})   # dict, same shape as the command line
    ruleset_code_for("lower_secondary", 2024, grade=9)  # "TT22_2021" (a proposal; store it)

Grade-book helpers: :func:`required_regular_count`, :func:`term_average`, :func:`year_average`,
:func:`validate_score`, :func:`format_score`. See docs/ASSESSMENT-RULES.md.
"""

from .base import LEVEL_CODES, RuleSet
from .capabilities import BY_CHECKPOINTS, BY_TERMS, Capabilities, ColumnSpec
from .errors import ErrorCode, InvalidScore, UnknownRuleset
from .registry import (
    GRADES,
    LEGACY_CODES,
    REGISTRY,
    ROADMAP,
    RoadmapStep,
    capabilities_for,
    evaluate,
    evaluate_many,
    get_ruleset,
    register,
    ruleset_code_for,
    unregister,
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
    "BY_CHECKPOINTS",
    "BY_TERMS",
    "GRADES",
    "LEGACY_CODES",
    "LEVEL_CODES",
    "REGISTRY",
    "ROADMAP",
    "Capabilities",
    "ColumnSpec",
    "ErrorCode",
    "InvalidScore",
    "PrimaryParams",
    "PrimaryRuleSet",
    "RoadmapStep",
    "RuleSet",
    "SecondaryParams",
    "SecondaryRuleSet",
    "UnknownRuleset",
    "capabilities_for",
    "evaluate",
    "evaluate_many",
    "format_score",
    "get_ruleset",
    "parse_tenths",
    "register",
    "required_regular_count",
    "ruleset_code_for",
    "tenths_to_decimal",
    "unregister",
    "term_average",
    "validate_score",
    "year_average",
]
