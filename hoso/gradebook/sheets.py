"""A grade sheet (class × subject × term) with its columns and rule set, loaded once."""

from __future__ import annotations

from dataclasses import dataclass

from hoso.gradebook.columns import Column, column_by_key, ruleset_code, sheet_columns
from hoso.organisation.models import SubjectOffering


@dataclass
class Sheet:
    school_class: object
    subject: object
    term: object
    ruleset: str
    columns: list[Column]
    periods_per_year: int = 70  # from the subject's offering in this grade

    def column(self, key: str) -> Column | None:
        return column_by_key(self.columns, key)

    @property
    def level(self) -> str:
        return self.school_class.grade.level


def load_sheet(school_class, subject, term) -> Sheet:
    offering = SubjectOffering.objects.filter(subject=subject, grade=school_class.grade_id).first()
    code = ruleset_code(school_class.year, school_class.grade.level)
    return Sheet(
        school_class=school_class,
        subject=subject,
        term=term,
        ruleset=code,
        columns=sheet_columns(subject=subject, offering=offering, term=term, ruleset=code),
        periods_per_year=offering.periods_per_year if offering else 70,
    )
