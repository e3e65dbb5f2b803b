"""Reads of the transcripts package, always scoped by the actor (see policies)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from hoso.accounts.actor import Actor
from hoso.core.text import fold
from hoso.students.models import Enrolment
from hoso.transcripts import policies
from hoso.transcripts.codes import normalise_code
from hoso.transcripts.models import Transcript

S = Transcript.State


@dataclass
class ClassSummary:
    school_class: object
    students: int
    counts: dict[str, int]
    stale: int

    @property
    def issued(self) -> int:
        return self.counts.get(S.ISSUED, 0)


def class_summaries(actor: Actor) -> list[ClassSummary]:
    """Each visible class with its number of students and living transcripts per state (two
    aggregate queries, whatever the number of classes)."""
    classes = list(policies.visible_classes(actor).order_by("grade__number", "name"))
    ids = [c.pk for c in classes]
    students = dict(
        Enrolment.objects.last_of_year()
        .filter(school_class_id__in=ids)
        .values("school_class_id")
        .annotate(n=Count("pk"))
        .values_list("school_class_id", "n")
    )
    counts: dict[int, dict[str, int]] = {}
    stale: dict[int, int] = {}
    for row in (
        Transcript.objects.filter(school_class_id__in=ids)
        .exclude(state=S.SUPERSEDED)
        .values("school_class_id", "state")
        .annotate(n=Count("pk"), stale=Count("pk", filter=Q(stale_since__isnull=False)))
    ):
        counts.setdefault(row["school_class_id"], {})[row["state"]] = row["n"]
        stale[row["school_class_id"]] = stale.get(row["school_class_id"], 0) + row["stale"]
    return [
        ClassSummary(
            school_class=c,
            students=students.get(c.pk, 0),
            counts=counts.get(c.pk, {}),
            stale=stale.get(c.pk, 0),
        )
        for c in classes
    ]


@dataclass
class Row:
    enrolment: Enrolment
    transcript: Transcript | None
    history: list[Transcript]  # older versions (revoked, superseded)


def class_board(school_class) -> list[Row]:
    """One row per student whose year the class carries (the members now and, struck through,
    those who left the school from it: ``last_of_year``): the living version (or the newest)."""
    enrolments = list(
        Enrolment.objects.last_of_year()
        .filter(school_class=school_class)
        .select_related("student")
        .order_by("student__sort_name")
    )
    by_student: dict[int, list[Transcript]] = {}
    for t in Transcript.objects.filter(
        year_id=school_class.year_id, student_id__in=[e.student_id for e in enrolments]
    ).order_by("-version"):
        by_student.setdefault(t.student_id, []).append(t)
    rows = []
    for e in enrolments:
        versions = by_student.get(e.student_id, [])
        live = next((t for t in versions if t.is_live), None)
        current = live or (versions[0] if versions else None)
        rows.append(
            Row(
                enrolment=e,
                transcript=current,
                history=[t for t in versions if t is not current],
            )
        )
    return rows


def search(actor: Actor, query: str, *, limit: int = 50) -> list[Transcript]:
    """The clerk's search: by public code, or by the student's name (folded: no marks, đ → d;
    each word must begin a word of the name). All versions, newest first."""
    qs = policies.visible_transcripts(actor).select_related("student", "school_class", "year")
    code = normalise_code(query)
    if code is not None:
        found = list(qs.filter(code=code))
        if found:
            return found
    words = fold(query).split()
    if not words:
        return []
    for word in words:
        qs = qs.filter(
            Q(student__search_name__startswith=word) | Q(student__search_name__contains=" " + word)
        )
    return list(qs.order_by("student__sort_name", "-year__start_date", "-version")[:limit])
