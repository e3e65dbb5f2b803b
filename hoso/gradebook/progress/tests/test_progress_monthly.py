"""The monthly check (seed 002 Đ7.3): GIVEN the small school, WHEN leaders record the month's
check and the principal signs it off, THEN one record per month holds a snapshot per scope,
each step is audited, and nothing changes after the sign-off."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.gradebook.progress.actions import monthly_check_record, monthly_check_sign_off
from hoso.gradebook.progress.models import MonthlyCheck
from hoso.gradebook.tests.progress_helpers import add_parallel_teaching, put, vn

# The data below lives in term I of 2026-2027.
pytestmark = pytest.mark.clock("2026-11-20")

NOW = vn(2026, 11, 20, 10)


@pytest.fixture
def school(world):
    add_parallel_teaching(world)
    put(
        world,
        world.student_a,
        world.class_a,
        world.math,
        "TX1",
        "8.0",
        assessed_on=date(2026, 9, 14),
    )
    return world


def record(world, who, month=date(2026, 11, 1), notes="", now=NOW):
    return monthly_check_record(actor=world.actor(who), month=month, notes=notes, now=now)


@pytest.mark.django_db
def test_vice_principal_records_and_principal_signs_off(school):
    world = school
    check = record(world, "vice", month=date(2026, 11, 17), notes="Tổ Toán chậm  nhập TX2.")
    assert check.month == date(2026, 11, 1)  # any day names its month
    section = check.summary["sections"]["school"]
    assert section["label"] == "Toàn trường" and section["notes"] == "Tổ Toán chậm nhập TX2."
    assert section["term"] == world.term1.pk
    assert {r["class"] for r in section["rows"]} == {"6A1", "6A2"}
    assert {t["teacher"] for t in section["teachers"]} == {
        "Vũ Minh Đức",
        "Đỗ Thị Lan",
        "Trịnh Thị Hương",
    }
    assert section["totals"]["entered"] == 1
    event = AuditEvent.objects.get(event_type="gradebook.monthly_check_created")
    assert event.after["sections"]["school"]["totals"]["entered"] == 1
    assert event.actor == world.users["vice"]

    with pytest.raises(DomainError) as exc:
        record(world, "vice")
    assert exc.value.code == "CHECK_EXISTS"

    signed = monthly_check_sign_off(actor=world.actor("principal"), check=check, note="Đồng ý")
    assert signed.signed_off_by == world.users["principal"] and signed.signed_off_at
    assert signed.summary["sign_off_note"] == "Đồng ý"
    assert AuditEvent.objects.filter(event_type="gradebook.monthly_check_signed_off").count() == 1
    with pytest.raises(DomainError) as exc:
        monthly_check_sign_off(actor=world.actor("vice"), check=signed)
    assert exc.value.code == "CHECK_SIGNED"
    with pytest.raises(DomainError) as exc:
        record(world, "dept_head")
    assert exc.value.code == "CHECK_SIGNED"


@pytest.mark.django_db
def test_department_head_adds_its_departments_section(school):
    world = school
    check = record(world, "dept_head", notes="Đã nhắc thầy Đức.")
    section = check.summary["sections"][f"department:{world.people['dept_head'].department_id}"]
    assert section["label"] == "Tổ Toán – Tin"
    assert {r["subject"] for r in section["rows"]} == {"Toán"}  # only its department
    assert check.notes == ""  # the record's notes are the school-wide ones
    # the principal cannot sign before the leaders' school-wide check
    with pytest.raises(DomainError) as exc:
        monthly_check_sign_off(actor=world.actor("principal"), check=check)
    assert exc.value.code == "CHECK_INCOMPLETE"
    check = record(world, "vice", notes="Toàn trường đạt 40%.")
    assert set(check.summary["sections"]) == {
        "school",
        f"department:{world.people['dept_head'].department_id}",
    }
    assert MonthlyCheck.objects.count() == 1 and check.notes == "Toàn trường đạt 40%."
    assert AuditEvent.objects.filter(event_type="gradebook.monthly_check_created").count() == 1
    assert (
        AuditEvent.objects.filter(event_type="gradebook.monthly_check_section_added").count() == 1
    )
    monthly_check_sign_off(actor=world.actor("principal"), check=check)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["homeroom", "subject", "clerk", "admin", "deputy", "inspector"])
def test_only_leaders_record(school, who):
    with pytest.raises(PermissionDenied):
        record(school, who)
    assert not MonthlyCheck.objects.exists()


@pytest.mark.django_db
def test_only_the_principal_or_a_vice_principal_signs_off(school):
    check = record(school, "vice")
    for who in ("dept_head", "homeroom", "admin"):
        with pytest.raises(PermissionDenied):
            monthly_check_sign_off(actor=school.actor(who), check=check)
    monthly_check_sign_off(actor=school.actor("vice"), check=check)


@pytest.mark.django_db
@pytest.mark.parametrize("month", [date(2026, 12, 1), date(2026, 8, 1), date(2027, 6, 1)])
def test_month_must_be_in_the_year_and_not_in_the_future(school, month):
    with pytest.raises(DomainError) as exc:
        record(school, "vice", month=month)
    assert exc.value.code == "BAD_MONTH"


@pytest.mark.django_db
def test_pages(school, client):
    world = school
    client.force_login(world.users["vice"])
    url = reverse("gradebook:monthly_checks")
    assert client.get(url).status_code == 200
    bad = client.post(
        reverse("gradebook:monthly_check_record"), {"month": "tháng mười", "notes": "Ghi chú"}
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "Tháng kiểm tra phải có dạng năm-tháng" in page
    assert "tháng mười" in page and "Ghi chú" in page  # kept
    ok = client.post(reverse("gradebook:monthly_check_record"), {"month": "2026-10", "notes": ""})
    assert ok.status_code == 302
    check = MonthlyCheck.objects.get()
    assert check.month == date(2026, 10, 1)
    detail = client.get(reverse("gradebook:monthly_check_detail", args=[check.pk]))
    assert "Toàn trường" in detail.content.decode()
    # a department head sees only its own sections: none here → 404
    client.force_login(world.users["dept_head"])
    assert client.get(reverse("gradebook:monthly_check_detail", args=[check.pk])).status_code == 404
    sign_url = reverse("gradebook:monthly_check_sign_off", args=[check.pk])
    assert client.post(sign_url).status_code == 403
    client.force_login(world.users["homeroom"])
    assert client.get(url).status_code == 403
    client.force_login(world.users["principal"])
    assert client.post(sign_url).status_code == 302
    check.refresh_from_db()
    assert check.signed_off_by == world.users["principal"]
