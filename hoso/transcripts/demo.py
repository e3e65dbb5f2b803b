"""Demo data of this package, called by hoso.demo.actions.demo_seed after the schools exist.

Drafts the transcripts of the first students of one homeroom class (rendering costs ~50 ms a
transcript, so only a few, to keep the seed under a second): the demo homeroom teacher can sign
them from "Học bạ số" with the demo password of the signing package, then the vice principal,
the principal and the clerk continue the chain.
"""

from __future__ import annotations

from django.db import transaction

from hoso.core.errors import DomainError

DEMO_DRAFTS = 6


def seed_demo(school, year) -> None:
    from hoso.organisation.models import HomeroomAssignment
    from hoso.transcripts import actions, engines
    from hoso.transcripts.models import Transcript

    homeroom = (
        HomeroomAssignment.objects.filter(school_class__year=year)
        .select_related("school_class__year", "school_class__grade")
        .order_by("school_class__grade__number", "school_class__name")
        .first()
    )
    if homeroom is None:
        return
    school_class = homeroom.school_class
    students = actions._class_students(school_class)[:DEMO_DRAFTS]
    for student in students:
        if Transcript.objects.filter(student=student, year=year).exists():
            continue
        try:
            data = engines.transcript_data(student=student, year=year)
        except DomainError:
            continue
        with transaction.atomic():
            created = actions._new_version(
                student=student,
                school_class=school_class,
                data=data,
                digest=engines.data_hash(data),
                actor_user=None,
            )
            actions._record(transcript=created, kind="drafted", actor_user=None, before=None)
