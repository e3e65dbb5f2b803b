"""Demo data of transfers (chuyển trường), after the transcripts' demo.

The two demo schools are of different levels (primary, lower secondary), so no student moves
between them; the transfers are dated from the reference day ``today``:

- lower secondary: a transfer **out** handed over — the student left two working days before,
  its transcript extract at that date (the scores and absences so far, the periods not completed)
  signed by its chain and issued, the signed PDF on the transfer's page — and a transfer **out** of
  a student of the first homeroom class (one whose
  transcript the transcripts demo drafted), recorded the working day before and left today — the
  enrolment has ended, the transcript waits for its signatures (homeroom teacher, vice principal,
  principal, clerk's seal) before the hand-over;
- primary: a transfer **in** into grade 3 from a school of another province, filed two working
  days before with part of the documents, accepted by the principal today — placement pending,
  with its deadline (TT 28/2020 Đ36: 3 working days).

Skipped quietly when the day does not allow it (before the first day of school, a closed year).
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

from django.db import transaction

from hoso.core.errors import DomainError


def _working_day_before(school_id: int, day: date, n: int) -> date:
    from hoso.organisation.workdays import is_working_day

    while n > 0:
        day -= timedelta(days=1)
        if is_working_day(school_id, day):
            n -= 1
    return day


def seed_demo(school, year, *, today: date) -> None:
    if not year.start_date <= today <= year.end_date:
        return
    if "primary" not in (school.levels or []):
        with contextlib.suppress(DomainError):  # the day does not allow it: not this one
            _transfer_out_handed_over(school, year, today)
    try:
        with transaction.atomic():
            if "primary" in (school.levels or []):
                _transfer_in(school, year, today)
            else:
                _transfer_out(school, year, today)
    except DomainError:
        return  # the day does not allow it (e.g. the class began today): no demo transfer


def _actor(school, year, key: str):
    from hoso.accounts.actor import build_actor
    from hoso.demo.gradebook import login_user

    user = login_user(school, key)
    return build_actor(user, school, year) if user else None


def _transfer_out(school, year, today: date) -> None:
    from hoso.students.models import Enrolment
    from hoso.transcripts.models import Transcript
    from hoso.transfers import actions

    clerk = _actor(school, year, "vanthu")
    if clerk is None:
        return
    drafted = (
        Transcript.objects.filter(year=year, state=Transcript.State.DRAFT)
        .order_by("school_class__name", "student__sort_name")
        .values_list("student_id", flat=True)
    )
    enrolment = (
        Enrolment.objects.studying()
        .filter(year=year, student_id__in=list(drafted), start_date__lt=today)
        .select_related("student")
        .order_by("student__sort_name")
        .last()
    )
    if enrolment is None:
        return
    transfer = actions.transfer_out_create(
        actor=clerk,
        student=enrolment.student,
        filed_on=_working_day_before(school.pk, today, 1),
        leaving_on=today,
        other_school_name="Trường THCS Lê Lợi",
        other_school_code="31000417",
        other_province=school.province,
        reason="Gia đình chuyển nơi ở sang phường khác",
    )
    actions.transfer_out_leave(actor=clerk, transfer=transfer)


def _transfer_out_handed_over(school, year, today: date) -> None:
    """A transfer out finished: the student left two working days before ``today``, the
    transcript extract at that date went through its chain (homeroom teacher, vice principal,
    principal, the clerk's seal) and the records were handed over — the signed PDF is on the
    transfer's page."""
    from hoso.demo.transcripts import sign_chain
    from hoso.organisation.assignments.selectors import homeroom_teacher_of
    from hoso.organisation.models import Position, Staff
    from hoso.signing.testpki import DEMO_PASSWORD
    from hoso.students.models import Enrolment
    from hoso.transcripts.models import Transcript
    from hoso.transfers import actions

    clerk = _actor(school, year, "vanthu")
    principal = _actor(school, year, "hieutruong")
    vice = (
        Staff.objects.filter(school=school, position=Position.VICE_PRINCIPAL, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if clerk is None or principal is None or vice is None:
        return
    leaving_on = _working_day_before(school.pk, today, 2)
    filed_on = _working_day_before(school.pk, leaving_on, 1)
    if filed_on < year.start_date:
        return
    drafted = Transcript.objects.filter(year=year, state=Transcript.State.DRAFT).values_list(
        "student_id", flat=True
    )
    enrolment = (
        Enrolment.objects.studying()
        .filter(year=year, student_id__in=list(drafted), start_date__lt=filed_on)
        .select_related("student", "school_class__year", "school_class__grade")
        .order_by("student__sort_name")
        .first()
    )
    if enrolment is None:
        return
    school_class = enrolment.school_class
    homeroom = homeroom_teacher_of(school_class)
    if homeroom is None or homeroom.user is None:
        return
    with transaction.atomic():
        transfer = actions.transfer_out_create(
            actor=clerk,
            student=enrolment.student,
            filed_on=filed_on,
            leaving_on=leaving_on,
            other_school_name="Trường THCS Chu Văn An",
            other_school_code="31000522",
            other_province="Tỉnh Quảng Ninh",
            reason="Gia đình chuyển nơi ở sang tỉnh khác",
        )
        transfer = actions.transfer_out_leave(actor=clerk, transfer=transfer)
    extract = transfer.transcript
    if extract is None or extract.data.get("pending"):
        return  # a period ended before the day is not approved: the extract waits (real case)
    actors = {
        "homeroom": _actor_of(homeroom.user, school, year),
        "vice": _actor_of(vice.user, school, year),
        "principal": principal,
        "clerk": clerk,
    }
    sign_chain(actors, school_class, DEMO_PASSWORD, ids=[extract.pk])
    actions.transfer_out_handover(actor=clerk, transfer=transfer)


def _actor_of(user, school, year):
    from hoso.accounts.actor import build_actor

    return build_actor(user, school, year)


def _transfer_in(school, year, today: date) -> None:
    from hoso.transfers import actions

    clerk = _actor(school, year, "vanthu")
    principal = _actor(school, year, "hieutruong")
    if clerk is None or principal is None:
        return
    transfer = actions.transfer_in_create(
        actor=clerk,
        student_code="3199001234",
        personal_id="022216004321",
        family_name="Hoàng",
        middle_name="Gia",
        given_name="Bảo",
        gender="M",
        birth_date=date(year.start_date.year - 8, 4, 12),
        grade=3,
        other_school_name="Trường Tiểu học Trần Quốc Toản",
        other_school_code="22000315",
        other_province="Tỉnh Quảng Ninh",
        filed_on=_working_day_before(school.pk, today, 2),
        reason="Cha mẹ chuyển công tác về Hải Phòng",
        documents=["application"],
    )
    actions.transfer_decide(actor=principal, transfer=transfer, accept=True)
