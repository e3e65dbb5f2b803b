"""seed_demo: two demo schools, deterministic, idempotent, valid data, logins with their roles.

The demo is seeded once for the module on the suite's day (``HOSO_TEST_TODAY``; the module is
marked ``calendar`` and CI runs it at four days of the year), inside a transaction rolled back at
the end; each test runs in its own savepoint on top of it. ``test_demo_any_day.py`` seeds one
school at several reference days of its own.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from hoso.accounts.actor import build_actor
from hoso.accounts.models import User
from hoso.accounts.roles import Role
from hoso.audit.models import AuditEvent
from hoso.core import clock
from hoso.demo import data
from hoso.demo.builder import plan_school
from hoso.demo.selectors import demo_logins
from hoso.organisation.assignments.selectors import homeroom_teacher_of
from hoso.organisation.models import (
    HomeroomAssignment,
    School,
    SchoolClass,
    SchoolYear,
    Staff,
    Subject,
    SubjectOffering,
    TeachingAssignment,
)
from hoso.students.models import (
    Enrolment,
    Guardian,
    RegisterCounter,
    RegisterEntry,
    Student,
    StudentGuardian,
)
from hoso.students.validation import check_personal_id

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.calendar
#: The plan of the names digest: any day of 2026-2027 gives the same people.
PLAN_DAY = date(2026, 11, 20)


def _cal() -> data.DemoCalendar:
    """The demo's calendar on the suite's day (the seeded module's reference day)."""
    return data.demo_calendar(clock.today())


def _summer() -> bool:
    """The suite's day is after the current year's last day (June–August)."""
    return clock.today() > _cal().current.end


def _during_term_1() -> datetime:
    return datetime.combine(_cal().current.checkpoints["mid1"], time(9), tzinfo=TZ)


# sha256 of the THCS student names in plan order. If you change the demo data on purpose, update
# it with: python -c "from hoso.demo.tests.test_seed_demo import names_digest; print(names_digest())"
EXPECTED_NAMES_DIGEST = "a015f5e23e119b9f14a206ce6c7e84ba33987af4b39e3c2ec1b62fca61213257"


def names_digest() -> str:
    plan = plan_school(data.LOWER_SECONDARY, today=PLAN_DAY)
    return hashlib.sha256("\n".join(s.full_name for s in plan.students).encode()).hexdigest()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """GIVEN a database seeded once with the demo (rolled back after the module)."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", "--today", clock.today().isoformat(), stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _current_year(school: School) -> SchoolYear:
    return SchoolYear.objects.get(school=school, is_closed=False)


def _signature(plan) -> list[tuple]:
    return [
        (s.full_name, s.gender, s.birth_date, s.personal_id, s.student_code) for s in plan.students
    ] + [(u.username, u.display_name) for u in plan.users]


# --- determinism (no database) ---------------------------------------------------------------


def test_the_plan_is_the_same_every_time():
    for spec in data.SCHOOLS:
        first = plan_school(spec, today=PLAN_DAY)
        assert _signature(first) == _signature(plan_school(spec, today=PLAN_DAY))


def test_the_plan_is_the_same_in_every_process():
    # A set iterated in hash order would change the names between processes; this would catch it.
    assert names_digest() == EXPECTED_NAMES_DIGEST


def test_demo_logins_lists_the_planned_accounts():
    planned = [
        (label, username, spec.short_name)
        for spec in data.SCHOOLS
        for label, username in plan_school(spec, today=clock.today()).logins
    ]
    assert demo_logins() == planned


# --- the seeded database ---------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_logins_command_without_demo():
    # Before any test asks for ``seeded`` (the module fixture lives until the module ends).
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "Chưa có dữ liệu mẫu" in out.getvalue()


@pytest.mark.django_db
def test_seed_creates_both_schools_with_their_classes(seeded):
    assert "Mật khẩu chung" in seeded and data.DEMO_PASSWORD in seeded
    thcs = School.objects.get(code="THCS-NT")
    primary = School.objects.get(code="TH-CVA")
    assert thcs.levels == ["lower_secondary"] and primary.levels == ["primary"]
    assert thcs.office_name == "Ủy ban nhân dân phường Hải An"
    assert thcs.superior_kind == "commune"
    expected = {
        thcs: [f"{g}A{n}" for g in range(6, 10) for n in (1, 2, 3)],
        primary: [f"{g}{x}" for g in range(1, 6) for x in "ABC"],
    }
    for school, names in expected.items():
        year = _current_year(school)
        classes = SchoolClass.objects.filter(year=year).order_by("grade__number", "name")
        assert [c.name for c in classes] == names
        sizes = classes.annotate(n=Count("enrolments")).values_list("n", flat=True)
        assert all(38 <= n <= 42 for n in sizes), list(sizes)
    assert SchoolClass.objects.filter(year__is_closed=False).count() == 4 * 3 + 5 * 3
    assert not User.objects.filter(is_superuser=True).exists()


@pytest.mark.parametrize(
    "today, current",
    [
        (date(2026, 9, 3), "2026-2027"),  # before khai giảng: the new year already
        (date(2026, 12, 7), "2026-2027"),
        (date(2027, 1, 14), "2026-2027"),
        (date(2027, 5, 31), "2026-2027"),
        (date(2027, 7, 15), "2026-2027"),  # summer: the year just ended, not rolled over
        (date(2027, 8, 31), "2026-2027"),
        (date(2027, 9, 1), "2027-2028"),
    ],
)
def test_the_current_year_is_the_one_containing_the_day_summer_included(today, current):
    cal = data.demo_calendar(today)
    first = int(current[:4])
    assert (cal.current.name, cal.previous.name) == (current, f"{first - 1}-{first}")
    assert not cal.current.closed and cal.previous.closed
    assert cal.inspector_until == date(first + 1, 8, 31)


@pytest.mark.django_db
def test_years_terms_and_rulesets(seeded):
    from hoso.organisation.setup.calendar import proposed_calendar

    cal = _cal()
    for school, ruleset in (
        ("THCS-NT", {"lower_secondary": "TT22_2021"}),
        ("TH-CVA", {"primary": "TT27_2020"}),
    ):
        years = {y.name: y for y in SchoolYear.objects.filter(school__code=school)}
        assert set(years) == {cal.previous.name, cal.current.name}
        assert years[cal.previous.name].is_closed and not years[cal.current.name].is_closed
        for name, year in years.items():
            # The set-up's proposal is the one source of the demo's calendar.
            proposal = proposed_calendar(int(name[:4]))
            assert (year.start_date, year.end_date) == (proposal.start, proposal.end)
            assert year.rulesets == ruleset
            terms = [(t.number, t.start_date, t.end_date) for t in year.terms.all()]
            assert terms == [(1, *proposal.term1), (2, *proposal.term2)]
            assert dict(year.checkpoints.values_list("kind", "date")) == proposal.checkpoints
            holidays = [(h.name, h.start_date, h.end_date) for h in year.holidays.all()]
            assert holidays == [(h.name, h.start, h.end) for h in proposal.holidays]
        # Last year has classes with students, so the year switcher shows something.
        assert Enrolment.objects.filter(year=years[cal.previous.name]).count() > 300


@pytest.mark.django_db
def test_subjects_follow_the_circulars(seeded):
    def kinds(code):
        return dict(Subject.objects.filter(school__code=code).values_list("code", "assessment"))

    thcs = kinds("THCS-NT")
    comment = {code for code, kind in thcs.items() if kind == "comment"}
    assert comment == {"GDTC", "AN", "MT", "HDTN", "GDDP"}  # REGULATIONS.md §1.2
    assert {kind for code, kind in thcs.items() if code not in comment} == {"score"}
    primary = kinds("TH-CVA")
    both = {code for code, kind in primary.items() if kind == "both"}
    assert both == {"TV", "TOAN", "NN1", "LSDL", "KH", "THCN"}  # REGULATIONS.md §2.3
    assert {kind for code, kind in primary.items() if code not in both} == {"comment"}

    def periods(school, code):
        return dict(
            SubjectOffering.objects.filter(
                subject__school__code=school, subject__code=code
            ).values_list("grade__number", "periods_per_year")
        )

    assert periods("THCS-NT", "CN") == {6: 35, 7: 35, 8: 52, 9: 52}
    assert periods("THCS-NT", "NV") == {6: 140, 7: 140, 8: 140, 9: 140}
    assert periods("TH-CVA", "NN1") == {3: 140, 4: 140, 5: 140}
    assert periods("TH-CVA", "TNXH") == {1: 70, 2: 70, 3: 70}


@pytest.mark.django_db
def test_every_class_has_a_homeroom_teacher_and_a_teacher_per_subject_and_term(seeded):
    classes = list(SchoolClass.objects.select_related("year", "grade"))
    assert HomeroomAssignment.objects.filter(school_class__in=classes).count() == len(classes)
    assigned = {
        (a.school_class_id, a.subject_id, a.term_id)
        for a in TeachingAssignment.objects.select_related("term")
    }
    expected = set()
    for c in classes:
        subject_ids = SubjectOffering.objects.filter(grade=c.grade).values_list(
            "subject_id", flat=True
        )
        for term in c.year.terms.all():
            expected |= {(c.pk, s, term.pk) for s in subject_ids}
    assert assigned == expected
    assert TeachingAssignment.objects.count() == len(expected)
    # Teachers teach their subject in several classes.
    busy = (
        TeachingAssignment.objects.filter(term__year__is_closed=False, term__number=1)
        .values("teacher")
        .annotate(n=Count("school_class", distinct=True))
    )
    assert max(b["n"] for b in busy) >= 3


@pytest.mark.django_db
def test_students_have_valid_ids_codes_and_birth_years(seeded):
    enrolments = Enrolment.objects.filter(year__is_closed=False).select_related(
        "student", "school_class__grade"
    )
    assert Student.objects.count() == enrolments.count()
    for e in enrolments:
        s = e.student
        assert check_personal_id(s.personal_id, birth_date=s.birth_date, gender=s.gender) == []
        assert s.personal_id[:3] in {"031", "001"}
        assert re.fullmatch(r"\d{10}", s.student_code)
        assert s.birth_date.year == _cal().current.start.year - 5 - e.school_class.grade.number
        assert s.sort_name and s.search_name
    for school in School.objects.all():
        codes = Student.objects.filter(school=school).values_list("student_code", flat=True)
        assert len(set(codes)) == len(codes)
    statuses = set(enrolments.values_list("status", flat=True))
    # Transfers arrive 9 to 60 days after khai giảng: none yet in the first days of September.
    late_enough = clock.today() >= _cal().current.start + timedelta(days=60)
    transferred = {Enrolment.Status.TRANSFERRED_IN} if late_enough else set()
    assert {Enrolment.Status.STUDYING} | transferred <= statuses
    # The transfers demo (hoso/demo/transfers.py) lets two lower-secondary students leave: one
    # today, one two working days before (handed over).
    left = Enrolment.Status.TRANSFERRED_OUT
    assert statuses <= {Enrolment.Status.STUDYING, Enrolment.Status.TRANSFERRED_IN, left}
    assert enrolments.filter(status=left).count() <= 2
    assert not enrolments.filter(start_date__gt=clock.today()).exists()
    assert not RegisterEntry.objects.filter(entered_on__gt=clock.today()).exists()
    assert Student.objects.filter(has_disability=True).exclude(disability_note="").exists()
    assert Student.objects.exclude(ethnicity="Kinh").exists()


@pytest.mark.django_db
def test_students_have_one_or_two_guardians_with_accounts(seeded):
    per_student = StudentGuardian.objects.values("student").annotate(n=Count("id"))
    assert {row["n"] for row in per_student} <= {1, 2}
    assert per_student.count() == Student.objects.count()
    assert not Guardian.objects.filter(user__isnull=True).exists()
    phones = list(Guardian.objects.values_list("phone", flat=True))
    assert all(re.fullmatch(r"0\d{9}", p) for p in phones)


@pytest.mark.django_db
def test_register_numbers_are_contiguous_and_match_the_counter(seeded):
    for school in School.objects.all():
        numbers = sorted(
            RegisterEntry.objects.filter(school=school).values_list("number", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))
        assert len(numbers) == Student.objects.filter(school=school).count()
        assert RegisterCounter.objects.get(school=school).last_number == numbers[-1]


@pytest.mark.django_db
def test_database_holds_the_planned_students(seeded):
    for spec in data.SCHOOLS:
        planned = [
            e.student.full_name for e in plan_school(spec, today=clock.today()).register_entries
        ]
        stored = [
            e.student.full_name
            for e in RegisterEntry.objects.filter(school__code=spec.code)
            .select_related("student")
            .order_by("number")
        ]
        assert stored == planned


@pytest.mark.django_db
def test_staff_register_is_filled(seeded):
    for staff in Staff.objects.select_related("user"):
        assert staff.user is not None and staff.user.display_name == staff.full_name
        assert staff.birth_date and staff.start_date and staff.qualification
        assert re.fullmatch(r"\d{12}", staff.id_number) and staff.phone and staff.email
        assert staff.sort_name and staff.search_name
    teachers = Staff.objects.filter(school__code="THCS-NT", position="teacher").count()
    assert 30 <= teachers <= 40


@pytest.mark.django_db
def test_demo_accounts_share_one_password_and_need_no_change(seeded):
    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == 1
    assert User.objects.get(username="hieutruong").check_password(data.DEMO_PASSWORD)
    assert not User.objects.filter(must_change_password=True).exists()


@pytest.mark.django_db
def test_each_well_known_login_derives_its_role(seeded):
    expected = dict(data.WELL_KNOWN)
    schools = {s.short_name: s for s in School.objects.all()}
    for _label, username, short_name in demo_logins():
        school = schools[short_name]
        user = User.objects.get(username=username)
        actor = build_actor(user, school, _current_year(school), now=_during_term_1())
        key = username.removesuffix(".th")
        role = Role.INSPECTOR if key == data.INSPECTOR_USERNAME else expected[key]
        assert role in actor.roles, (username, actor.roles)
        if key == "gvbm":
            assert Role.HOMEROOM_TEACHER not in actor.roles
        if key == "gvcn":
            assert Role.SUBJECT_TEACHER in actor.roles
            homeroom = SchoolClass.objects.get(pk=next(iter(actor.homeroom_class_ids)))
            assert homeroom.name in {"6A1", "1A"}
            assert homeroom.pk in actor.taught
        if key == "totruong":
            assert Role.OFFICE_HEAD not in actor.roles and actor.department_ids
        if key == "phuhuynh":
            child_classes = set(
                Enrolment.objects.filter(
                    student_id__in=actor.child_ids, year=actor.year
                ).values_list("school_class__name", flat=True)
            )
            assert child_classes & {"6A1", "1A"}


@pytest.mark.django_db
def test_inspector_sees_only_the_granted_school(seeded):
    inspector = User.objects.get(username="thanhtra")
    thcs = School.objects.get(code="THCS-NT")
    primary = School.objects.get(code="TH-CVA")
    assert build_actor(inspector, thcs, _current_year(thcs), now=_during_term_1()).roles == {
        Role.INSPECTOR
    }
    assert not build_actor(inspector, primary, _current_year(primary), now=_during_term_1()).roles
    after_grant = datetime.combine(_cal().inspector_until + timedelta(days=1), time(), tzinfo=TZ)
    assert not build_actor(inspector, thcs, _current_year(thcs), now=after_grant).roles


@pytest.mark.django_db
def test_last_year_keeps_teachers_with_their_classes(seeded):
    thcs = School.objects.get(code="THCS-NT")
    previous = SchoolYear.objects.get(school=thcs, is_closed=True)
    last_year_6a1 = SchoolClass.objects.get(year=previous, name="6A1")
    now_7a1 = SchoolClass.objects.get(year=_current_year(thcs), name="7A1")
    teacher = homeroom_teacher_of(now_7a1)
    assert homeroom_teacher_of(last_year_6a1) == teacher
    actor = build_actor(teacher.user, thcs, previous, now=_during_term_1())
    assert actor.readonly_year and Role.HOMEROOM_TEACHER in actor.roles
    moved_up = set(
        Enrolment.objects.filter(school_class=last_year_6a1).values_list("student_id", flat=True)
    )
    assert moved_up <= set(
        Enrolment.objects.filter(school_class=now_7a1).values_list("student_id", flat=True)
    )


@pytest.mark.django_db
def test_one_audit_event_per_school_and_the_chain_verifies(seeded):
    events = AuditEvent.objects.filter(event_type="demo.seeded").exclude(after__has_key="module")
    assert events.count() == 2
    # The grade-book rows written in bulk: term I in both schools, last year's 6A1 in THCS.
    gradebook = AuditEvent.objects.filter(event_type="demo.seeded", after__module="gradebook")
    # (+ in summer, this year's 6A1 and 9A1 closed like last year's — 9A1 for graduation)
    assert gradebook.count() == 3 + 2 * _summer()
    started = clock.today() >= _cal().current.start + timedelta(days=14)  # TX1 from week 3
    assert all(e.after["assessments"] > 0 for e in gradebook if started or "class" in e.after)
    for event in events:
        assert event.seq == 1 and event.school_id
        assert event.after["students"] == Student.objects.filter(school_id=event.school_id).count()
    call_command("audit_verify", stdout=StringIO())


@pytest.mark.django_db
def test_a_second_run_changes_nothing(seeded):
    before = (Student.objects.count(), User.objects.count(), AuditEvent.objects.count())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "dữ liệu mẫu đã có" in out.getvalue()
    assert (Student.objects.count(), User.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.django_db
def test_demo_logins_command_prints_the_table(seeded):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for _label, username, _school in demo_logins():
        assert username in text
    assert data.DEMO_PASSWORD in text
    from hoso.transcripts.models import Transcript

    revoked = Transcript.objects.get(state=Transcript.State.REVOKED)
    assert f"/xac-minh/{revoked.code}" in text
    assert f"/xac-minh/{revoked.replaced_by.code}" in text


# --- grade book and transcripts (hoso.demo.gradebook, hoso.demo.transcripts) ------------------

SCORE_RE = re.compile(r"^(10|\d)\.\d$")


@pytest.mark.django_db
def test_current_year_sheets_hold_what_was_assessed_up_to_today(seeded):
    from hoso.demo.gradebook import term_plan
    from hoso.gradebook.entry.models import Assessment, SheetColumn

    today = clock.today()
    for code in ("THCS-NT", "TH-CVA"):
        year = _current_year(School.objects.get(code=code))
        checkpoints = dict(year.checkpoints.values_list("kind", "date"))
        cells = Assessment.objects.filter(term__year=year)
        assert not cells.filter(assessed_on__gt=today).exists()
        # (the module's seed ran a moment after each test's clock starts: compare with the day)
        assert not cells.filter(entered_at__gte=clock.at(today + timedelta(days=1))).exists()
        assert not cells.filter(term__start_date__gt=today).exists()  # a term not started: empty
        # Whoever entered a cell teaches that sheet.
        taught = set(
            TeachingAssignment.objects.filter(school_class__year=year).values_list(
                "school_class_id", "subject_id", "term_id", "teacher__user_id"
            )
        )
        entered = set(
            cells.values_list("school_class_id", "subject_id", "term_id", "entered_by_id")
        )
        assert entered <= taught
        classes = set(SchoolClass.objects.filter(year=year).values_list("pk", flat=True))
        for term in year.terms.all():
            plan = term_plan(term, checkpoints, regular=2)
            for key, (first, last, _share) in plan.items():
                if key.startswith("TX") and key != "TX1":
                    continue  # where TX2… fall depends on how many the sheet requires
                column = cells.filter(term=term, column=key)
                if today < first:  # its window has not opened: nothing yet
                    assert not column.exists(), (code, term.number, key)
                elif today > last and key in ("TX1", "GK", "CK", f"MUC_end{term.number}"):
                    # Its window is over: every class has it (the primary level and the
                    # secondary columns every sheet requires).
                    if code == "TH-CVA" and not key.startswith("MUC"):
                        continue
                    if code == "THCS-NT" and key.startswith("MUC"):
                        continue
                    assert set(column.values_list("school_class_id", flat=True)) == classes, (
                        code,
                        term.number,
                        key,
                    )
    thcs = _current_year(School.objects.get(code="THCS-NT"))
    cells = Assessment.objects.filter(term__year=thcs)
    for value, assessment in cells.values_list("value", "subject__assessment")[:3000]:
        if assessment == "comment":
            assert value in ("D", "CD")
        else:
            assert SCORE_RE.match(value) and 0 <= float(value) <= 10, value
    # A mid-term test scheduled after today is announced (test date) and still empty.
    gk = SheetColumn.objects.filter(term__year=thcs, column="GK")
    for sc in gk.filter(test_date__gt=today)[:20]:
        assert not cells.filter(
            school_class=sc.school_class_id, subject=sc.subject_id, term=sc.term_id, column="GK"
        ).exists()
    assert not SheetColumn.objects.filter(
        finalised_at__gte=clock.at(today + timedelta(days=1))
    ).exists()
    tx1 = cells.filter(column="TX1", term__number=1)
    if tx1.exists():  # a few absent students leave TX1 empty
        sheets = tx1.values("school_class", "subject").annotate(n=Count("id"))
        sizes = dict(
            SchoolClass.objects.filter(year=thcs)
            .annotate(n=Count("enrolments"))
            .values_list("pk", "n")
        )
        assert any(row["n"] < sizes[row["school_class"]] for row in sheets)
    # Primary: the mid-term test only in grades 4–5 (TV, Toán); comments go with the levels.
    primary = _current_year(School.objects.get(code="TH-CVA"))
    pcells = Assessment.objects.filter(term__year=primary)
    if pcells.filter(column="MUC_mid1").exists():
        assert set(pcells.filter(column="MUC_mid1").values_list("value", flat=True)) == {
            "T",
            "H",
            "C",
        }
        tested = pcells.filter(column="KT_mid1")
        assert set(tested.values_list("subject__code", flat=True)) == {"TV", "TOAN"}
        assert set(tested.values_list("school_class__grade__number", flat=True)) == {4, 5}
    assert not pcells.filter(column__startswith="NX_", text="").exists()


@pytest.mark.django_db
def test_some_columns_of_the_demo_subject_teacher_are_finalised(seeded):
    from hoso.gradebook.entry.models import Assessment, SheetColumn

    for username in ("gvbm", "gvbm.th"):
        user = User.objects.get(username=username)
        finalised = SheetColumn.objects.filter(
            finalised_by=user, finalised_at__isnull=False, term__year__is_closed=False
        )
        assert finalised.count() <= 6
        # Finalised once the teacher's first regular column (or primary level) is entered.
        entered = Assessment.objects.filter(
            entered_by=user, term__year__is_closed=False, column__in=["TX1", "MUC_mid1"]
        )
        assert finalised.exists() == entered.exists()
        for sc in finalised:
            assert Assessment.objects.filter(
                school_class=sc.school_class_id,
                subject=sc.subject_id,
                term=sc.term_id,
                column=sc.column,
                entered_by=user,
            ).exists()


@pytest.mark.django_db
def test_last_year_class_results_are_approved_with_lists(seeded):
    from hoso.demo.gradebook import LAST_YEAR_CLASS
    from hoso.gradebook.entry.models import Assessment
    from hoso.gradebook.results.compute import class_results
    from hoso.gradebook.results.models import ClassResult

    thcs = School.objects.get(code="THCS-NT")
    previous = SchoolYear.objects.get(school=thcs, is_closed=True)
    school_class = SchoolClass.objects.get(year=previous, name=LAST_YEAR_CLASS)
    states = dict(
        ClassResult.objects.filter(school_class=school_class).values_list("period", "state")
    )
    for period in ("term1", "term2", "year"):
        assert states[period] == ClassResult.State.APPROVED
    principal = User.objects.get(username="hieutruong")
    approvals = AuditEvent.objects.filter(event_type="results.approved", school_id=thcs.pk)
    # Term I, term II and the year, of last year's 6A1 (and in summer of this year's 6A1 and 9A1).
    assert approvals.count() == 3 * (1 + 2 * _summer()) and set(
        approvals.values_list("actor", flat=True)
    ) == {principal.pk}
    confirmed = AuditEvent.objects.filter(event_type="results.confirmed", school_id=thcs.pk)
    assert confirmed.count() == 3 * (1 + 2 * _summer())
    results = class_results(school_class, "year")
    assert not results.blocking
    lists = results.lists()
    assert lists["retest"] and lists["titles"] and lists["summer"]
    assert len(lists["promotion"]) >= len(results.rows) - 5
    # Only that class of last year has results; the primary school has none for last year.
    assert (
        not Assessment.objects.filter(term__year__is_closed=True)
        .exclude(school_class=school_class)
        .exists()
    )


@pytest.mark.django_db
def test_last_year_transcripts_are_issued_and_one_is_replaced(seeded, client):
    from hoso.signing.services import validate_pdf
    from hoso.transcripts.actions import read_pdf
    from hoso.transcripts.models import Transcript

    thcs = School.objects.get(code="THCS-NT")
    issued = Transcript.objects.filter(year__is_closed=True, state=Transcript.State.ISSUED)
    revoked = Transcript.objects.filter(year__is_closed=True, state=Transcript.State.REVOKED)
    assert issued.count() == 6 and revoked.count() == 1
    old = revoked.get()
    assert old.replaced_by.state == Transcript.State.ISSUED
    assert old.replaced_by.supersedes_id == old.pk and old.revoke_reason
    for transcript in issued:
        report = validate_pdf(read_pdf(transcript), school=thcs)
        assert report.all_valid, report.error
        assert len(report.signatures) == 3  # homeroom teacher, principal, school seal
    page = client.get(f"/xac-minh/{old.code}")
    assert page.status_code == 200 and "thay thế" in page.content.decode()
    page = client.get(f"/xac-minh/{old.replaced_by.code}")
    assert page.status_code == 200 and "không còn giá trị" not in page.content.decode()
    # This year's drafts stay drafts: the year's results are not approved yet. The demo's
    # transferred-out students' drafts were replaced by their extracts at the leaving date, and
    # one extract was signed and issued (the transfer handed over).
    this_year = Transcript.objects.filter(year__is_closed=False)
    assert set(this_year.values_list("state", flat=True)) <= {
        Transcript.State.DRAFT,
        Transcript.State.SUPERSEDED,
        Transcript.State.ISSUED,
    }
    for old_draft in this_year.filter(state=Transcript.State.SUPERSEDED):
        extract = this_year.exclude(state=Transcript.State.SUPERSEDED).get(
            student=old_draft.student
        )
        assert extract.data["content"]["left"] and "left" not in old_draft.data["content"]
    for issued_now in this_year.filter(state=Transcript.State.ISSUED):
        assert issued_now.data["content"]["left"]["status"] == "transferred_out"
        assert not issued_now.data["content"]["pending"]
    call_command("audit_verify", stdout=StringIO())


@pytest.mark.django_db
def test_a_second_run_adds_no_grades_or_transcripts(seeded):
    from hoso.gradebook.entry.models import Assessment, SheetColumn
    from hoso.gradebook.results.models import ClassResult
    from hoso.transcripts.models import Transcript

    def counts():
        return (
            Assessment.objects.count(),
            SheetColumn.objects.count(),
            ClassResult.objects.count(),
            Transcript.objects.count(),
            AuditEvent.objects.count(),
        )

    before = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == before


@pytest.mark.django_db
def test_a_correction_can_be_filed_on_a_finalised_demo_column(seeded, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hoso.core.errors import DomainError
    from hoso.gradebook.corrections.actions import correction_request
    from hoso.gradebook.corrections.models import CorrectionRequest
    from hoso.gradebook.entry.actions import assessment_save
    from hoso.gradebook.entry.models import Assessment, SheetColumn
    from hoso.gradebook.entry.sheets import load_sheet
    from hoso.gradebook.errors import GradebookError

    settings.MEDIA_ROOT = tmp_path / "media"
    thcs = School.objects.get(code="THCS-NT")
    user = User.objects.get(username="gvbm")
    sc = SheetColumn.objects.filter(
        finalised_by=user, term__year__school=thcs, column="TX1"
    ).first()
    if sc is None:  # first days of the year: nothing entered, so nothing finalised yet
        assert not Assessment.objects.filter(
            entered_by=user, term__year=_current_year(thcs)
        ).exists()
        return
    sheet = load_sheet(sc.school_class, sc.subject, sc.term)
    cell = Assessment.objects.filter(
        school_class=sc.school_class, subject=sc.subject, term=sc.term, column="TX1"
    ).first()
    actor = build_actor(user, thcs, _current_year(thcs))
    new = "9.0" if cell.value != "9.0" else "8.0"
    with pytest.raises(DomainError) as refused:
        assessment_save(
            actor=actor, sheet=sheet, student=cell.student, column_key="TX1", raw_value=new
        )
    assert refused.value.code == GradebookError.FINALISED
    evidence = SimpleUploadedFile(
        "so-ghi-diem.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    )
    correction = correction_request(
        actor=actor,
        sheet=sheet,
        student=cell.student,
        column_key="TX1",
        new_value=new,
        reason="Cộng nhầm điểm bài kiểm tra thường xuyên (thử quy trình sửa điểm).",
        files=[evidence],
    )
    assert correction.state == CorrectionRequest.State.REQUESTED
    assert correction.single.old_value == cell.value


def test_seed_demo_refuses_a_reference_day_it_cannot_read():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ngày tham chiếu không hợp lệ"):
        call_command("seed_demo", "--today", "31/02/2027", stdout=StringIO())
