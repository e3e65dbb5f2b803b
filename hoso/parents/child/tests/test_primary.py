"""A primary child (TT27): the year's educational result with what it means, subject levels by
the rule set's labels — the page asks the rule set, it never names it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from hoso.gradebook.results.compute import recompute_class
from hoso.gradebook.results.models import ClassResult
from hoso.gradebook.tests.results_helpers import all_traits, inputs, primary_grades, primary_school
from hoso.students.models import Guardian, StudentGuardian
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db


def test_an_approved_primary_year(client, world):
    """GIVEN a grade-2 pupil of the parent, every subject Hoàn thành tốt, Toán's test 8, every
    quality and competency Tốt, the year approved
    WHEN the parent opens the page
    THEN "Hoàn thành tốt" with its meaning (tests from 7 points), the subject levels in words,
    the test score; no average."""
    p = primary_school(world)
    pupil = make_student(world.school, p.school_class, "Phan Minh Châu")
    guardian = Guardian.objects.get(user=world.users["parent"])
    StudentGuardian.objects.create(student=pupil, guardian=guardian, relation="father")
    primary_grades(p, pupil, tests={"TOAN": 8})
    inputs(world, pupil, absences_term1=0, absences_term2=1, **all_traits("T"))
    recompute_class(p.school_class)
    ClassResult.objects.filter(school_class=p.school_class, period="year").update(
        state=ClassResult.State.APPROVED, approved_at=timezone.now()
    )
    client.force_login(world.users["parent"])
    html = client.get(reverse("parents:child", args=[pupil.pk])).content.decode()
    assert "Kết quả giáo dục" in html
    assert "Hoàn thành tốt" in html
    assert "mọi bài kiểm tra định kì cuối năm từ 7 điểm trở lên" in html
    assert "Điểm KT" in html and ">8<" in html
    assert "Kết quả học tập" not in html  # no secondary learning level at primary
