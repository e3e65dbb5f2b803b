"""The editor's pages: who sees and who edits, one cell saved with htmx, the whole table without
JavaScript, the history and replace pages, and a fixed number of queries for the table."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoso.organisation.assignments import selectors
from hoso.organisation.assignments.tests.helpers import DEC_1, DEC_31, JAN_1, replace_math
from hoso.organisation.models import (
    Department,
    GradeLevel,
    HomeroomAssignment,
    SchoolClass,
    Subject,
    SubjectOffering,
    TeachingAssignment,
)
from hoso.testing.factories import make_staff

TABLE = "organisation:assignments"
VIEWERS = {"principal", "vice", "admin", "clerk", "inspector", "dept_head", "office_head"}


def client_for(client, world, who):
    client.force_login(world.users[who])
    return client


def cell_post(world, teacher, *, expected, day=DEC_1, reason="Nghỉ ốm", cls=None, subject=None):
    cls, subject = cls or world.class_a, subject or world.math
    key = f"{cls.pk}-{subject.pk}"
    return {
        f"t-{key}": teacher.pk if teacher else "",
        f"e-{key}": expected,
        "ky": world.term1.pk,
        "ngay": day.isoformat(),
        "ly_do": reason,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who",
    [
        "principal",
        "vice",
        "admin",
        "clerk",
        "inspector",
        "dept_head",
        "deputy",
        "homeroom",
        "subject",
        "accountant",
        "medical",
        "parent",
        "outsider",
    ],
)
def test_who_sees_the_table(client, world, who):
    response = client_for(client, world, who).get(reverse(TABLE))
    viewers = VIEWERS - {"office_head"}
    assert response.status_code == (200 if who in viewers else 403)
    if who in viewers:
        page = response.content.decode()
        editable = who in {"principal", "vice", "admin"}
        assert ('name="t-' in page) is editable
        assert "Vũ Minh Đức" in page


@pytest.mark.django_db
def test_one_cell_saved_with_htmx_answers_the_cell_and_the_load(client, world):
    c = client_for(client, world, "vice")
    current = TeachingAssignment.objects.get(subject=world.math).pk
    response = c.post(
        reverse("organisation:assignment_cell_save"),
        cell_post(world, world.people["deputy"], expected=current),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith("<template><td")
    assert "Đã lưu" in page and 'id="assign-load" hx-swap-oob="true"' in page
    assert (
        selectors.teacher_of(
            school_class=world.class_a, subject=world.math, term=world.term1, on=DEC_1
        )
        == world.people["deputy"]
    )


@pytest.mark.django_db
def test_a_refused_cell_shows_why_and_keeps_the_choice(client, world):
    c = client_for(client, world, "vice")
    current = TeachingAssignment.objects.get(subject=world.math).pk
    response = c.post(
        reverse("organisation:assignment_cell_save"),
        cell_post(world, world.people["deputy"], expected=current, reason=""),
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "Hãy ghi lý do thay đổi" in page
    deputy = world.people["deputy"].pk
    assert f'<option value="{deputy}" selected>' in page  # what the user chose stays chosen
    assert TeachingAssignment.objects.count() == 2


@pytest.mark.django_db
def test_the_homeroom_cell_saves_too(client, world):
    c = client_for(client, world, "vice")
    response = c.post(
        reverse("organisation:assignment_cell_save"),
        {
            f"h-{world.class_b.pk}": world.people["deputy"].pk,
            f"e-{world.class_b.pk}": "",
            "ky": world.term1.pk,
            "ngay": DEC_1.isoformat(),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert selectors.homeroom_teacher_of(world.class_b, on=DEC_1) == world.people["deputy"]
    assert selectors.homeroom_teacher_of(world.class_b, on=DEC_1.replace(day=1, month=11)) is None


@pytest.mark.django_db
def test_the_whole_table_without_javascript_is_all_or_nothing(client, world):
    c = client_for(client, world, "vice")
    math_6a1 = TeachingAssignment.objects.get(subject=world.math).pk
    data = {
        **cell_post(world, world.people["deputy"], expected=math_6a1, reason=""),
        f"c-{world.class_a.pk}-{world.math.pk}": world.people["subject"].pk,
        **cell_post(world, world.people["deputy"], expected="", cls=world.class_b, reason=""),
        f"c-{world.class_b.pk}-{world.math.pk}": "",
    }
    response = c.post(reverse("organisation:assignments_save"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Không lưu thay đổi nào" in page and "Hãy ghi lý do thay đổi" in page
    assert not TeachingAssignment.objects.filter(school_class=world.class_b).exists()
    data["ly_do"] = "Thầy Đức nghỉ ốm"
    response = c.post(reverse("organisation:assignments_save"), data)
    assert response.status_code == 302
    assert TeachingAssignment.objects.filter(teacher=world.people["deputy"]).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["homeroom", "subject", "clerk", "inspector", "dept_head"])
def test_readers_and_teachers_cannot_post(client, world, who):
    c = client_for(client, world, who)
    current = TeachingAssignment.objects.get(subject=world.math).pk
    me = world.people.get(who, world.people["deputy"])  # a teacher assigning itself, or another
    for name, data in [
        (
            "organisation:assignment_cell_save",
            cell_post(world, me, expected=current),
        ),
        ("organisation:assignments_save", cell_post(world, me, expected=current)),
        ("organisation:assignments_copy", {}),
        ("organisation:assignments_approve", {}),
    ]:
        assert c.post(reverse(name), data).status_code == 403, name
    assert TeachingAssignment.objects.count() == 2


@pytest.mark.django_db
def test_the_cell_page_shows_the_history_and_replaces_from_a_date(client, world):
    c = client_for(client, world, "vice")
    url = reverse(
        "organisation:assignment_cell", args=[world.class_a.pk, world.math.pk, world.term1.pk]
    )
    response = c.post(
        url,
        {
            "teacher": world.people["deputy"].pk,
            "starts_on": DEC_1.isoformat(),
            "ends_on": DEC_31.isoformat(),
            "reason": "Thầy Đức đi tập huấn",
        },
    )
    assert response.status_code == 302
    page = c.get(url).content.decode()
    assert page.count("Vũ Minh Đức") >= 2 and "Phạm Thị Hoa" in page
    assert "Thầy Đức đi tập huấn" in page and "01/01/2027" in page
    assert (
        selectors.teacher_of(
            school_class=world.class_a, subject=world.math, term=world.term1, on=JAN_1
        )
        == world.people["subject"]
    )


@pytest.mark.django_db
def test_the_cell_form_keeps_what_was_typed_on_error(client, world):
    c = client_for(client, world, "vice")
    url = reverse(
        "organisation:assignment_cell", args=[world.class_a.pk, world.math.pk, world.term1.pk]
    )
    response = c.post(
        url,
        {
            "teacher": world.people["deputy"].pk,
            "starts_on": "2026-12-01",
            "ends_on": "",
            "reason": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hãy ghi lý do thay đổi" in page and 'value="2026-12-01"' in page
    assert f'<option value="{world.people["deputy"].pk}" selected>' in page


@pytest.mark.django_db
def test_a_teacher_reads_its_own_history_only(client, world):
    replace_math(world)
    c = client_for(client, world, "subject")
    mine = c.get(reverse("organisation:assignment_teacher", args=[world.people["subject"].pk]))
    assert mine.status_code == 200
    assert "30/11/2026" in mine.content.decode()
    other = c.get(reverse("organisation:assignment_teacher", args=[world.people["deputy"].pk]))
    assert other.status_code == 404
    cell = c.get(
        reverse(
            "organisation:assignment_cell", args=[world.class_a.pk, world.math.pk, world.term1.pk]
        )
    )
    assert cell.status_code == 403


@pytest.mark.django_db
def test_replace_page_moves_the_ticked_cells(client, world):
    c = client_for(client, world, "vice")
    url = reverse("organisation:assignments_replace")
    lan = world.people["homeroom"]
    page = c.get(url, {"giao-vien": lan.pk}).content.decode()
    assert "Ngữ văn lớp 6A1" in page and "Chủ nhiệm lớp 6A1" in page
    response = c.post(
        url,
        {
            "teacher": lan.pk,
            "replacement": world.people["deputy"].pk,
            "starts_on": DEC_1.isoformat(),
            "ends_on": "",
            "reason": "Cô Lan chuyển trường",
            "cell": [f"{world.class_a.pk}-{world.literature.pk}-{world.term1.pk}"],
            "apply": "1",
        },
    )
    assert response.status_code == 302
    assert (
        selectors.teacher_of(
            school_class=world.class_a, subject=world.literature, term=world.term1, on=DEC_1
        )
        == world.people["deputy"]
    )
    # the homeroom box was not ticked: Lan stays homeroom teacher
    assert selectors.homeroom_teacher_of(world.class_a, on=DEC_1) == lan


@pytest.mark.django_db
def test_departments_page_moves_a_teacher(client, world):
    c = client_for(client, world, "admin")
    maths = Department.objects.get(school=world.school, name="Tổ Toán – Tin")
    response = c.post(
        reverse("organisation:assignment_departments"),
        {"staff": world.people["homeroom"].pk, "department": maths.pk},
    )
    assert response.status_code == 302
    world.people["homeroom"].refresh_from_db()
    assert world.people["homeroom"].department == maths
    assert (
        client_for(client, world, "clerk")
        .post(
            reverse("organisation:assignment_departments"),
            {"staff": world.people["homeroom"].pk, "department": ""},
        )
        .status_code
        == 403
    )


@pytest.mark.django_db
def test_copy_and_approve_from_the_page(client, world):
    c = client_for(client, world, "vice")
    assert c.post(reverse("organisation:assignments_copy")).status_code == 302
    assert TeachingAssignment.objects.filter(term__number=2).count() == 2
    p = client_for(client, world, "principal")
    assert p.post(reverse("organisation:assignments_approve"), {"ghi_chu": ""}).status_code == 302
    page = p.get(reverse(TABLE)).content.decode()
    assert "đã duyệt bảng phân công" in page


def _bigger_school(world, classes: int, subjects: int, tag: str):
    """More classes, subjects, teachers and assignments (with history) for the query count."""
    grade = GradeLevel.objects.get(school=world.school, number=6)
    made = []
    for i in range(subjects):
        s = Subject.objects.create(
            school=world.school,
            level="lower_secondary",
            code=f"M{tag}{i}",
            name=f"Môn {tag}{i}",
            assessment="score",
            order=10 + i,
        )
        SubjectOffering.objects.create(subject=s, grade=grade, periods_per_year=70)
        made.append(s)
    for i in range(classes):
        cls = SchoolClass.objects.create(year=world.year, grade=grade, name=f"6{tag}{i}")
        teacher = make_staff(world.school, f"Giáo Viên {tag} Số")
        HomeroomAssignment.objects.create(teacher=teacher, school_class=cls)
        for s in made:
            TeachingAssignment.objects.create(
                teacher=teacher, school_class=cls, subject=s, term=world.term1, ends_on=DEC_31
            )
            TeachingAssignment.objects.create(
                teacher=teacher, school_class=cls, subject=s, term=world.term1, starts_on=JAN_1
            )


@pytest.mark.django_db
def test_the_table_costs_the_same_queries_whatever_the_school_size(client, world):
    c = client_for(client, world, "vice")
    _bigger_school(world, classes=2, subjects=2, tag="B")
    c.get(reverse(TABLE))  # warm the session and the actor
    with CaptureQueriesContext(connection) as small:
        assert c.get(reverse(TABLE)).status_code == 200
    _bigger_school(world, classes=10, subjects=11, tag="C")
    with CaptureQueriesContext(connection) as big:
        response = c.get(reverse(TABLE))
    assert response.status_code == 200
    assert len(big) == len(small), [q["sql"][:120] for q in big.captured_queries]
    assert len(big) <= 30


@pytest.mark.django_db
def test_replace_page_asks_for_at_least_one_class(client, world):
    c = client_for(client, world, "vice")
    response = c.post(
        reverse("organisation:assignments_replace"),
        {
            "teacher": world.people["subject"].pk,
            "replacement": world.people["deputy"].pk,
            "starts_on": DEC_1.isoformat(),
            "reason": "Nghỉ ốm",
            "apply": "1",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hãy chọn ít nhất một lớp" in page and 'value="Nghỉ ốm"' in page
    assert TeachingAssignment.objects.count() == 2


@pytest.mark.django_db
def test_the_homeroom_page_sets_a_new_homeroom_teacher_from_a_date(client, world):
    c = client_for(client, world, "principal")
    url = reverse("organisation:homeroom_history", args=[world.class_a.pk])
    response = c.post(
        url,
        {
            "teacher": world.people["deputy"].pk,
            "starts_on": JAN_1.isoformat(),
            "ends_on": "",
            "reason": "Cô Lan nghỉ thai sản",
        },
    )
    assert response.status_code == 302
    page = c.get(url).content.decode()
    assert "Cô Lan nghỉ thai sản" in page and "sắp tới" in page
    assert selectors.homeroom_teacher_of(world.class_a, on=JAN_1) == world.people["deputy"]


@pytest.mark.django_db
def test_a_change_from_a_day_outside_the_year_is_refused_not_moved_to_today(client, world):
    c = client_for(client, world, "vice")
    current = TeachingAssignment.objects.get(subject=world.math).pk
    data = cell_post(world, world.people["deputy"], expected=current)
    data["ngay"] = "2027-08-01"
    assert c.post(reverse("organisation:assignment_cell_save"), data).status_code == 400
    assert TeachingAssignment.objects.count() == 2
