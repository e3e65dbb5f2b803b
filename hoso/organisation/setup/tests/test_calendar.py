"""The proposed calendar and its checks (pure). GIVEN a school year's start, WHEN the set-up
proposes its calendar, THEN it follows the Ministry's usual dates and passes its own checks; WHEN
a date is wrong, THEN the check names the field and says why in Vietnamese."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from hoso.core.errors import DomainError
from hoso.organisation.setup import calendar as cal
from hoso.organisation.setup.errors import SetupError


def test_the_proposal_for_2026_is_the_demo_calendar():
    plan = cal.proposed_calendar(2026)
    assert plan.name == "2026-2027"
    assert (plan.start, plan.end) == (date(2026, 9, 5), date(2027, 5, 31))
    assert plan.term1 == (date(2026, 9, 5), date(2027, 1, 16))  # the Saturday before 18/01
    assert plan.term2 == (date(2027, 1, 18), date(2027, 5, 31))
    assert plan.checkpoints == {
        "mid1": date(2026, 11, 2),
        "end1": date(2027, 1, 11),
        "mid2": date(2027, 3, 22),
        "end2": date(2027, 5, 17),
    }
    names = [h.name for h in plan.holidays]
    assert names[0] == "Tết Dương lịch" and "Nghỉ Tết Nguyên đán" in names
    tet = next(h for h in plan.holidays if h.name == "Nghỉ Tết Nguyên đán")
    assert tet.start <= date(2027, 2, 6) <= tet.end  # mùng 1 Tết Đinh Mùi


@pytest.mark.parametrize("start_year", range(2024, 2040))
def test_every_proposal_passes_its_own_checks(start_year):
    plan = cal.proposed_calendar(start_year)
    cal.check_calendar(plan)
    for holiday in plan.holidays:
        cal.check_holiday(holiday, start=plan.start, end=plan.end)
    assert plan.term1[1].weekday() == 5 and plan.term1[1] < date(start_year + 1, 1, 18)
    assert all(d.weekday() == 0 for d in plan.checkpoints.values())


def test_without_a_lunar_date_no_tet_is_proposed():
    assert [h.name for h in cal.proposed_holidays(2040)] == [
        "Tết Dương lịch",
        "Ngày Giải phóng miền Nam, thống nhất đất nước và Quốc tế Lao động",
    ]


def test_the_year_to_set_up_is_the_running_one_until_may_and_the_next_from_june():
    assert cal.proposed_start_year(date(2026, 11, 20)) == 2026
    assert cal.proposed_start_year(date(2027, 5, 31)) == 2026
    assert cal.proposed_start_year(date(2027, 6, 1)) == 2027


def _refused(plan, code: SetupError, field: str, **kw):
    with pytest.raises(DomainError) as caught:
        cal.check_calendar(plan, **kw)
    assert caught.value.code == code
    assert caught.value.field == field
    return caught.value.message


@pytest.mark.parametrize("name", ["2027", "2027-2029", "27-28", "2027/2028", ""])
def test_a_year_name_has_the_shape_2027_2028(name):
    plan = replace(cal.proposed_calendar(2027), name=name)
    assert "2027-2028" in _refused(plan, SetupError.YEAR_NAME_INVALID, "name")


def test_dates_must_match_the_name():
    plan = replace(cal.proposed_calendar(2027), name="2028-2029")
    message = _refused(plan, SetupError.YEAR_NAME_DATES, "start_date")
    assert message == "Năm học 2028-2029 phải bắt đầu trong năm 2028 và kết thúc trong năm 2029."


def test_the_year_ends_after_it_starts():
    plan = cal.proposed_calendar(2027)
    _refused(replace(plan, end=plan.start), SetupError.YEAR_DATES, "end_date")


def test_a_year_may_not_overlap_another_year_of_the_school():
    plan = cal.proposed_calendar(2027)
    message = _refused(
        plan,
        SetupError.YEAR_OVERLAP,
        "start_date",
        other_years=[("2026-2027", date(2026, 9, 5), date(2027, 9, 30))],
    )
    assert "2026-2027" in message and "30/09/2027" in message


def test_terms_lie_inside_the_year_and_do_not_overlap():
    plan = cal.proposed_calendar(2027)
    _refused(
        replace(plan, term1=(date(2027, 9, 1), plan.term1[1])),
        SetupError.TERM_OUTSIDE_YEAR,
        "term1_start",
    )
    _refused(
        replace(plan, term2=(plan.term1[1], plan.term2[1])), SetupError.TERMS_OVERLAP, "term2_start"
    )
    _refused(
        replace(plan, term1=(plan.term1[0], plan.term1[0])), SetupError.TERM_DATES, "term1_end"
    )


def test_checkpoints_lie_inside_their_term_in_order():
    plan = cal.proposed_calendar(2027)
    outside = dict(plan.checkpoints, mid2=plan.term1[1])
    message = _refused(
        replace(plan, checkpoints=outside), SetupError.CHECKPOINT_OUTSIDE_TERM, "mid2"
    )
    assert message.startswith("Giữa học kỳ II phải nằm trong Học kỳ II")
    swapped = dict(plan.checkpoints, mid1=plan.checkpoints["end1"], end1=plan.checkpoints["mid1"])
    _refused(replace(plan, checkpoints=swapped), SetupError.CHECKPOINT_ORDER, "end1")


def test_a_holiday_lies_inside_its_year():
    plan = cal.proposed_calendar(2027)
    late = cal.Holiday("Nghỉ hè", date(2028, 6, 1), date(2028, 6, 2))
    with pytest.raises(DomainError) as caught:
        cal.check_holiday(late, start=plan.start, end=plan.end)
    assert caught.value.code == SetupError.HOLIDAY_OUTSIDE_YEAR
    backwards = cal.Holiday("Ngày lễ", date(2027, 11, 20), date(2027, 11, 19))
    with pytest.raises(DomainError) as caught:
        cal.check_holiday(backwards, start=plan.start, end=plan.end)
    assert caught.value.code == SetupError.HOLIDAY_DATES


def test_weeks_carry_their_term_holidays_and_checkpoints():
    plan = cal.proposed_calendar(2026)
    weeks = cal.school_weeks(
        start=plan.start,
        end=plan.end,
        terms=[(1, *plan.term1), (2, *plan.term2)],
        holidays=[(h.name, h.start, h.end) for h in plan.holidays],
        checkpoints=list(plan.checkpoints.items()),
    )
    assert weeks[0].number == 1 and weeks[0].start == date(2026, 8, 31)
    assert weeks[9].checkpoints == ("Giữa học kỳ I",)  # week 10 starts on 2 November
    assert next(w for w in weeks if w.start == date(2027, 1, 18)).term == 2
    assert any("Nghỉ Tết Nguyên đán" in w.holidays for w in weeks)
    assert weeks[-1].start <= plan.end <= weeks[-1].end
