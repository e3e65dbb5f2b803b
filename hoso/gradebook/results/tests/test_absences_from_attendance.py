"""The absences of the results come from attendance when the school's source is "daily" (issue
13 item 2): totals per term into the homeroom inputs, the 45-session rule on them, warnings
once per crossing, the typed inputs refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from hoso.attendance import actions as attendance_actions
from hoso.attendance.models import AttendanceMark, AttendanceSettings
from hoso.audit.models import AuditEvent
from hoso.core import clock
from hoso.gradebook.results import actions as results_actions
from hoso.gradebook.results.absences import sync_absences, thresholds_crossed
from hoso.gradebook.results.models import HomeroomInput, StudentResult
from hoso.gradebook.results.tasks import follow_attendance
from hoso.gradebook.tests.results_helpers import (
    all_traits,
    fill_all,
    inputs,
    primary_grades,
    primary_school,
    rich_school,
)
from hoso.notifications.models import Notification
from hoso.students.models import Enrolment
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(world):
    return rich_school(world)


def weekdays(start: date, count: int) -> list[date]:
    out, day = [], start
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def absent(world, student, days, *, session="morning", excuse="", school_class=None):
    AttendanceMark.objects.bulk_create(
        AttendanceMark(
            school=world.school,
            student=student,
            school_class=school_class or world.class_a,
            date=d,
            session=session,
            status="absent",
            excuse=excuse,
            marked_at=clock.now(),
        )
        for d in days
    )


def year_result(world, student=None, school_class=None):
    return StudentResult.objects.get(
        class_result__school_class=school_class or world.class_a,
        class_result__period="year",
        student=student or world.student_a,
    ).data


def ready_for_the_year(rich):
    """Every grade 8 and training T in both terms: only the absences decide."""
    w = rich.world
    fill_all(rich, w.student_a, 8)
    inputs(w, w.student_a, training_term1="T", training_term2="T")


TERM1_DAYS = weekdays(date(2026, 9, 7), 60)  # inside term I (to 16/01/2027)
TERM2_DAYS = weekdays(date(2027, 1, 18), 60)


def test_45_sessions_pass_46_fail_from_the_rolls(world, rich):
    """GIVEN a student good in everything, WHEN attendance holds 45 counted absences (P, K and
    unconfirmed), THEN the year's result is "lên lớp"; one more unexcused → "ở lại lớp"."""
    ready_for_the_year(rich)
    absent(world, world.student_a, TERM1_DAYS[:20], excuse="excused")
    absent(world, world.student_a, TERM1_DAYS[20:25], excuse="unexcused")
    absent(world, world.student_a, TERM2_DAYS[:20])  # not yet confirmed: counted
    assert follow_attendance([world.class_a.pk]) == 1
    hi = HomeroomInput.objects.get(student=world.student_a, year=world.year)
    assert (hi.absences_term1, hi.excused_term1, hi.unexcused_term1) == (25, 20, 5)
    assert (hi.absences_term2, hi.excused_term2, hi.unexcused_term2) == (20, 0, 0)
    assert hi.updated_by is None  # written by the follow-up, not a person
    assert hi.training_term1 == "T"  # the typed fields stay
    data = year_result(world)
    assert data["absences"] == 45 and data["decision"] == "LEN_LOP"

    absent(world, world.student_a, TERM2_DAYS[20:21], excuse="unexcused")
    assert follow_attendance([world.class_a.pk]) == 1
    data = year_result(world)
    assert data["absences"] == 46 and data["decision"] == "O_LAI_LOP"
    assert any("quá 45 buổi" in line for line in data["explanation"])
    synced = AuditEvent.objects.filter(event_type="results.absences_from_attendance")
    assert synced.count() == 2
    last = synced.order_by("-pk").first()
    assert last.before[str(world.student_a.pk)]["absences_term2"] == 20
    assert last.after[str(world.student_a.pk)] == {"absences_term2": 21, "unexcused_term2": 1}


def test_the_second_session_is_not_counted_with_the_main_session(world, rich):
    ready_for_the_year(rich)
    absent(world, world.student_a, TERM1_DAYS[:45])
    absent(world, world.student_a, TERM1_DAYS[:10], session="afternoon", excuse="unexcused")
    follow_attendance([world.class_a.pk])
    data = year_result(world)
    assert data["absences"] == 45 and data["decision"] == "LEN_LOP"
    # The school counts every session: the afternoons count too.
    AttendanceSettings.objects.create(school=world.school, counted_sessions="all")
    follow_attendance([world.class_a.pk])
    data = year_result(world)
    assert data["absences"] == 55 and data["decision"] == "O_LAI_LOP"


def test_a_roll_taken_brings_the_totals_after_commit(
    world, rich, django_capture_on_commit_callbacks
):
    """The whole path: take_roll → AttendanceChanged → the subscriber's background task."""
    day = date(2026, 11, 19)
    other = make_student(world.school, world.class_a, "Lê Thu Hà")
    with django_capture_on_commit_callbacks(execute=True):
        attendance_actions.take_roll(
            actor=world.actor("homeroom"),
            school_class=world.class_a,
            day=day,
            session="morning",
            marks={world.student_a.pk: "absent", other.pk: "late"},
        )
    a = HomeroomInput.objects.get(student=world.student_a, year=world.year)
    b = HomeroomInput.objects.get(student=other, year=world.year)
    assert (a.absences_term1, a.absences_term2) == (1, 0)
    assert (b.absences_term1, b.absences_term2) == (0, 0)  # late is not an absence
    term1 = StudentResult.objects.get(
        class_result__school_class=world.class_a,
        class_result__period="term1",
        student=world.student_a,
    )
    assert term1.data["absences"] == 1


def test_primary_is_never_blocked_by_absences(world):
    primary = primary_school(world)
    pupil = make_student(world.school, primary.school_class, "Phan Minh Châu")
    primary_grades(primary, pupil)
    inputs(world, pupil, **all_traits("T"))
    absent(world, pupil, TERM1_DAYS[:40], school_class=primary.school_class, excuse="unexcused")
    absent(world, pupil, TERM2_DAYS[:40], school_class=primary.school_class)
    follow_attendance([primary.school_class.pk])
    data = year_result(world, pupil, primary.school_class)
    assert data["absences"] == 80
    assert data["errors"] == [] and data["completed"] is True and data["overall"] == "HTXS"
    # No limit at primary: only the school's warning threshold was notified.
    texts = list(
        Notification.objects.filter(kind="attendance_warning").values_list("text", flat=True)
    )
    assert texts and all("giới hạn" not in t for t in texts)


def test_warnings_once_per_threshold_crossing(world, rich):
    """GIVEN warn_from 30, the homeroom teacher and the parent (an account) are told once when
    the year's total reaches 30, not again at 31, and once more at the limit (45)."""
    homeroom, parent = world.users["homeroom"], world.users["parent"]

    def warnings(user):
        return list(
            Notification.objects.filter(user=user, kind="attendance_warning")
            .order_by("pk")
            .values_list("text", flat=True)
        )

    absent(world, world.student_a, TERM1_DAYS[:29])
    follow_attendance([world.class_a.pk])
    assert warnings(homeroom) == [] and warnings(parent) == []
    absent(world, world.student_a, TERM1_DAYS[29:30])
    follow_attendance([world.class_a.pk])
    assert len(warnings(homeroom)) == 1 and len(warnings(parent)) == 1
    assert (
        "đã nghỉ 30 buổi" in warnings(parent)[0]
        and world.student_a.full_name in warnings(parent)[0]
    )
    absent(world, world.student_a, TERM1_DAYS[30:31])
    follow_attendance([world.class_a.pk])
    follow_attendance([world.class_a.pk])  # a re-delivered event changes nothing
    assert len(warnings(homeroom)) == 1 and len(warnings(parent)) == 1
    absent(world, world.student_a, TERM2_DAYS[:14])
    follow_attendance([world.class_a.pk])
    assert len(warnings(homeroom)) == 2 and len(warnings(parent)) == 2
    assert "giới hạn 45 buổi" in warnings(parent)[1]
    # student_b has no guardian account and was never near a threshold.
    assert not Notification.objects.filter(text__contains=world.student_b.full_name).exists()


@pytest.mark.parametrize(
    "old,new,expected",
    [(0, 29, []), (29, 30, [30]), (30, 44, []), (29, 46, [30, 45]), (44, 45, [45]), (46, 40, [])],
)
def test_thresholds_crossed(old, new, expected):
    assert thresholds_crossed(old, new, 30, 45) == expected
    assert thresholds_crossed(old, new, 30, None) == [t for t in expected if t == 30]


def test_a_student_who_changed_class_keeps_the_old_class_absences(world, rich):
    absent(world, world.student_a, TERM1_DAYS[:3], excuse="excused")
    old = Enrolment.objects.get(student=world.student_a, end_date__isnull=True)
    old.end_date = date(2026, 11, 2)
    old.save()
    Enrolment.objects.create(
        student=world.student_a,
        year=world.year,
        school_class=world.class_b,
        start_date=date(2026, 11, 2),
    )
    absent(world, world.student_a, [date(2026, 11, 3)], school_class=world.class_b)
    summary = sync_absences(world.year, [world.class_b.pk])
    # student_b (6A2, no absence) gets its zeros; student_a its 6A1 absences too.
    assert summary.changed == sorted([world.student_a.pk, world.student_b.pk])
    assert summary.classes == {world.class_b.pk}
    hi = HomeroomInput.objects.get(student=world.student_a, year=world.year)
    assert (hi.absences_term1, hi.excused_term1) == (4, 3)


def test_typed_absences_are_refused_when_they_come_from_the_rolls(world, rich):
    with pytest.raises(results_actions.InputsInvalid) as caught:
        results_actions.homeroom_inputs_save(
            actor=world.actor("homeroom"),
            school_class=world.class_a,
            rows={world.student_a.pk: {"absences_term1": "3", "training_term1": "T"}},
        )
    message = caught.value.errors[(world.student_a.pk, "absences_term1")]
    assert "lấy từ điểm danh" in message
    assert not HomeroomInput.objects.filter(student=world.student_a).exists()  # all or nothing


def test_typed_schools_keep_typing_and_the_rolls_write_nothing(world, rich, typed_absences):
    results_actions.homeroom_inputs_save(
        actor=world.actor("homeroom"),
        school_class=world.class_a,
        rows={world.student_a.pk: {"absences_term1": "3"}},
    )
    absent(world, world.student_a, TERM1_DAYS[:10])
    assert sync_absences(world.year, [world.class_a.pk]).changed == []
    assert HomeroomInput.objects.get(student=world.student_a).absences_term1 == 3


def test_an_approved_term_keeps_its_totals(world, rich):
    from hoso.gradebook.results.models import ClassResult

    absent(world, world.student_a, TERM1_DAYS[:2])
    follow_attendance([world.class_a.pk])
    ClassResult.objects.filter(school_class=world.class_a, period="term1").update(
        state=ClassResult.State.APPROVED
    )
    absent(world, world.student_a, TERM1_DAYS[2:4])
    absent(world, world.student_a, TERM2_DAYS[:1])
    follow_attendance([world.class_a.pk])
    hi = HomeroomInput.objects.get(student=world.student_a, year=world.year)
    assert (hi.absences_term1, hi.absences_term2) == (2, 1)


def test_the_pages_show_the_totals_from_attendance_read_only(client, world, rich):
    absent(world, world.student_a, TERM1_DAYS[:3], excuse="excused")
    absent(world, world.student_a, TERM1_DAYS[3:4], excuse="unexcused")
    follow_attendance([world.class_a.pk])
    client.force_login(world.users["homeroom"])
    html = client.get(reverse("gradebook:results_inputs", args=[world.class_a.pk])).content
    html = html.decode()
    assert "Từ điểm danh" in html and "P 3 · K 1" in html
    assert f'name="f-{world.student_a.pk}-absences_term1"' not in html  # no input
    page = client.get(
        reverse("gradebook:results_class_period", args=[world.class_a.pk, "term1"])
    ).content.decode()
    assert "P 3 · K 1" in page
