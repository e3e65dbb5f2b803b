"""Frozen copy of the secondary rule-set engine as it was before the speed work (rule sets 1.0).

``secondary_v1.py``, ``base.py``, ``errors.py`` and ``scores.py`` are verbatim copies of
``hoso/assessment/rules/*.py`` at commit 6c0345e. They are an oracle, never imported by the
application: the optimised engine (pure or compiled) must give byte-identical JSON for every case
(``test_engine_equivalence.py``). Do not edit them; a change of rule-set results is a new rule-set
version, tested against its own worked examples.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .secondary_v1 import SecondaryParams, SecondaryRuleSet

_TT22 = SecondaryRuleSet(
    code="TT22_2021",
    version="1.0",
    level=("lower_secondary", "upper_secondary"),
    title="Thông tư 22/2021/TT-BGDĐT — đánh giá học sinh THCS, THPT",
    params=SecondaryParams(),
)
_TT43 = SecondaryRuleSet(
    code="TT43_2021",
    version="1.0",
    level=("continuing",),
    title="Thông tư 43/2021/TT-BGDĐT — đánh giá học viên GDTX (THCS, THPT)",
    params=SecondaryParams(
        min_subjects=5, excellent_min_subjects=5, learner="học viên", head="Giám đốc"
    ),
)
RULESETS = {"TT22_2021": _TT22, "TT43_2021": _TT43}


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def evaluate_reference(case: Any) -> dict:
    """What ``hoso.assessment.rules.evaluate`` returned for a TT22/TT43 case before the speed work.

    Other cases (TT27, unknown rule set, not an object) go to the current registry, whose code
    for them did not change.
    """
    ruleset = RULESETS.get(case.get("ruleset")) if isinstance(case, Mapping) else None
    if ruleset is None:
        from hoso.assessment.rules import evaluate

        return evaluate(case)
    params = case.get("params")
    if params is not None:
        from hoso.assessment.rules import evaluate

        # Parameter handling lives in the registry (unchanged); only valid overrides reach here.
        if not isinstance(params, Mapping):
            return evaluate(case)
        try:
            ruleset = ruleset.with_params(**{str(k): _freeze(v) for k, v in params.items()})
        except (TypeError, ValueError):
            return evaluate(case)
    return ruleset.evaluate(case)


def dumps(value: object) -> bytes:
    """The command line's output encoding before the speed work."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
