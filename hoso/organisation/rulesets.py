"""Where a school year keeps its rule sets: ``SchoolYear.rulesets``, a JSON object of codes.

Level keys (``"lower_secondary": <code>``) hold the level's rule set; grade keys
(``"grade:6": <code>``) hold a grade's own choice and win over the level's. Stored, not
derived, so a closed year keeps the rules it was assessed under. The set-up writes them
(``organisation.setup.actions.year_rulesets_set``); the grade book reads them through
``gradebook.columns.ruleset_code``.
"""

from __future__ import annotations


def grade_key(grade: int) -> str:
    return f"grade:{int(grade)}"


def stored_code(year, level: str, grade: int | None = None) -> str:
    """The code stored for ``grade`` (else for ``level``) in ``year``; ``""`` when none is."""
    stored = year.rulesets or {}
    if grade is not None:
        code = stored.get(grade_key(grade))
        if code:
            return code
    return stored.get(level) or ""
