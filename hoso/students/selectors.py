"""Reads about students, always scoped by the actor."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from hoso.accounts.actor import Actor
from hoso.core.text import fold
from hoso.organisation.models import SchoolClass
from hoso.students.models import Enrolment, StudentGuardian
from hoso.students.policies import visible_students


def class_roster(school_class: SchoolClass, *, include_left: bool = True) -> QuerySet[Enrolment]:
    """The class list in Vietnamese order (given, middle, family name), guardians prefetched."""
    qs = Enrolment.objects.filter(school_class=school_class).select_related(
        "student", "student__register_entry"
    )
    if not include_left:
        qs = qs.studying()
    return qs.order_by("student__sort_name", "student__student_code").prefetch_related(
        Prefetch(
            "student__guardian_links",
            queryset=StudentGuardian.objects.select_related("guardian"),
        )
    )


def student_search(actor: Actor, query: str, *, limit: int = 50):
    """Diacritic-insensitive search: 'nguyen van an' finds 'Nguyễn Văn An', 'do' finds 'Đỗ'."""
    key = fold(query)
    qs = visible_students(actor)
    if key:
        for word in key.split(" "):  # every word must start a word of the name
            qs = qs.filter(Q(search_name__startswith=word) | Q(search_name__contains=" " + word))
    return qs.order_by("sort_name")[:limit]


def current_enrolment(student, year) -> Enrolment | None:
    return (
        Enrolment.objects.filter(student=student, year=year, end_date__isnull=True)
        .select_related("school_class")
        .first()
    )
