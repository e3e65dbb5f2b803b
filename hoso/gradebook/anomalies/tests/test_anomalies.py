"""Score anomalies for the vice principal (seed 000 §3.1.2): GIVEN constructed data for each
kind, WHEN the report is built, THEN the anomaly is found with its evidence and a link to the
sheet — and GIVEN normal data, nothing is reported."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hoso.gradebook.anomalies import selectors as anomalies
from hoso.gradebook.anomalies.selectors import anomaly_report
from hoso.gradebook.corrections.tests.factories import make_request
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.tests.progress_helpers import add_parallel_teaching, more_students, put

# The data below lives in term I of 2026-2027.
pytestmark = pytest.mark.clock("2026-11-20")

NAMES = ["An", "Bình", "Chi", "Dũng", "Giang"]


@pytest.fixture
def classes(world):
    """Five students in each of 6A1 and 6A2 (with student_a / student_b)."""
    add_parallel_teaching(world)
    a = [world.student_a] + more_students(world, world.class_a, [f"Lê Văn {n}" for n in NAMES[:4]])
    b = [world.student_b] + more_students(
        world, world.class_b, [f"Trần Thị {n}" for n in NAMES[:4]]
    )
    return a, b


def fill(world, school_class, students, column, values, subject=None, day=date(2026, 9, 14)):
    for student, value in zip(students, values, strict=True):
        put(world, student, school_class, subject or world.math, column, value, assessed_on=day)


def kinds(report):
    return [(f.kind, f.school_class.name if f.school_class else f.title) for f in report.findings]


def normal_data(world, a, b):
    fill(world, world.class_a, a, "TX1", ["7.0", "8.0", "6.5", "7.5", "8.0"])
    fill(world, world.class_a, a, "TX2", ["7.5", "8.5", "6.0", "7.0", "8.5"], day=date(2026, 9, 21))
    fill(world, world.class_b, b, "TX1", ["6.5", "7.0", "8.0", "7.5", "7.0"])
    fill(world, world.class_b, b, "TX2", ["7.0", "7.5", "8.5", "6.5", "7.5"], day=date(2026, 9, 21))


@pytest.mark.django_db
def test_normal_data_reports_nothing(world, classes):
    a, b = classes
    normal_data(world, a, b)
    sheet = load_sheet(world.class_a, world.math, world.term1)
    # a regular result changed before its deadline (assessed next week: due that Saturday)
    future = timezone.localdate() + timedelta(days=7)
    for value in ("6", "7"):
        actions.assessment_save(
            actor=world.actor("subject"),
            sheet=sheet,
            student=a[0],
            column_key="TX3",
            raw_value=value,
            assessed_on=future,
        )
    for i, column in enumerate(("TX4", "TX5")):  # two corrections are not "many"
        make_request(
            school=world.school,
            year=world.year,
            student=a[i],
            school_class=world.class_a,
            subject=world.math,
            term=world.term1,
            column=column,
            new_value="8.0",
            reason="Nhập nhầm",
            requested_by=world.users["subject"],
        )
    report = anomaly_report(world.actor("vice"), term=world.term1)
    assert report.findings == []


@pytest.mark.django_db
def test_changed_after_the_deadline(world, classes):
    a, _b = classes
    sheet = load_sheet(world.class_a, world.math, world.term1)
    subject = world.actor("subject")
    # assessed Monday 7/9/2026 → due Saturday 12/9 15:00; entered and changed (now) after it
    for value in ("6", "9"):
        actions.assessment_save(
            actor=subject,
            sheet=sheet,
            student=a[0],
            column_key="TX1",
            raw_value=value,
            assessed_on=date(2026, 9, 7),
        )
    report = anomaly_report(world.actor("vice"), term=world.term1)
    (finding,) = [f for f in report.findings if f.kind == anomalies.CHANGED_AFTER_DEADLINE]
    assert finding.school_class == world.class_a and finding.subject == world.math
    assert finding.teacher == "Vũ Minh Đức"
    assert finding.count == 1  # the first entry replaced nothing
    line = finding.evidence[0]
    assert line.startswith("Nguyễn Văn An — TX1: 6,0 → 9,0 lúc ")
    assert "(hạn 12/09/2026 15:00)" in line and "người sửa Vũ Minh Đức" in line
    assert finding.links == [
        (
            "Mở sổ điểm",
            reverse(
                "gradebook:sheet",
                kwargs={
                    "class_id": world.class_a.pk,
                    "subject_id": world.math.pk,
                    "term_id": world.term1.pk,
                },
            ),
        )
    ]


@pytest.mark.django_db
def test_a_class_far_from_its_parallel_classes(world, classes):
    a, b = classes
    fill(world, world.class_a, a, "TX1", ["9.0", "9.5", "8.5", "9.0", "10.0"])
    fill(world, world.class_a, a, "TX2", ["9.5", "9.0", "9.0", "8.5", "9.5"], day=date(2026, 9, 21))
    normal_b = ["6.5", "7.0", "6.0", "5.5", "7.0"]
    fill(world, world.class_b, b, "TX1", normal_b)
    fill(world, world.class_b, b, "TX2", ["6.0", "6.5", "7.0", "6.0", "5.5"], day=date(2026, 9, 21))
    report = anomaly_report(world.actor("principal"), term=world.term1)
    found = [f for f in report.findings if f.kind == anomalies.PARALLEL_CLASS]
    # each class is compared with the others: both sides of the gap show
    assert {f.school_class.name for f in found} == {"6A1", "6A2"}
    high = next(f for f in found if f.school_class == world.class_a)
    assert high.summary == "Trung bình 9,2 so với 6,3 của các lớp song song (chênh +2,9 điểm)."
    assert high.evidence == ["Lớp 6A1: 9,2 (10 kết quả)", "Lớp 6A2: 6,3 (10 kết quả)"]
    assert [label for label, _ in high.links] == ["Mở sổ điểm", "Sổ lớp 6A2"]


@pytest.mark.django_db
def test_too_few_results_are_not_compared(world, classes):
    a, b = classes
    fill(world, world.class_a, a, "TX1", ["9.0", "9.5", "8.5", "9.0", "10.0"])
    fill(world, world.class_b, b, "TX1", ["6.5", "7.0", "6.0", "5.5", "7.0"])
    report = anomaly_report(world.actor("vice"), term=world.term1)
    assert [f for f in report.findings if f.kind == anomalies.PARALLEL_CLASS] == []


@pytest.mark.django_db
def test_a_column_where_everyone_has_the_same_result(world, classes):
    a, b = classes
    extra = more_students(world, world.class_a, [f"Vũ Văn {n}" for n in NAMES])
    fill(world, world.class_a, a + extra, "GK", ["8.0"] * 10)
    fill(world, world.class_b, b, "GK", ["8.0"] * 5)  # only five: not suspicious
    report = anomaly_report(world.actor("vice"), term=world.term1)
    (finding,) = [f for f in report.findings if f.kind == anomalies.SAME_RESULT]
    assert finding.school_class == world.class_a
    assert finding.summary == "Cột GK: cả 10 học sinh cùng 8,0."


@pytest.mark.django_db
def test_a_student_whose_result_jumps(world, classes):
    a, _b = classes
    put(world, a[1], world.class_a, world.math, "TX2", "3.0", assessed_on=date(2026, 9, 21))
    put(world, a[1], world.class_a, world.math, "TX1", "9.0", assessed_on=date(2026, 9, 14))
    put(world, a[1], world.class_a, world.math, "TX3", "7.5", assessed_on=date(2026, 9, 28))
    put(world, a[2], world.class_a, world.math, "TX1", "5.0", assessed_on=date(2026, 9, 14))
    put(world, a[2], world.class_a, world.math, "TX2", "9.5", assessed_on=date(2026, 9, 21))
    report = anomaly_report(world.actor("vice"), term=world.term1)
    (finding,) = [f for f in report.findings if f.kind == anomalies.JUMP]
    # 9 → 3 is a jump (6 points); 3 → 7.5 (4.5) and 5 → 9.5 (4.5) are not
    assert finding.evidence == ["Lê Văn An: TX1 (14/09) 9,0 → TX2 (21/09) 3,0 (giảm 6,0 điểm)"]


@pytest.mark.django_db
def test_a_teacher_with_many_corrections(world, classes):
    a, _b = classes
    for i, state in enumerate(["requested", "applied", "rejected", "cancelled"]):
        make_request(
            school=world.school,
            year=world.year,
            student=a[i],
            school_class=world.class_a,
            subject=world.math,
            term=world.term1,
            column="TX1",
            old_value="5.0",
            new_value="8.0",
            reason="Nhập nhầm",
            state=state,
            requested_by=world.users["subject"],
        )
    report = anomaly_report(world.actor("vice"), term=world.term1)
    (finding,) = [f for f in report.findings if f.kind == anomalies.MANY_CORRECTIONS]
    assert finding.teacher == "Vũ Minh Đức"
    assert finding.count == 3  # the withdrawn request is not counted
    assert finding.summary.startswith("3 đơn đề nghị sửa điểm trong Học kỳ I:")
    assert finding.evidence[0].endswith("TX1: 5,0 → 8,0 (Chờ hiệu trưởng duyệt)")
    assert [label for label, _ in finding.links] == ["Sổ Toán lớp 6A1"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["dept_head", "homeroom", "subject", "admin", "clerk", "inspector"])
def test_only_the_principal_and_vice_principals_see_anomalies(world, client, who):
    client.force_login(world.users[who])
    assert client.get(reverse("gradebook:anomalies")).status_code == 403


@pytest.mark.django_db
def test_page_shows_thresholds_and_findings(world, classes, client):
    a, _b = classes
    put(world, a[1], world.class_a, world.math, "TX1", "9.0", assessed_on=date(2026, 9, 14))
    put(world, a[1], world.class_a, world.math, "TX2", "2.0", assessed_on=date(2026, 9, 21))
    client.force_login(world.users["vice"])
    response = client.get(reverse("gradebook:anomalies"), {"hoc-ky": world.term1.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "lệch quá 1,5 điểm" in page and "chênh từ 5 điểm" in page
    assert "Lê Văn An: TX1 (14/09) 9,0 → TX2 (21/09) 2,0 (giảm 7,0 điểm)" in page
    assert "Mở sổ điểm" in page
