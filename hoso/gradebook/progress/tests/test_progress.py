"""The progress board (GIVEN the small school with results entered on known dates, WHEN a leader
opens the board at a known moment, THEN required / entered / finalised / late are counted as
documented in progress.py, each person sees its scope, and the queries stay bounded)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hoso.gradebook.entry.models import Assessment, SheetColumn
from hoso.gradebook.progress import selectors as progress
from hoso.gradebook.progress.selectors import Filters, progress_board
from hoso.gradebook.tests.progress_helpers import add_parallel_teaching, more_students, put, vn
from hoso.organisation.models import (
    Checkpoint,
    GradeLevel,
    SchoolClass,
    TeachingAssignment,
)
from hoso.students.models import Enrolment
from hoso.testing.factories import make_staff

NOW = vn(2026, 11, 5, 12)  # 61 days into term 1: 8 weeks of 20 → 2 regular results due


@pytest.fixture
def math_6a1(world):
    """6A1 math: three students studying (and one who left), results on known dates."""
    s1 = world.student_a
    s2, s3, gone = more_students(world, world.class_a, ["Lê Thị Cúc", "Phạm Văn Dũng", "Hồ Văn Em"])
    Enrolment.objects.filter(student=gone).update(
        status=Enrolment.Status.TRANSFERRED_OUT, end_date=date(2026, 10, 1)
    )
    c, m = world.class_a, world.math
    # TX1 assessed Monday 14/9 → due Saturday 19/9 15:00
    put(
        world,
        s1,
        c,
        m,
        "TX1",
        "8.0",
        assessed_on=date(2026, 9, 14),
        entered_at=vn(2026, 9, 19, 14, 59),
    )
    put(
        world,
        s2,
        c,
        m,
        "TX1",
        "7.0",
        assessed_on=date(2026, 9, 14),
        entered_at=vn(2026, 9, 19, 15, 1),
    )
    put(world, s3, c, m, "TX1", "6.5", assessed_on=date(2026, 9, 14), entered_at=vn(2026, 9, 20, 9))
    put(world, s1, c, m, "TX2", "9.0", assessed_on=date(2026, 10, 5), entered_at=vn(2026, 10, 6, 9))
    put(
        world,
        s1,
        c,
        m,
        "TX3",
        "9.5",
        assessed_on=date(2026, 10, 12),
        entered_at=vn(2026, 10, 12, 9),
    )
    # GK tested 20/10 → due 3/11 23:59:59
    SheetColumn.objects.create(
        school_class=c,
        subject=m,
        term=world.term1,
        column="GK",
        test_date=date(2026, 10, 20),
        finalised_at=timezone.now(),
        finalised_by=world.users["subject"],
    )
    put(
        world, s1, c, m, "GK", "7.5", assessed_on=date(2026, 10, 20), entered_at=vn(2026, 11, 3, 23)
    )
    put(
        world,
        s2,
        c,
        m,
        "GK",
        "6.0",
        assessed_on=date(2026, 10, 20),
        entered_at=vn(2026, 11, 4, 0, 1),
    )
    put(world, gone, c, m, "TX1", "5.0", assessed_on=date(2026, 9, 14), entered_at=vn(2026, 9, 30))
    return s1, s2, s3


def row_for(board, school_class, subject):
    return next(r for r in board.rows if r.school_class == school_class and r.subject == subject)


@pytest.mark.django_db
def test_counts_of_one_sheet(world, math_6a1):
    board = progress_board(world.actor("vice"), term=world.term1, now=NOW)
    counts = row_for(board, world.class_a, world.math).counts
    assert counts.students == 3  # the student who left is not counted
    # due: 2 regular results per student + GK (its 14 days passed on 3/11) = 3 × 3
    assert counts.required == 9
    # regular: s1 min(3, 2) = 2, s2 1, s3 1; GK: 2
    assert counts.entered == 6
    assert counts.percent == 66
    assert counts.missing == 3
    assert counts.finalised == 2  # the GK column is finalised
    assert counts.term_total == 3 * 6  # TX1–TX4, GK, CK
    # late: TX1 of s2 (Sat 15:01) and s3 (Sunday), GK of s2 (4/11 00:01)
    assert counts.late == 3


@pytest.mark.django_db
def test_before_the_periodic_deadline_gk_is_not_yet_required(world, math_6a1):
    board = progress_board(world.actor("vice"), term=world.term1, now=vn(2026, 11, 3, 23, 59))
    counts = row_for(board, world.class_a, world.math).counts
    assert counts.required == 3 * 2
    assert counts.entered == 4


@pytest.mark.django_db
def test_after_the_end_checkpoint_every_required_column_is_due(world, math_6a1):
    Checkpoint.objects.create(year=world.year, kind="end1", date=date(2027, 1, 9))
    board = progress_board(world.actor("vice"), term=world.term1, now=vn(2027, 1, 10, 8))
    counts = row_for(board, world.class_a, world.math).counts
    # term over: all four regular results and GK; CK (no test date) keeps its own deadline,
    # the end checkpoint 9/1 + 14 days
    assert counts.required == 3 * 5
    # regular: s1 TX1–TX3 = 3, s2 1, s3 1; GK 2
    assert counts.entered == 5 + 2
    board = progress_board(world.actor("vice"), term=world.term1, now=vn(2027, 1, 24, 0, 0, 1))
    counts = row_for(board, world.class_a, world.math).counts
    assert counts.required == 3 * 6 == counts.term_total
    assert counts.entered == 7


@pytest.mark.django_db
def test_periodic_column_without_test_date_uses_the_checkpoint(world, math_6a1):
    Checkpoint.objects.create(year=world.year, kind="end1", date=date(2026, 12, 20))
    # CK without a test date → checkpoint 20/12 + 14 days = 3/1 23:59:59
    before = progress_board(world.actor("vice"), term=world.term1, now=vn(2027, 1, 3, 23))
    after = progress_board(world.actor("vice"), term=world.term1, now=vn(2027, 1, 4, 1))
    b = row_for(before, world.class_a, world.math).counts
    a = row_for(after, world.class_a, world.math).counts
    assert a.required - b.required == 3  # CK for three students


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who,expected",
    [
        ("vice", {("6A1", "Toán"), ("6A1", "Ngữ văn"), ("6A2", "Toán"), ("6A2", "Ngữ văn")}),
        ("principal", {("6A1", "Toán"), ("6A1", "Ngữ văn"), ("6A2", "Toán"), ("6A2", "Ngữ văn")}),
        ("dept_head", {("6A1", "Toán"), ("6A2", "Toán")}),  # its department's teacher
        ("homeroom", {("6A1", "Toán"), ("6A1", "Ngữ văn")}),  # every subject of its class
    ],
)
def test_scope(world, who, expected):
    add_parallel_teaching(world)
    board = progress_board(world.actor(who), term=world.term1, now=NOW)
    assert {(r.school_class.name, r.subject.name) for r in board.rows} == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["subject", "deputy", "clerk", "admin", "inspector", "parent", "outsider", "lit2"]
)
def test_others_are_refused_with_403(world, client, who):
    add_parallel_teaching(world)
    client.force_login(world.users[who])
    response = client.get(reverse("gradebook:progress"))
    assert response.status_code == 403
    assert client.get(reverse("gradebook:progress_export")).status_code == 403


@pytest.mark.django_db
def test_filters(world):
    add_parallel_teaching(world)
    actor = world.actor("vice")
    lit_dept = world.people["homeroom"].department_id
    by_dept = progress_board(actor, term=world.term1, filters=Filters(department=lit_dept), now=NOW)
    assert {r.teacher.pk for r in by_dept.rows} == {
        world.people["homeroom"].pk,
        world.people["lit2"].pk,
    }
    by_class = progress_board(
        actor, term=world.term1, filters=Filters(school_class=world.class_b.pk), now=NOW
    )
    assert {r.school_class for r in by_class.rows} == {world.class_b}
    by_teacher = progress_board(
        actor, term=world.term1, filters=Filters(teacher=world.people["subject"].pk), now=NOW
    )
    assert {r.subject for r in by_teacher.rows} == {world.math}
    # the filter choices are those of the whole scope, not of the filtered rows
    assert len(by_teacher.options["class"]) == 2


def _grow(world, classes: int):
    grade = GradeLevel.objects.get(school=world.school, number=6)
    teacher = make_staff(world.school, "Mai Văn Số", department=world.people["subject"].department)
    for i in range(classes):
        school_class = SchoolClass.objects.create(year=world.year, grade=grade, name=f"6B{i}")
        for subject in (world.math, world.literature):
            TeachingAssignment.objects.create(
                teacher=teacher, school_class=school_class, subject=subject, term=world.term1
            )
        for student in more_students(
            world, school_class, [f"Học Sinh {i} Một", f"Học Sinh {i} Hai"]
        ):
            put(world, student, school_class, world.math, "TX1", "7.0")
            put(world, student, school_class, world.literature, "TX1", "8.0")


@pytest.mark.django_db
def test_the_board_reads_a_fixed_number_of_queries(world, math_6a1):
    actor = world.actor("vice")
    with CaptureQueriesContext(connection) as small:
        progress_board(actor, term=world.term1, now=NOW)
    _grow(world, 6)
    actor = world.actor("vice")
    with CaptureQueriesContext(connection) as large:
        board = progress_board(actor, term=world.term1, now=NOW)
    assert len(board.rows) == 2 + 12
    assert len(large.captured_queries) == len(small.captured_queries) <= 10


@pytest.mark.django_db
def test_board_page_and_excel_export(world, client, math_6a1):
    client.force_login(world.users["vice"])
    response = client.get(reverse("gradebook:progress"), {"hoc-ky": world.term1.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tiến độ nhập điểm" in page and "Vũ Minh Đức" in page
    assert (
        reverse(
            "gradebook:sheet",
            kwargs={
                "class_id": world.class_a.pk,
                "subject_id": world.math.pk,
                "term_id": world.term1.pk,
            },
        )
        in page
    )
    response = client.get(reverse("gradebook:progress_export"), {"hoc-ky": world.term1.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[3][:4] == ("Giáo viên", "Tổ chuyên môn", "Lớp", "Môn")
    teachers = {r[0] for r in rows[4:-1]}
    assert teachers == {"Vũ Minh Đức", "Đỗ Thị Lan"}
    assert rows[-1][0] == "Tổng cộng"


@pytest.mark.django_db
def test_bad_filters_are_reported_not_crashing(world, client):
    client.force_login(world.users["dept_head"])
    response = client.get(
        reverse("gradebook:progress"), {"hoc-ky": "abc", "lop": "x", "giao-vien": "999999"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Học kỳ đã chọn không có trong năm học" in page
    assert "Bộ lọc “x” không hợp lệ" in page
    assert "không thuộc phạm vi" in page


@pytest.mark.django_db
def test_deadline_rules_default_then_saved_by_the_principal(world, client):
    from hoso.audit.models import AuditEvent
    from hoso.gradebook.progress.models import DeadlineRule

    rules = progress.deadline_rules(world.school)
    assert (rules.regular_weekday, rules.regular_time.hour, rules.periodic_days) == (5, 15, 14)
    assert not DeadlineRule.objects.exists()  # reading does not write
    client.force_login(world.users["subject"])
    assert client.get(reverse("gradebook:deadline_settings")).status_code == 403
    client.force_login(world.users["principal"])
    url = reverse("gradebook:deadline_settings")
    bad = client.post(
        url,
        {
            "regular_weekday": "4",
            "regular_time": "25:00",
            "regular_remind_hours": "12",
            "periodic_days": "100",
            "periodic_remind_hours": "24",
        },
    )
    assert bad.status_code == 200
    page = bad.content.decode()
    assert "Giờ phải có dạng giờ:phút" in page and "Từ 1 đến 60 ngày" in page
    assert 'value="12"' in page  # what was typed stays
    assert not DeadlineRule.objects.exists()
    ok = client.post(
        url,
        {
            "regular_weekday": "4",
            "regular_time": "17:00",
            "regular_remind_hours": "12",
            "periodic_days": "10",
            "periodic_remind_hours": "48",
        },
    )
    assert ok.status_code == 302
    rules = progress.deadline_rules(world.school)
    assert (rules.regular_weekday, rules.regular_time.hour, rules.periodic_days) == (4, 17, 10)
    assert (rules.regular_remind_hours, rules.periodic_remind_hours) == (12, 48)
    event = AuditEvent.objects.get(event_type="gradebook.deadline_rules_changed")
    assert event.before["periodic_days"] == 14 and event.after["periodic_days"] == 10


@pytest.mark.django_db
def test_the_class_wide_date_of_a_regular_assessment_decides_its_deadline(world):
    """GIVEN TX2 typed on Monday 12/10 (its own assessed_on is that Monday) WHEN the teacher set
    the column's date to Wednesday 7/10 on the grid THEN the result is late (due Sat 10/10 15:00);
    without the column date it would not be."""
    s1 = world.student_a
    put(
        world,
        s1,
        world.class_a,
        world.math,
        "TX2",
        "8.0",
        assessed_on=date(2026, 10, 12),
        entered_at=vn(2026, 10, 12, 8),
    )
    board = progress_board(world.actor("vice"), term=world.term1, now=NOW)
    assert row_for(board, world.class_a, world.math).counts.late == 0
    SheetColumn.objects.create(
        school_class=world.class_a,
        subject=world.math,
        term=world.term1,
        column="TX2",
        test_date=date(2026, 10, 7),
    )
    board = progress_board(world.actor("vice"), term=world.term1, now=NOW)
    assert row_for(board, world.class_a, world.math).counts.late == 1


@pytest.mark.parametrize(
    "now",
    [NOW, vn(2026, 11, 3, 23, 59), vn(2027, 1, 10, 8), vn(2027, 1, 24, 0, 0, 1)],
    ids=["term", "before gk", "after end", "late"],
)
def test_the_board_counts_in_the_database_what_the_cells_count(world, math_6a1, now):
    """GIVEN the sheets of the term WHEN the board counts them in the database (no cell read)
    THEN every sheet has the counts of the cell-by-cell count, at several moments."""
    from hoso.gradebook.progress.selectors import assignments_in, deadline_rules, load_sheets

    rules = deadline_rules(world.school)
    assignments = assignments_in([world.term1], school=world.school, now=now)
    by_cells = load_sheets(assignments, rules=rules)
    by_sums = load_sheets(assignments, rules=rules, aggregated=True)
    assert by_sums and all(not r.context.cells for r in by_sums)
    for cells_row, sums_row in zip(by_cells, by_sums, strict=True):
        assert sums_row.context.counts(now) == cells_row.context.counts(now)
    assert any(r.context.counts(now).entered for r in by_cells)


def test_the_board_counts_late_a_regular_result_assessed_outside_its_term(world, math_6a1):
    """GIVEN regular results whose assessed day lies outside the term's weeks (a slip of the date),
    one entered after that week's deadline, one before WHEN the board counts in the database
    THEN it counts them late exactly as the cell-by-cell count does, in at most one more query."""
    from hoso.gradebook.progress.selectors import assignments_in, deadline_rules, load_sheets
    from hoso.gradebook.tests.progress_helpers import put

    now = NOW
    c, m = world.class_a, world.math
    others = list(
        Enrolment.objects.studying().filter(school_class=c).exclude(student=world.student_a)
    )
    put(
        world,
        others[0].student,
        c,
        m,
        "TX2",
        "7",
        assessed_on=date(2025, 6, 2),
        entered_at=vn(2025, 6, 20, 9),
    )
    put(
        world,
        others[1].student,
        c,
        m,
        "TX2",
        "6",
        assessed_on=date(2025, 6, 2),
        entered_at=vn(2025, 6, 3, 9),
    )
    rules = deadline_rules(world.school)
    assignments = assignments_in([world.term1], school=world.school, now=now)
    by_cells = {
        r.assignment.pk: r.context.counts(now) for r in load_sheets(assignments, rules=rules)
    }
    with CaptureQueriesContext(connection) as ctx:
        by_sums = load_sheets(assignments, rules=rules, aggregated=True)
    sheet = next(
        r
        for r in by_sums
        if r.assignment.school_class_id == c.pk and r.assignment.subject_id == m.pk
    )
    assert by_cells[sheet.assignment.pk].late == sheet.context.counts(now).late
    for r in by_sums:
        assert r.context.counts(now) == by_cells[r.assignment.pk]
    # without the slip: the same sheet one result less late
    Assessment.objects.filter(assessed_on=date(2025, 6, 2)).delete()
    with CaptureQueriesContext(connection) as plain:
        again = load_sheets(assignments, rules=rules, aggregated=True)
    same = next(r for r in again if r.assignment.pk == sheet.assignment.pk)
    assert same.context.counts(now).late == sheet.context.counts(now).late - 1
    assert len(ctx.captured_queries) == len(plain.captured_queries) + 1
