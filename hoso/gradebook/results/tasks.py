"""Background work of the results area (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from hoso.core import jobs
from hoso.gradebook.results.absences import sync_absences
from hoso.gradebook.results.compute import recompute_class, recompute_classes
from hoso.organisation.models import SchoolClass, SchoolYear


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


def follow_attendance(class_ids: list[int]) -> int:
    """Bring the absences of these classes' students (now or before a class change) from the
    rolls into the homeroom inputs, warn at the thresholds, and recompute the results of the
    classes whose students changed. Returns the number of students whose totals changed."""
    changed = 0
    by_year: dict[int, list[int]] = {}
    for cid, year_id in SchoolClass.objects.filter(pk__in=class_ids).values_list("pk", "year_id"):
        by_year.setdefault(year_id, []).append(cid)
    for year in SchoolYear.objects.filter(pk__in=list(by_year)).select_related("school"):
        if not year.writable_for("results"):
            continue
        summary = sync_absences(year, by_year[year.pk])
        changed += len(summary.changed)
        classes = list(
            SchoolClass.objects.filter(pk__in=summary.classes).select_related("year", "grade")
        )
        if classes:
            recompute_classes(classes, trigger="attendance")
    return changed


@task()
def results_follow_attendance(class_ids: list[int]) -> int:
    """The background run of :func:`follow_attendance` after a committed attendance change."""
    return follow_attendance(class_ids)


jobs.rerun_when_lost(results_follow_grades)  # recomputes: a second run does no harm
jobs.rerun_when_lost(results_follow_attendance)  # idem (totals are recounted, warnings deduped)
