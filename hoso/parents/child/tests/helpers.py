"""Builders for the child's page tests: published and unpublished results of ``world``'s 6A1."""

from __future__ import annotations

from django.utils import timezone

from hoso.gradebook.entry.models import SheetColumn
from hoso.gradebook.results.compute import recompute_class
from hoso.gradebook.results.models import ClassResult
from hoso.gradebook.tests.results_helpers import complete_inputs, fill_all, rich_school


def finalise(world, subject, term, column: str):
    SheetColumn.objects.update_or_create(
        school_class=world.class_a,
        subject=subject,
        term=term,
        column=column,
        defaults={"finalised_at": timezone.now(), "finalised_by": world.users["subject"]},
    )


def approved_term1(world, *, value=7, overrides=None):
    """Six score subjects and one comment subject filled for both students of 6A1 (student_a
    and a classmate), term I computed and approved (state written directly: the approval
    action is tested in the grade book)."""
    from hoso.testing.factories import make_student

    rich = rich_school(world)
    classmate = make_student(world.school, world.class_a, "Lê Thị Cúc", gender="F")
    fill_all(rich, world.student_a, value, overrides=overrides, terms=(1,))
    fill_all(rich, classmate, 9.5, terms=(1,))
    complete_inputs(world, world.student_a, training=("K", "K"))
    complete_inputs(world, classmate)
    recompute_class(world.class_a)
    ClassResult.objects.filter(school_class=world.class_a, period="term1").update(
        state=ClassResult.State.APPROVED, approved_at=timezone.now()
    )
    return rich, classmate
