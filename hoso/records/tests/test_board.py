"""Compliance board: counts, rates, scopes, week buckets in Vietnam time, query count, pages,
Excel export. GIVEN obligations in known states WHEN the board is computed THEN the figures."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoso.archive.testing import make_obligation, make_record_type
from hoso.records import board
from hoso.records.board import BoardFilters, compliance_board
from hoso.records.models import ObligationState, OwnerKind

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=VN)  # a Friday


def _at(day: int, hour: int = 17, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=VN)


@pytest.fixture
def records(world):
    """Subject teacher (maths): on time, late, missing, not due, returned+approved.
    Homeroom teacher (literature): one missing. Maths department: one on time (team record)."""
    plans = make_record_type(world.school, "Kế hoạch bài dạy")
    minutes = make_record_type(
        world.school, "Biên bản sinh hoạt tổ", owner_kind=OwnerKind.DEPARTMENT
    )
    y, s, h = world.year, world.people["subject"], world.people["homeroom"]
    dept = s.department
    make_obligation(y, plans, owner_staff=s, due_at=_at(6), first_submitted_at=_at(5))
    make_obligation(y, plans, owner_staff=s, due_at=_at(13), first_submitted_at=_at(14))
    make_obligation(y, plans, owner_staff=s, due_at=_at(17))  # missing (due Tue 17th)
    make_obligation(y, plans, owner_staff=s, due_at=_at(27))  # not due yet
    make_obligation(
        y,
        plans,
        owner_staff=s,
        due_at=_at(30, month=10),
        first_submitted_at=_at(29, month=10),
        state=ObligationState.APPROVED,
        returned_count=1,
    )
    make_obligation(y, plans, owner_staff=s, due_at=_at(9), is_active=False)  # not counted
    make_obligation(y, plans, owner_staff=h, due_at=_at(13))  # missing
    make_obligation(y, minutes, owner_department=dept, due_at=_at(13), first_submitted_at=_at(12))
    return {"plans": plans, "minutes": minutes, "dept": dept}


def test_totals_and_rates_for_the_principal(world, records):
    b = compliance_board(world.actor("principal"), BoardFilters(), now=NOW)
    t = b.totals
    assert (t.required, t.submitted, t.on_time, t.late, t.missing) == (7, 4, 3, 1, 2)
    assert (t.not_due, t.returned, t.approved) == (1, 1, 1)
    assert t.on_time_rate == pytest.approx(3 / 6)
    assert t.missing_rate == pytest.approx(2 / 6)
    assert t.on_time_pct == "50,0%"
    subject = next(r for r in b.people if r.label == world.people["subject"].full_name)
    assert (subject.counts.on_time, subject.counts.late, subject.counts.missing) == (2, 1, 1)
    dept_row = next(r for r in b.departments if r.key == f"department:{records['dept'].pk}")
    # the maths teacher's 5 active + the department's own minutes
    assert dept_row.counts.required == 6


def test_department_head_sees_only_the_department(world, records):
    b = compliance_board(world.actor("dept_head"), BoardFilters(), now=NOW)
    names = {r.label for r in b.people}
    assert world.people["subject"].full_name in names
    assert world.people["homeroom"].full_name not in names
    assert b.totals.required == 6


def test_a_teacher_sees_only_themselves(world, records):
    b = compliance_board(world.actor("homeroom"), BoardFilters(), now=NOW)
    assert [r.label for r in b.people] == [world.people["homeroom"].full_name]
    assert b.totals.required == 1 and b.totals.missing == 1


@pytest.mark.parametrize("who", ["parent", "inspector"])
def test_people_without_staff_or_leadership_see_nothing(world, records, who):
    assert board.board_scope(world.actor(who)) is None


def test_record_type_and_date_range_filters(world, records):
    actor = world.actor("principal")
    only_minutes = compliance_board(
        actor, BoardFilters(record_type_id=records["minutes"].pk), now=NOW
    )
    assert only_minutes.totals.required == 1
    november_second_half = compliance_board(
        actor, BoardFilters(start=_at(10).date(), end=_at(20).date()), now=NOW
    )
    # due 13 (late), 17 (missing), 13 (homeroom missing), 13 (minutes on time)
    assert november_second_half.totals.required == 4


def test_weeks_are_cut_at_monday_midnight_vietnam_time(world):
    rt = make_record_type(world.school, "Lịch báo giảng")
    s = world.people["subject"]
    # Sunday 23:30 in Hanoi is 16:30 UTC Sunday; Monday 00:30 in Hanoi is 17:30 UTC Sunday
    make_obligation(world.year, rt, owner_staff=s, due_at=datetime(2026, 11, 15, 23, 30, tzinfo=VN))
    make_obligation(world.year, rt, owner_staff=s, due_at=datetime(2026, 11, 16, 0, 30, tzinfo=VN))
    year = world.year
    # unbounded: the database truncates; bounded: a CASE over the periods' first instants
    for bounds in ({}, {"start": year.start_date, "end": year.end_date}):
        b = compliance_board(world.actor("principal"), BoardFilters(**bounds), now=NOW)
        assert [r.key for r in b.periods] == ["2026-11-09", "2026-11-16"]
        assert [r.counts.required for r in b.periods] == [1, 1]
        months = compliance_board(
            world.actor("principal"), BoardFilters(period="month", **bounds), now=NOW
        )
        assert [r.key for r in months.periods] == ["2026-11-01"]


def test_query_count_does_not_grow_with_the_school(world, records):
    actor = world.actor("principal")
    with CaptureQueriesContext(connection) as small:
        compliance_board(actor, BoardFilters(), now=NOW)
    plans = records["plans"]
    start = _at(7, month=9)
    for person in world.people.values():
        for week in range(12):
            make_obligation(
                world.year,
                plans,
                owner_staff=person,
                due_at=start + timedelta(weeks=week),
                first_submitted_at=start + timedelta(weeks=week, hours=week % 3 - 1),
            )
    with CaptureQueriesContext(connection) as big:
        b = compliance_board(actor, BoardFilters(), now=NOW)
    assert b.totals.required == 7 + 12 * len(world.people)
    assert len(big.captured_queries) == len(small.captured_queries) == 3


def test_chart_is_inline_svg_with_gaps_for_undecided_periods(world, records):
    b = compliance_board(world.actor("principal"), BoardFilters(), now=NOW)
    svg = str(b.chart_svg())
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    # the school's week 11 (ISO week 46): the year starts on Saturday 5/9, week 1 on Monday 31/8
    assert "Đúng hạn" in svg and "Tuần 11 (09/11–15/11)" in svg and "Tuần 46" not in svg
    # the week of the 23rd has only a not-due obligation: no point for it
    assert "Tuần 13 (23/11–29/11) — Đúng hạn" not in svg
    empty = board.rates_chart_svg([])
    assert "Chưa có hồ sơ" in str(empty)


@pytest.mark.clock(NOW)
@pytest.mark.calendar  # the pages count "missing" and "not due" against the clock
def test_board_page_detail_and_export(client, world, records):
    client.force_login(world.users["principal"])
    page = client.get(reverse("records:board"), {"tu": "2026-09-01", "den": "2027-05-31"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and world.people["subject"].full_name in body
    detail = client.get(
        reverse("records:board_detail"),
        {"nguoi": world.people["subject"].pk, "tinh-trang": "missing"},
    )
    assert detail.status_code == 200
    assert detail.content.decode().count("badge err") == 1
    export = client.get(reverse("records:board_export"))
    assert export.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(export.content))
    assert wb.sheetnames == ["Theo người", "Theo tổ", "Theo tuần"]
    ws = wb["Theo người"]
    assert ws["A4"].value == "Họ và tên" and ws["K4"].value == "Tỉ lệ đúng hạn"
    rate_cells = [row[10] for row in ws.iter_rows(min_row=5) if isinstance(row[10].value, float)]
    assert rate_cells and all(c.number_format == "0.0%" for c in rate_cells)


def test_bad_filters_keep_what_was_typed_and_explain(client, world, records):
    client.force_login(world.users["principal"])
    page = client.get(reverse("records:board"), {"tu": "31/02/2026", "loai": "abc"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "31/02/2026" in body and "không hợp lệ" in body


@pytest.mark.parametrize(
    "who,status", [("parent", 403), ("inspector", 403), ("subject", 200), ("vice", 200)]
)
def test_board_permissions(client, world, records, who, status):
    client.force_login(world.users[who])
    assert client.get(reverse("records:board")).status_code == status
    assert client.get(reverse("records:board_export")).status_code == status


def test_weeks_are_the_school_years_weeks_not_iso_numbers(world):
    """GIVEN obligations due in September and in January (ISO week 2 of both would read alike
    with a year's span), WHEN the board groups by week, THEN each row carries the school's week
    number of ``SchoolYear.weeks`` — never twice the same — and a week outside the year its dates."""
    y, s = world.year, world.people["subject"]
    plans = make_record_type(world.school, "Kế hoạch bài dạy")
    for day in (date(2026, 9, 9), date(2027, 1, 13), date(2027, 1, 6)):
        make_obligation(y, plans, owner_staff=s, due_at=datetime.combine(day, time(17), tzinfo=VN))
    b = compliance_board(world.actor("principal"), BoardFilters(), now=NOW)
    numbers = {monday: n for n, monday, _ in y.weeks()}
    labels = [r.label for r in b.periods]
    assert labels == [
        f"Tuần {numbers[date(2026, 9, 7)]} (07/09–13/09)",
        f"Tuần {numbers[date(2027, 1, 4)]} (04/01–10/01)",
        f"Tuần {numbers[date(2027, 1, 11)]} (11/01–17/01)",
    ]
    assert labels[0].startswith("Tuần 2 ") and not labels[1].startswith("Tuần 1 ")
    assert board.period_label(date(2027, 8, 2), board.WEEK, y) == "Tuần 02/08–08/08"
