"""The one count of missed sessions, and working days with the school's holidays."""

from datetime import date

import pytest

from hoso.attendance import selectors
from hoso.attendance.models import AttendanceMark, AttendanceSettings, CountedSessions
from hoso.core import clock
from hoso.organisation.models import Holiday
from hoso.organisation.workdays import add_working_days, working_days_between

pytestmark = pytest.mark.django_db


def _mark(w, day, session, *, status="absent", excuse="", period=0, student=None):
    return AttendanceMark.objects.create(
        school=w.school,
        student=student or w.student_a,
        school_class=w.class_a,
        date=day,
        session=session,
        period=period,
        status=status,
        excuse=excuse,
        marked_at=clock.now(),
    )


def test_main_session_only_counts_by_default(world):
    w = world
    _mark(w, date(2026, 10, 5), "morning", excuse="excused")
    _mark(w, date(2026, 10, 5), "afternoon", excuse="unexcused")  # second session: not counted
    _mark(w, date(2026, 10, 6), "morning", excuse="unexcused")
    _mark(w, date(2026, 10, 7), "morning")  # pending
    _mark(w, date(2026, 10, 8), "morning", status="late")
    _mark(w, date(2026, 10, 9), "morning", period=3, excuse="unexcused")  # a period: never
    t = selectors.totals(school_id=w.school.id, start=date(2026, 9, 1), end=date(2026, 10, 31))
    got = t[w.student_a.id]
    assert (got.excused, got.unexcused, got.pending, got.late) == (1, 1, 1, 1)
    assert got.absent == 3


def test_all_sessions_when_the_school_says_so(world):
    w = world
    AttendanceSettings.objects.create(school=w.school, counted_sessions=CountedSessions.ALL)
    _mark(w, date(2026, 10, 5), "morning", excuse="excused")
    _mark(w, date(2026, 10, 5), "afternoon", excuse="unexcused")
    t = selectors.totals(school_id=w.school.id, start=date(2026, 10, 1), end=date(2026, 10, 31))
    assert t[w.student_a.id].absent == 2


def test_one_session_class_counts_its_session(world):
    w = world
    w.class_a.sessions_per_day = 1
    w.class_a.save()
    _mark(w, date(2026, 10, 5), "afternoon", excuse="excused")
    t = selectors.totals(school_id=w.school.id, start=date(2026, 10, 1), end=date(2026, 10, 31))
    assert t[w.student_a.id].excused == 1


def test_period_bounds_are_inclusive(world):
    w = world
    _mark(w, date(2026, 9, 30), "morning")
    _mark(w, date(2026, 10, 1), "morning")
    _mark(w, date(2026, 10, 31), "morning")
    _mark(w, date(2026, 11, 1), "morning")
    t = selectors.totals(school_id=w.school.id, start=date(2026, 10, 1), end=date(2026, 10, 31))
    assert t[w.student_a.id].pending == 2


def test_school_days_skip_weekends_and_holidays(world):
    w = world
    Holiday.objects.create(
        year=w.year, name="Nghỉ giữa kỳ", start_date=date(2026, 10, 7), end_date=date(2026, 10, 8)
    )
    days = selectors.school_days(w.class_a, date(2026, 10, 5), date(2026, 10, 11))
    assert days == [date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 9)]


def test_working_days_with_the_schools_holidays(world):
    w = world
    # Friday 2026-10-02 + 3 working days = Wednesday 10-07; with 10-06 off, Thursday 10-08.
    assert add_working_days(w.school.id, date(2026, 10, 2), 3) == date(2026, 10, 7)
    Holiday.objects.create(
        year=w.year, name="Nghỉ", start_date=date(2026, 10, 6), end_date=date(2026, 10, 6)
    )
    assert add_working_days(w.school.id, date(2026, 10, 2), 3) == date(2026, 10, 8)
    assert working_days_between(w.school.id, date(2026, 10, 2), date(2026, 10, 8)) == 3
    assert working_days_between(w.school.id, date(2026, 10, 8), date(2026, 10, 2)) == 0


def test_totals_of_many_spans_in_one_query_equal_totals_of_each(world, django_assert_num_queries):
    """GIVEN marks of two students WHEN several (student, start, end) spans are counted at once
    THEN each span has what ``totals`` gives it alone, in one query."""
    w = world
    for day, excuse in ((5, "excused"), (6, "unexcused"), (7, ""), (20, "unexcused")):
        _mark(w, date(2026, 10, day), "morning", excuse=excuse)
    _mark(w, date(2026, 10, 6), "morning", excuse="excused", student=w.student_b)
    _mark(w, date(2026, 10, 8), "morning", status="late", student=w.student_b)
    spans = {
        "a early": (w.student_a.id, date(2026, 10, 1), date(2026, 10, 10)),
        "a late": (w.student_a.id, date(2026, 10, 11), date(2026, 10, 31)),
        "b": (w.student_b.id, date(2026, 10, 1), date(2026, 10, 7)),
        "b none": (w.student_b.id, date(2026, 11, 1), date(2026, 11, 30)),
    }
    settings = selectors.settings_for(w.school.id)
    with django_assert_num_queries(1):
        got = selectors.totals_spans(school_id=w.school.id, spans=spans, settings=settings)
    for key, (student_id, start, end) in spans.items():
        alone = selectors.totals(
            school_id=w.school.id, start=start, end=end, student_ids=[student_id]
        ).get(student_id)
        assert got.get(key) == alone, key
    assert got["a early"].absent == 3 and got["a late"].unexcused == 1 and "b none" not in got
