"""Background work of the results area (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from hoso.core import jobs
from hoso.gradebook.results.compute import recompute_class
from hoso.organisation.models import SchoolClass


@task()
def results_follow_grades(class_ids: list[int]) -> int:
    """Bring the results of these classes up to date after their grades changed (the classes of
    a closed year, or whose results area is closed, are left as they are). Returns the number
    of students whose rows changed."""
    changed = 0
    for school_class in SchoolClass.objects.filter(pk__in=class_ids).select_related(
        "year", "grade"
    ):
        if school_class.year.writable_for("results"):
            summary = recompute_class(school_class, trigger="grades")
            changed += summary.created + summary.updated + summary.removed
    return changed


jobs.rerun_when_lost(results_follow_grades)  # recomputes: a second run does no harm
