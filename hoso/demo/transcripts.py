"""Demo data of this package, called by hoso.demo.actions.demo_seed after the schools exist
(after the signing package's credentials and the grade book's data).

Current year: drafts the transcripts of the first students of one homeroom class (rendering costs
~50 ms a transcript, so only a few). They cannot be signed yet — the year's results are not
approved; the class page says so.

Previous year, lower secondary: last year's class whose results the grade-book demo approved
(``hoso.demo.gradebook.LAST_YEAR_CLASS``) gets a handful of transcripts ISSUED through the real
chain — homeroom teacher signs, vice principal checks, principal signs, clerk applies the school
seal — with the demo credentials (password HoSo@2026). One of them is then revoked and re-issued
(its replacement goes through the chain again), so that the public page /xac-minh/<code> shows a
current, a revoked and a replacing document. The closed year is opened for this and closed again,
inside the seed transaction.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from hoso.core.errors import DomainError

DEMO_DRAFTS = 6
DEMO_ISSUED = 6
REVOKE_REASON = (
    "Ghi sai số ngày nghỉ học kỳ II (dữ liệu mẫu: thu hồi để minh họa việc cấp lại học bạ)."
)


def seed_demo(school, year, *, today: date) -> None:
    """The drafts show what the grade book holds as of ``today`` (the demo's reference day,
    which dated those results); last year's transcripts are issued after its close."""
    _current_drafts(school, year)
    if "lower_secondary" in (year.rulesets or {}):
        _last_year_issued(school, year)


def _draft(student, school_class, actor_user=None):
    from hoso.transcripts import actions, engines

    fresh = engines.fresh(student=student, year=school_class.year)
    with transaction.atomic():
        created = actions._new_version(
            student=student,
            school_class=school_class,
            fresh=fresh,
            actor_user=actor_user,
        )
        actions._record(transcript=created, kind="drafted", actor_user=actor_user, before=None)
    return created


def _current_drafts(school, year) -> None:
    from hoso.organisation.models import HomeroomAssignment
    from hoso.transcripts import actions
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
            _draft(student, school_class)
        except DomainError:
            continue


def _user(school, key: str):
    from hoso.demo.gradebook import login_user

    return login_user(school, key)


def _last_year_issued(school, year) -> None:
    from hoso.accounts.actor import build_actor
    from hoso.demo.gradebook import LAST_YEAR_CLASS, year_opened
    from hoso.gradebook.results.models import ClassResult, StudentResult
    from hoso.organisation.assignments.selectors import homeroom_teacher_of
    from hoso.organisation.models import Position, SchoolClass, SchoolYear, Staff
    from hoso.signing.testpki import DEMO_PASSWORD
    from hoso.transcripts import actions
    from hoso.transcripts.models import Transcript

    previous = (
        SchoolYear.objects.filter(school=school, start_date__lt=year.start_date)
        .order_by("-start_date")
        .first()
    )
    if previous is None:
        return
    school_class = SchoolClass.objects.filter(year=previous, name=LAST_YEAR_CLASS).first()
    if school_class is None or Transcript.objects.filter(school_class=school_class).exists():
        return
    approved = ClassResult.objects.filter(
        school_class=school_class, period="year", state=ClassResult.State.APPROVED
    ).first()
    if approved is None:
        return  # the grade-book demo did not approve last year's results
    # Students promoted straight away (no re-test or summer training still pending).
    promoted = set(
        StudentResult.objects.filter(class_result=approved, data__decision="LEN_LOP").values_list(
            "student_id", flat=True
        )
    )
    students = [s for s in actions._class_students(school_class) if s.pk in promoted]
    students = students[:DEMO_ISSUED]
    if not students:
        return
    vice = (
        Staff.objects.filter(school=school, position=Position.VICE_PRINCIPAL, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    people = {
        "homeroom": homeroom_teacher_of(school_class).user,
        "vice": vice.user if vice else None,
        "principal": _user(school, "hieutruong"),
        "clerk": _user(school, "vanthu"),
    }
    if None in people.values():
        return
    with year_opened(previous):
        school_class = SchoolClass.objects.select_related("year", "grade").get(pk=school_class.pk)
        actors = {k: build_actor(u, school, previous) for k, u in people.items()}
        for student in students:
            _draft(student, school_class, actor_user=people["homeroom"])
        sign_chain(actors, school_class, DEMO_PASSWORD)
        # Revoke the last one and re-issue it: the public page shows both versions.
        revoked = (
            Transcript.objects.filter(school_class=school_class, state=Transcript.State.ISSUED)
            .order_by("-student__sort_name")
            .first()
        )
        revoked = actions.transcript_revoke(
            actor=actors["principal"], transcript=revoked, reason=REVOKE_REASON
        )
        fresh = actions.transcript_reissue(actor=actors["principal"], transcript=revoked)
        sign_chain(actors, school_class, DEMO_PASSWORD, ids=[fresh.pk])


def sign_chain(actors, school_class, secret: str, ids=None) -> None:
    """The transcripts' chain for ``ids`` (or every candidate of the class): homeroom teacher,
    vice principal's check, principal, the clerk's seal — ``actors`` by those keys."""
    from hoso.transcripts import actions

    actions.transcripts_homeroom_sign(
        actor=actors["homeroom"], school_class=school_class, secret=secret, transcript_ids=ids
    )
    actions.transcripts_check(
        actor=actors["vice"], school_class=school_class, approve=True, transcript_ids=ids
    )
    actions.transcripts_principal_sign(
        actor=actors["principal"], school_class=school_class, secret=secret, transcript_ids=ids
    )
    actions.transcripts_issue(
        actor=actors["clerk"], school_class=school_class, secret=secret, transcript_ids=ids
    )
