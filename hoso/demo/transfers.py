"""Demo data of transfers (chuyển trường), after the transcripts' demo.

The two demo schools are of different levels (primary, lower secondary), so no student moves
between them; each shows one transfer in progress, dated from the reference day ``today``:

- lower secondary: a transfer **out** of a student of the first homeroom class (one whose
  transcript the transcripts demo drafted), recorded the working day before and left today — the
  enrolment has ended, the transcript waits for its signatures (homeroom teacher, vice principal,
  principal, clerk's seal) before the hand-over;
- primary: a transfer **in** into grade 3 from a school of another province, filed two working
  days before with part of the documents, accepted by the principal today — placement pending,
  with its deadline (TT 28/2020 Đ36: 3 working days).

Skipped quietly when the day does not allow it (before the first day of school, a closed year).
"""

from __future__ import annotations

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
