"""A grade sheet (class × subject × term) with its columns and rule set, loaded once."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Subquery
from django.db.models.functions import Length

from hoso.assessment.rules import Capabilities, capabilities_for
from hoso.gradebook.entry.columns import (
    MAX_REGULAR,
    Column,
    column_by_key,
    ruleset_code,
    sheet_columns,
)
from hoso.gradebook.entry.models import SheetColumn
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

    @property
    def capabilities(self) -> Capabilities:
        """What the sheet's rule set offers (a term result, extra regular columns, ...)."""
        return capabilities_for(self.ruleset)


REGULAR_KEYS = [f"TX{i}" for i in range(1, MAX_REGULAR + 1)]


def _added_regular(school_class, subject, term):
    """The regular columns the teacher added are SheetColumn rows (TX7, …): the highest one."""
    return (
        SheetColumn.objects.filter(
            school_class=school_class, subject=subject, term=term, column__in=REGULAR_KEYS
        )
        .order_by(Length("column").desc(), F("column").desc())
        .values("column")[:1]
    )


def _regular_number(key: str | None) -> int:
    return int(key[2:]) if key else 0


def load_sheet(school_class, subject, term) -> Sheet:
    # One query for the offering and the added columns.
    offering = (
        SubjectOffering.objects.filter(subject=subject, grade=school_class.grade_id)
        .annotate(last_added=Subquery(_added_regular(school_class, subject, term)))
        .first()
    )
    if offering is not None:
        last_regular = _regular_number(offering.last_added)
    else:
        last_regular = _regular_number(
            _added_regular(school_class, subject, term).values_list("column", flat=True).first()
        )
    code = ruleset_code(school_class.year, school_class.grade.level, school_class.grade.number)
    return Sheet(
        school_class=school_class,
        subject=subject,
        term=term,
        ruleset=code,
        columns=sheet_columns(
            subject=subject, offering=offering, term=term, ruleset=code, last_regular=last_regular
        ),
        periods_per_year=offering.periods_per_year if offering else 70,
    )
