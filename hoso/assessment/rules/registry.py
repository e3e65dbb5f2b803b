"""Which rule set evaluates a case: the registry, and the default choice by level and year.

The code stored with a school year (or a student-year) decides; :func:`ruleset_code_for` only
*proposes* the default when a year is opened (REGULATIONS.md §1.1 roadmap). A closed year keeps the
code stored for it, so adding a future rule set never changes a past result.
"""

from __future__ import annotations

import dataclasses
import gc
import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from . import tt22_2021, tt27_2020, tt43_2021
from .base import Case, Result, RuleSet
from .capabilities import Capabilities
from .errors import ErrorCode, UnknownRuleset, issue

_BY_CODE: dict[str, RuleSet] = {
    tt22_2021.CODE: tt22_2021.RULESET,
    tt27_2020.CODE: tt27_2020.RULESET,
    tt43_2021.CODE: tt43_2021.RULESET,
}

#: code → rule set (a read-only view). Codes are stored in the database: never rename or remove
#: one. :func:`register` adds a rule set (a new circular's module, or a test's).
REGISTRY: Mapping[str, RuleSet] = MappingProxyType(_BY_CODE)

#: Regimes that came before the roadmap: valid codes to store for old years, not evaluated here.
LEGACY_CODES: Mapping[str, str] = MappingProxyType(
    {
        "TT58_2011": "Thông tư 58/2011/TT-BGDĐT (sửa đổi bởi TT 26/2020) — THCS, THPT",
        "TT30_2014": "Thông tư 30/2014/TT-BGDĐT (sửa đổi bởi TT 22/2016) — tiểu học",
        "LEGACY_GDTX": "Quy định đánh giá học viên GDTX trước TT 43/2021 (UNCONFIRMED)",
    }
)

GRADES: Mapping[str, tuple[int, ...]] = MappingProxyType(
    {
        "primary": (1, 2, 3, 4, 5),
        "lower_secondary": (6, 7, 8, 9),
        "upper_secondary": (10, 11, 12),
        "continuing": (6, 7, 8, 9, 10, 11, 12),
    }
)

_LEGACY_BY_LEVEL = {
    "primary": "TT30_2014",
    "lower_secondary": "TT58_2011",
    "upper_secondary": "TT58_2011",
    "continuing": "LEGACY_GDTX",
}


@dataclass(frozen=True, slots=True)
class RoadmapStep:
    """From school year ``first_year``–``first_year + 1`` on, ``grades`` of ``level`` use ``code``."""

    level: str
    first_year: int
    grades: tuple[int, ...]
    code: str


ROADMAP: tuple[RoadmapStep, ...] = (
    # TT27/2020: lớp 1 2020-21 … lớp 5 2024-25.
    *(RoadmapStep("primary", 2019 + g, (g,), "TT27_2020") for g in (1, 2, 3, 4, 5)),
    # TT22/2021: 2021-22 lớp 6; 2022-23 lớp 7, 10; 2023-24 lớp 8, 11; 2024-25 lớp 9, 12.
    RoadmapStep("lower_secondary", 2021, (6,), "TT22_2021"),
    RoadmapStep("lower_secondary", 2022, (7,), "TT22_2021"),
    RoadmapStep("lower_secondary", 2023, (8,), "TT22_2021"),
    RoadmapStep("lower_secondary", 2024, (9,), "TT22_2021"),
    RoadmapStep("upper_secondary", 2022, (10,), "TT22_2021"),
    RoadmapStep("upper_secondary", 2023, (11,), "TT22_2021"),
    RoadmapStep("upper_secondary", 2024, (12,), "TT22_2021"),
    # TT43/2021: same grade roadmap as TT22.
    RoadmapStep("continuing", 2021, (6,), "TT43_2021"),
    RoadmapStep("continuing", 2022, (7, 10), "TT43_2021"),
    RoadmapStep("continuing", 2023, (8, 11), "TT43_2021"),
    RoadmapStep("continuing", 2024, (9, 12), "TT43_2021"),
)


def register(ruleset: RuleSet) -> RuleSet:
    """Make ``ruleset`` available under its code (``ValueError`` if the code is taken)."""
    if ruleset.code in _BY_CODE or ruleset.code in LEGACY_CODES:
        raise ValueError(f"a rule set is already registered under {ruleset.code!r}")
    _BY_CODE[ruleset.code] = ruleset
    return ruleset


def unregister(code: str) -> None:
    """Remove a rule set added by :func:`register` (tests); the built-in ones stay."""
    if code in _BUILT_IN:
        raise ValueError(f"{code!r} is a built-in rule set")
    _BY_CODE.pop(code, None)
    for key in [k for k in _custom_cache if k[0] == code]:
        del _custom_cache[key]


_BUILT_IN = frozenset(_BY_CODE)

#: Titles of the legacy circulars, printed on books of years that used them.
_LEGACY_CIRCULARS = {"TT58_2011": "Thông tư số 58/2011/TT-BGDĐT"}


def capabilities_for(code: str) -> Capabilities:
    """What the rule set ``code`` offers (:mod:`.capabilities`). A legacy or unknown code (a
    year before the roadmap) is shown like TT22 under its own circular's title."""
    ruleset = _BY_CODE.get(code) if isinstance(code, str) else None
    if ruleset is not None:
        return ruleset.capabilities
    return dataclasses.replace(
        tt22_2021.RULESET.capabilities,
        circular=_LEGACY_CIRCULARS.get(code, code),
        meanings={},  # an older circular's levels mean other things: never TT22's words
    )


def get_ruleset(code: str) -> RuleSet:
    """The rule set registered under ``code``; raises :class:`UnknownRuleset`."""
    try:
        return REGISTRY[code]
    except (KeyError, TypeError):
        raise UnknownRuleset(code) from None


def ruleset_code_for(
    level: str,
    school_year_start: int,
    *,
    grade: int | None = None,
    roadmap: tuple[RoadmapStep, ...] = ROADMAP,
) -> str:
    """Propose the rule-set code for a new school year (2024 means 2024-2025).

    ``level`` is ``"primary"``, ``"lower_secondary"``, ``"upper_secondary"`` or ``"continuing"``.
    During a roadmap roll-out grades differ, so ``grade`` is then required (``ValueError``
    otherwise). Before the roadmap the legacy code is returned (see :data:`LEGACY_CODES`).
    """
    if level not in GRADES:
        raise ValueError(f"unknown school level {level!r}; expected one of {sorted(GRADES)}")
    if grade is None:
        codes = {
            ruleset_code_for(level, school_year_start, grade=g, roadmap=roadmap)
            for g in GRADES[level]
        }
        if len(codes) > 1:
            raise ValueError(
                f"{level} grades use different rule sets in {school_year_start}: pass grade="
            )
        return codes.pop()
    if grade not in GRADES[level]:
        raise ValueError(f"grade {grade} is not a {level} grade")
    chosen, since = _LEGACY_BY_LEVEL[level], -1
    for step in roadmap:
        if (
            step.level == level
            and grade in step.grades
            and since < step.first_year <= school_year_start
        ):
            chosen, since = step.code, step.first_year
    return chosen


_custom_cache: dict[tuple[str, str], RuleSet] = {}


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _with_case_params(ruleset: RuleSet, params: object) -> RuleSet | str:
    """The rule set with the case's ``params`` applied, or an error message."""
    if not isinstance(params, Mapping):
        return "“params” phải là một đối tượng tên tham số → giá trị."
    key = (ruleset.code, json.dumps(params, sort_keys=True, default=str))
    cached = _custom_cache.get(key)
    if cached is not None:
        return cached
    try:
        custom = ruleset.with_params(**{str(k): _freeze(v) for k, v in params.items()})
    except (TypeError, ValueError) as exc:
        return f"Tham số của bộ quy tắc {ruleset.code} không hợp lệ: {exc}"
    if len(_custom_cache) < 256:
        _custom_cache[key] = custom
    return custom


def evaluate(case: Case) -> Result:
    """Evaluate one case with the rule set named by ``case["ruleset"]``.

    Never raises for bad data: problems are reported in ``errors``.
    """
    if type(case) is not dict and not isinstance(case, Mapping):
        return _rejected(ErrorCode.BAD_INPUT, "Mỗi hồ sơ đánh giá phải là một đối tượng JSON.")
    code = case.get("ruleset")
    ruleset = _BY_CODE.get(code) if isinstance(code, str) else None
    if ruleset is None:
        if code in LEGACY_CODES:
            message = (
                f"Bộ quy tắc {code} ({LEGACY_CODES[code]}) không được tính trong hệ thống này."
            )
        elif code is None:
            message = "Thiếu mã bộ quy tắc đánh giá (ruleset)."
        else:
            message = f"Không có bộ quy tắc đánh giá mã “{code}”; có: {', '.join(_BY_CODE)}."
        return _rejected(ErrorCode.UNKNOWN_RULESET, message)
    params = case.get("params")
    if params is not None:
        custom = _with_case_params(ruleset, params)
        if isinstance(custom, str):
            return _rejected(ErrorCode.BAD_INPUT, custom)
        ruleset = custom
    return ruleset.evaluate(case)


def evaluate_many(cases: list[Case]) -> list[Result]:
    """Evaluate cases in order (the command line's array form, the grade book's recompute).

    The cyclic garbage collector is paused for the batch and restored after: evaluating creates
    no reference cycles (reference counting frees every temporary), while with the collector on
    it rescans the growing list of results every few hundred allocations — about a third of the
    time of a large batch (bench/rules.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [evaluate(case) for case in cases]
    finally:
        if enabled:
            gc.enable()


def _rejected(code: ErrorCode, message: str) -> Result:
    return {
        "ruleset_version": None,
        "errors": [issue(code, None, message)],
        "warnings": [],
        "explanation": [message],
    }
