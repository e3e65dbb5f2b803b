"""Demo data of completion and graduation (hoàn thành chương trình, xét tốt nghiệp THCS), after the
transcripts' and transfers' demos, through the graduation package's actions only (all audited).

Lower secondary, the current year, on any day from the first day of school:

- round 1 of the year, dated the last working day on or before 25 May (the council's meeting as
  planned: ``round_create`` accepts a day after ``today``, the round is then in preparation);
- its council from the school's staff: the principal (chair), the vice principals (vice chairs),
  the grade-9 homeroom teachers, the Đội leader and the heads of the subject departments (one of
  them the secretary), an odd number of at least seven;
- the review (``round_review``) of every grade-9 student on the roll from the data as it stands:
  list 1 / list 2 with the reason of each condition. Before the year's results are approved the
  programme condition says "Kết quả cả năm lớp 9 chưa được hiệu trưởng phê duyệt." — nothing is
  made up.

After the year's last day (June–August) the grade-book demo has approved the year of the grade-9
class ``GRADUATING_CLASS`` (with a student waiting for a re-test and one for summer training):
the dossiers of that class are ticked (all but one student's birth-certificate copy), the council
reviews again, writes its conclusion, and the proposal goes to the superior body three working
days after the meeting; the decision (two weeks after the meeting) and the diploma-issue book
(the decision's students, handed over a week later) follow when their day is not after
``today``.

Primary: the completion list of grade 5 is read from the grade book's approved year results on
every view (``graduation.selectors.primary_completion``): nothing is stored, nothing to seed.

Skipped quietly when the day does not allow it (before the first day of school, a closed year).
Idempotent: a year that has a round already is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from hoso.core.errors import DomainError

#: The council's meeting: the last working day on or before this day of May.
REVIEW_DAY_OF_MAY = 25
#: The student of ``GRADUATING_CLASS`` (in list order) whose birth-certificate copy is missing.
MISSING_PAPER_STUDENT = 5
PROPOSAL_AFTER = 3  # working days after the meeting
DECISION_AFTER = 14  # calendar days after the meeting
HANDOVER_AFTER = 7  # calendar days after the decision


def seed_demo(school, year, *, today: date) -> None:
    from hoso.graduation.models import GraduationRound
    from hoso.graduation.selectors import offers_lower_secondary

    if year.is_closed or today < year.start_date or not offers_lower_secondary(school):
        return
    if GraduationRound.objects.filter(year=year).exists():
        return  # already seeded
    principal = _actor(school, year, "hieutruong")
    if principal is None:
        return
    try:
        with transaction.atomic():
            _graduation(school, year, today, principal)
    except DomainError:
        return  # the data does not allow it (e.g. no grade-9 class): no demo round


def _actor(school, year, key: str):
    from hoso.accounts.actor import build_actor
    from hoso.demo.gradebook import login_user

    user = login_user(school, key)
    return build_actor(user, school, year) if user else None


def _working_day_on_or_before(school_id: int, day: date) -> date:
    from hoso.organisation.workdays import is_working_day

    while not is_working_day(school_id, day):
        day -= timedelta(days=1)
    return day


def _working_days_after(school_id: int, day: date, n: int) -> date:
    from hoso.organisation.workdays import is_working_day

    while n > 0:
        day += timedelta(days=1)
        if is_working_day(school_id, day):
            n -= 1
    return day


def council_plan(school, year) -> list[tuple[object, str, str]]:
    """(staff, role, kind) of the demo council, an odd number of members, the principal first."""
    from hoso.graduation.models import CouncilMember
    from hoso.graduation.selectors import LAST_LOWER_SECONDARY_GRADE
    from hoso.organisation.assignments.selectors import homeroom_teachers
    from hoso.organisation.models import Department, Position, SchoolClass, Staff

    R, K = CouncilMember.Role, CouncilMember.Kind
    active = Staff.objects.filter(school=school, is_active=True).order_by("pk")
    plan: list[tuple[object, str, str]] = []
    seen: set[int] = set()

    def add(staff, role: str, kind: str) -> None:
        if staff is not None and staff.pk not in seen:
            seen.add(staff.pk)
            plan.append((staff, role, kind))

    add(active.filter(position=Position.PRINCIPAL).first(), R.CHAIR, K.PRINCIPAL)
    for vice in active.filter(position=Position.VICE_PRINCIPAL):
        add(vice, R.VICE_CHAIR, K.VICE_PRINCIPAL)
    classes = SchoolClass.objects.filter(year=year, grade__number=LAST_LOWER_SECONDARY_GRADE)
    on = min(max(date(year.end_date.year, 5, REVIEW_DAY_OF_MAY), year.start_date), year.end_date)
    teachers = homeroom_teachers([c.pk for c in classes.order_by("name")], on=on)
    for class_id in sorted(teachers, key=lambda pk: teachers[pk].full_name):
        add(teachers[class_id], R.MEMBER, K.HOMEROOM)
    add(active.filter(position=Position.DOI_LEADER).first(), R.MEMBER, K.YOUTH)
    heads = [
        d.head
        for d in Department.objects.filter(
            school=school, kind=Department.Kind.SUBJECT, head__is_active=True
        )
        .select_related("head")
        .order_by("name")
    ]
    heads = [h for h in heads if h.pk not in seen]
    if heads:  # the first subject head keeps the minutes
        add(heads[0], R.SECRETARY, K.DEPARTMENT_HEAD)
    for head in heads[1:]:
        add(head, R.MEMBER, K.DEPARTMENT_HEAD)
    if len(plan) % 2 == 0 and plan[-1][1] == R.MEMBER:
        plan.pop()  # an odd number of members (TT 31/2023)
    return plan


def _graduation(school, year, today: date, principal) -> None:
    from hoso.graduation import actions

    review_day = _working_day_on_or_before(
        school.pk, date(year.end_date.year, 5, REVIEW_DAY_OF_MAY)
    )
    rnd = actions.round_create(
        actor=principal,
        year=year,
        review_date=review_day,
        council_decision=f"Quyết định số 15/QĐ-UBND ngày {year.start_date:%d/%m/%Y}",
    )
    for staff, role, kind in council_plan(school, year):
        actions.council_member_add(actor=principal, rnd=rnd, staff=staff, role=role, kind=kind)
    rnd = actions.round_review(actor=principal, rnd=rnd)
    if today <= year.end_date:
        return  # the year's results are not approved yet: list 2 says so
    _summer(school, year, today, principal, rnd)


def _summer(school, year, today: date, principal, rnd) -> None:
    """The year is over: the dossiers of the approved class, the review again, the conclusion,
    the proposal, and the decision and the book when their day has come."""
    from hoso.demo.gradebook import GRADUATING_CLASS
    from hoso.graduation import actions
    from hoso.graduation.conditions import dossier_items

    items = [i.code for i in dossier_items() if not i.only_with_priority]
    candidates = list(
        rnd.candidates.filter(school_class__name=GRADUATING_CLASS)
        .select_related("student")
        .order_by("student__sort_name", "student__student_code")
    )
    for index, cand in enumerate(candidates):
        dossier = dict.fromkeys(items, True)
        if index == MISSING_PAPER_STUDENT:
            dossier["birth_certificate"] = False
        actions.candidate_update(
            actor=principal, candidate=cand, dossier=dossier, has_priority=False, age_exception=""
        )
    rnd = actions.round_review(actor=principal, rnd=rnd)
    eligible = rnd.candidates.filter(eligible=True).count()
    actions.round_minutes_note_set(
        actor=principal,
        rnd=rnd,
        note=f"Hội đồng thống nhất đề nghị công nhận tốt nghiệp THCS cho {eligible} học sinh "
        "đủ điều kiện (danh sách 1). Các học sinh ở danh sách 2 hoàn thiện hồ sơ, chờ kết quả "
        "kiểm tra lại, rèn luyện trong hè để xét đợt 2.",
    )
    proposal_day = _working_days_after(school.pk, rnd.review_date, PROPOSAL_AFTER)
    if not eligible or proposal_day > today:
        return
    rnd = actions.round_propose(
        actor=principal, rnd=rnd, proposal_number="42/TTr-THCS", proposal_date=proposal_day
    )
    decision_day = rnd.review_date + timedelta(days=DECISION_AFTER)
    if decision_day > today:
        return
    rnd = actions.round_record_decision(
        actor=principal,
        rnd=rnd,
        decision_number="318/QĐ-UBND",
        decision_date=decision_day,
        signer="Trần Văn Hùng, Chủ tịch",
    )
    handover = decision_day + timedelta(days=HANDOVER_AFTER)
    recognised = rnd.candidates.filter(recognised=True).select_related("student")
    for n, cand in enumerate(recognised.order_by("student__sort_name"), start=1):
        actions.diploma_entry_add(
            actor=principal,
            year=year,
            student=cand.student,
            values={
                "serial_number": f"THCS{year.end_date.year}{n:05d}",
                "register_number": f"{n:03d}/THCS-{year.end_date.year}",
                "received_on": handover if handover <= today else None,
            },
        )
