"""What the grade book holds about a grade or a subject, for the school set-up's checks
(``organisation.setup.usage``): a rule set cannot change under results, a subject with entries
cannot be removed."""

from __future__ import annotations

from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.results.models import ClassResult


def grade_results(*, year, grade) -> str:
    cells = Assessment.objects.filter(school_class__year=year, school_class__grade=grade).count()
    results = ClassResult.objects.filter(school_class__year=year, school_class__grade=grade).count()
    parts = []
    if cells:
        parts.append(f"{cells} kết quả trong sổ điểm")
    if results:
        parts.append(f"{results} bảng kết quả của lớp")
    return ", ".join(parts)


def subject_entries(*, subject, grade=None) -> str:
    cells = Assessment.objects.filter(subject=subject)
    if grade is not None:
        cells = cells.filter(school_class__grade=grade)
    count = cells.count()
    return f"{count} kết quả trong sổ điểm" if count else ""
