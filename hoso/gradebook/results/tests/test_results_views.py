"""The results pages: who opens what (404 out of scope, 403 for a forbidden action, both logged),
the homeroom form keeps what was typed, the principal's lists and approvals."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.gradebook.results.compute import recompute_class
from hoso.gradebook.results.models import ClassResult, HomeroomInput
from hoso.gradebook.tests.results_helpers import (
    complete_inputs,
    fill,
    fill_all,
    put,
    rich_school,
    sign_all,
)
from hoso.testing.factories import make_student


@pytest.fixture
def rich(world):
    return rich_school(world)


def login(client, world, who):
    client.force_login(world.users[who])
    return client


def class_url(world, period="year"):
    return reverse("gradebook:results_class_period", args=[world.class_a.pk, period])


@pytest.mark.django_db
def test_homeroom_teacher_sees_averages_and_the_explanation(client, world, rich):
    fill_all(rich, world.student_a, 8)
    put(world, world.student_a, world.math, rich.term2, {"CK": "10.0"})
    complete_inputs(world, world.student_a)
    # The page never writes: before the results follow their inputs it says they are outdated.
    page = login(client, world, "homeroom").get(class_url(world))
    assert 'data-testid="results-outdated"' in page.content.decode()
    assert not ClassResult.objects.filter(school_class=world.class_a).exists()
    recompute_class(world.class_a, trigger="grades")  # what saving grades runs in the background
    page = login(client, world, "homeroom").get(class_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "8,5" in html  # Toán: HK II (4·8 + 2·8 + 3·10) / 9 = 8,7; cả năm (8,0 + 2·8,7) / 3
    assert "Kết quả học tập cả năm Tốt" in html
    assert "Lên lớp" in html and "Học sinh Giỏi" in html
    assert 'data-testid="lists"' in html
    assert 'data-testid="results-outdated"' not in html
    assert ClassResult.objects.filter(school_class=world.class_a).count() == 3


@pytest.mark.django_db
def test_blocking_errors_are_listed_on_the_class_page(client, world, rich):
    recompute_class(world.class_a, trigger="grades")
    page = login(client, world, "homeroom").get(class_url(world, "term1"))
    html = page.content.decode()
    assert 'data-testid="blocking"' in html
    assert "Chưa có kết quả rèn luyện học kì I" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who,status",
    [("homeroom", 200), ("principal", 200), ("vice", 200), ("dept_head", 200), ("subject", 404)],
)
def test_who_reads_the_class_results(client, world, rich, who, status):
    assert login(client, world, who).get(class_url(world)).status_code == status


@pytest.mark.django_db
def test_a_subject_teacher_cannot_open_the_homeroom_inputs(client, world, rich):
    url = reverse("gradebook:results_inputs", args=[world.class_a.pk])
    assert login(client, world, "subject").get(url).status_code == 404
    assert AuditEvent.objects.filter(
        event_type="access.not_found", actor=world.users["subject"]
    ).exists()
    assert login(client, world, "principal").get(url).status_code == 403
    assert AuditEvent.objects.filter(
        event_type="access.forbidden", actor=world.users["principal"]
    ).exists()
    response = login(client, world, "subject").post(
        url, {f"f-{world.student_a.pk}-training_term1": "T"}
    )
    assert response.status_code == 404 and not HomeroomInput.objects.exists()


@pytest.mark.django_db
def test_the_homeroom_form_keeps_what_was_typed_on_error(client, world, rich, typed_absences):
    url = reverse("gradebook:results_inputs", args=[world.class_a.pk])
    sid = world.student_a.pk
    login(client, world, "homeroom")
    page = client.post(
        url,
        {
            f"f-{sid}-training_term1": "T",
            f"f-{sid}-absences_term1": "mười",
            f"f-{sid}-general_comment": "Em chăm ngoan, lễ phép.",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "không phải là số buổi nghỉ" in html
    assert 'value="mười"' in html and "Em chăm ngoan, lễ phép." in html
    assert not HomeroomInput.objects.exists()

    response = client.post(
        url,
        {
            f"f-{sid}-training_term1": "T",
            f"f-{sid}-absences_term1": "2",
            f"f-{sid}-general_comment": "",
            f"pick-{sid}": "Ngoan, lễ phép, chăm chỉ học tập.",
        },
    )
    assert response.status_code == 302
    hi = HomeroomInput.objects.get()
    assert (hi.training_term1, hi.absences_term1) == ("T", 2)
    assert hi.general_comment == "Ngoan, lễ phép, chăm chỉ học tập."


@pytest.mark.django_db
def test_the_homeroom_form_warns_about_near_identical_comments(client, world, rich):
    others = [make_student(world.school, world.class_a, f"Học Sinh Số{i}") for i in range(3)]
    text = "Ngoan, lễ phép, chăm chỉ học tập; có ý thức tự giác."
    for i, s in enumerate([world.student_a, *others]):
        complete_inputs(world, s)
        HomeroomInput.objects.filter(student=s).update(
            general_comment=text if i < 3 else "Cần cố gắng hơn trong giờ Toán."
        )
    page = login(client, world, "homeroom").get(
        reverse("gradebook:results_inputs", args=[world.class_a.pk])
    )
    html = page.content.decode()
    assert 'data-testid="duplicates"' in html and "75%" in html
    assert "Nguyễn Văn An" in html.split('data-testid="duplicates"')[1].split("</section>")[0]


@pytest.mark.django_db
def test_confirm_and_approve_through_the_pages(client, world, rich):
    fill_all(rich, world.student_a, 8)
    complete_inputs(world, world.student_a)
    sign_all(rich)
    confirm = reverse("gradebook:results_confirm", args=[world.class_a.pk, "year"])
    approve = reverse("gradebook:results_approve", args=[world.class_a.pk, "year"])
    assert login(client, world, "homeroom").post(approve).status_code == 403
    assert login(client, world, "homeroom").post(confirm).status_code == 302
    cr = ClassResult.objects.get(school_class=world.class_a, period="year")
    assert cr.state == "confirmed"
    lists = login(client, world, "principal").get(reverse("gradebook:results_lists"))
    assert lists.status_code == 200 and "Phê duyệt 1 lớp đã xác nhận" in lists.content.decode()
    response = client.post(reverse("gradebook:results_approve_all"), {"ky": "year"})
    assert response.status_code == 302
    cr.refresh_from_db()
    assert cr.state == "approved"
    page = client.get(class_url(world)).content.decode()
    assert "Hiệu trưởng đã phê duyệt" in page and "đã cố định" in page


@pytest.mark.django_db
def test_the_confirm_button_signs_the_class_off_when_the_sheets_are_confirmed(client, world, rich):
    from hoso.gradebook.signoff.models import Signoff

    fill_all(rich, world.student_a, 8, terms=(1,))
    complete_inputs(world, world.student_a)
    sign_all(rich, terms=(1,))
    Signoff.objects.filter(kind="class").delete()
    login(client, world, "homeroom").post(
        reverse("gradebook:results_confirm", args=[world.class_a.pk, "term1"])
    )
    assert Signoff.objects.filter(kind="class", term=world.term1).exists()
    assert ClassResult.objects.get(school_class=world.class_a, period="term1").state == (
        "confirmed"
    )


@pytest.mark.django_db
def test_school_lists_show_retest_subjects(client, world, rich):
    fill_all(rich, world.student_a, 8, overrides={"TOAN": 3, "NGU_VAN": 4})
    complete_inputs(world, world.student_a)
    recompute_class(world.class_a, trigger="grades")
    page = login(client, world, "principal").get(reverse("gradebook:results_lists") + "?ky=year")
    html = page.content.decode()
    assert "Danh sách kiểm tra lại (1)" in html and "Toán, Ngữ văn" in html
    assert login(client, world, "homeroom").get(reverse("gradebook:results_lists")).status_code == (
        403
    )


@pytest.mark.django_db
def test_the_class_page_needs_a_bounded_number_of_queries(client, world, rich):
    def count() -> int:
        login(client, world, "homeroom").get(class_url(world))  # compute first
        with CaptureQueriesContext(connection) as ctx:
            assert login(client, world, "homeroom").get(class_url(world)).status_code == 200
        return len(ctx.captured_queries)

    fill_all(rich, world.student_a, 8)
    few = count()
    for i in range(5):
        s = make_student(world.school, world.class_a, f"Học Sinh Số{i}")
        fill(rich, s, "TOAN", 1, 7)
    assert count() == few


@pytest.mark.django_db
def test_index_lists_the_teachers_sheets_and_classes(client, world, rich):
    page = login(client, world, "subject").get(reverse("gradebook:results_index"))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="sheets"' in html
    assert "chốt đủ các cột trước" in html
    page = login(client, world, "homeroom").get(reverse("gradebook:results_index"))
    assert "lớp chủ nhiệm" in page.content.decode()
