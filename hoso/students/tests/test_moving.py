"""Moving a student during the year: class change (chuyển lớp), return (trở lại học), and the
class's lists that keep who left, struck through."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.organisation.models import GradeLevel, SchoolClass
from hoso.students import actions
from hoso.students.models import Enrolment, Student
from hoso.students.selectors import class_members, returnable_enrolment
from hoso.testing.factories import make_student, make_year

pytestmark = pytest.mark.django_db


def _open(student) -> Enrolment:
    return student.enrolments.get(end_date__isnull=True)


def test_change_class_ends_the_old_enrolment_and_starts_a_new_one(world):
    """GIVEN An in 6A1 WHEN the clerk moves it to 6A2 from 02/12 THEN 6A1's enrolment ends that
    day ("Chuyển lớp", reason kept), 6A2's starts that day, same student, audited."""
    clerk = world.actor("clerk")
    old = _open(world.student_a)
    new = actions.enrolment_change_class(
        actor=clerk,
        enrolment=old,
        school_class=world.class_b,
        on=date(2026, 12, 2),
        reason="  Theo nguyện vọng gia đình ",
    )
    old.refresh_from_db()
    assert (old.status, old.end_date, old.note) == (
        Enrolment.Status.CLASS_CHANGED,
        date(2026, 12, 2),
        "Theo nguyện vọng gia đình",
    )
    assert old.left and not old.is_studying
    assert old.leaving_label == "Chuyển lớp 02/12/2026 — Theo nguyện vọng gia đình"
    assert (new.school_class, new.student, new.start_date) == (
        world.class_b,
        world.student_a,
        date(2026, 12, 2),
    )
    assert new.is_studying and new.year == world.year
    assert Student.objects.filter(pk=world.student_a.pk).count() == 1
    event = AuditEvent.objects.get(event_type="enrolment.class_changed")
    assert event.before["class_name"] == "6A1" and event.after["class_name"] == "6A2"
    assert event.after["reason"] == "Theo nguyện vọng gia đình"


def _refused(code, **kwargs):
    with pytest.raises(DomainError) as info:
        actions.enrolment_change_class(**kwargs)
    assert info.value.code == code
    return info.value


def test_change_class_refusals(world):
    clerk = world.actor("clerk")
    enrolment = _open(world.student_a)
    base = {"actor": clerk, "enrolment": enrolment, "on": date(2026, 12, 2)}
    # the same class
    _refused("SAME_CLASS", school_class=world.class_a, **base)
    # another grade
    grade7 = GradeLevel.objects.create(school=world.school, number=7, level="lower_secondary")
    class_7 = SchoolClass.objects.create(year=world.year, grade=grade7, name="7A1")
    error = _refused("OTHER_GRADE", school_class=class_7, **base)
    assert "cùng khối" in error.message
    # another year
    next_year = make_year(world.school, "2027-2028")
    later = SchoolClass.objects.create(year=next_year, grade=world.class_a.grade, name="6A1")
    _refused("OTHER_YEAR", school_class=later, **base)
    # outside the year, before the enrolment started
    base["on"] = date(2027, 6, 15)
    _refused("BAD_DATE", school_class=world.class_b, **base)
    enrolment.start_date = date(2026, 12, 10)
    enrolment.save()
    base["on"] = date(2026, 12, 2)
    error = _refused("BAD_DATE", school_class=world.class_b, **base)
    assert "sau ngày vào lớp" in error.message
    # a closed year
    enrolment.start_date = date(2026, 9, 5)
    enrolment.save()
    world.year.is_closed = True
    world.year.save()
    with pytest.raises(PermissionDenied):  # a closed year is read-only for everybody
        actions.enrolment_change_class(
            school_class=world.class_b, **{**base, "actor": world.actor("clerk")}
        )
    # nothing was written
    assert world.student_a.enrolments.count() == 1
    assert not AuditEvent.objects.filter(event_type="enrolment.class_changed").exists()


def test_change_class_of_a_student_who_left_is_refused(world):
    clerk = world.actor("clerk")
    enrolment = _open(world.student_a)
    actions.enrolment_end(
        actor=clerk, enrolment=enrolment, status="dropped_out", end_date=date(2026, 11, 1)
    )
    _refused(
        "NOT_ENROLLED",
        actor=clerk,
        enrolment=enrolment,
        school_class=world.class_b,
        on=date(2026, 12, 2),
    )


@pytest.mark.parametrize("role", ["homeroom", "subject", "principal", "parent"])
def test_only_enrolment_managers_change_classes(world, role):
    with pytest.raises(PermissionDenied):
        actions.enrolment_change_class(
            actor=world.actor(role),
            enrolment=_open(world.student_a),
            school_class=world.class_b,
            on=date(2026, 12, 2),
        )


def test_vice_principal_may_change_classes(world):
    new = actions.enrolment_change_class(
        actor=world.actor("vice"),
        enrolment=_open(world.student_a),
        school_class=world.class_b,
        on=date(2026, 12, 2),
    )
    assert new.school_class == world.class_b


def test_return_after_dropout_is_a_new_enrolment_of_the_same_student(world):
    """GIVEN An dropped out on 01/11 WHEN it comes back on 15/11 into 6A2 THEN a new enrolment
    of the same student (same register number), the dropout row kept, audited with the reason."""
    clerk = world.actor("clerk")
    first = _open(world.student_a)
    number = world.student_a.register_entry.number
    actions.enrolment_end(
        actor=clerk,
        enrolment=first,
        status="dropped_out",
        end_date=date(2026, 11, 1),
        note="Hoàn cảnh khó khăn",
    )
    assert returnable_enrolment(world.student_a, world.year).pk == first.pk
    new = actions.enrolment_return(
        actor=clerk,
        student=world.student_a,
        school_class=world.class_b,
        on=date(2026, 11, 15),
        reason="Gia đình ổn định",
    )
    assert new.is_studying and new.school_class == world.class_b
    assert new.note == "Trở lại học — Gia đình ổn định"
    first.refresh_from_db()
    assert first.status == "dropped_out" and first.note == "Hoàn cảnh khó khăn"
    assert world.student_a.enrolments.count() == 2
    world.student_a.register_entry.refresh_from_db()
    assert world.student_a.register_entry.number == number
    assert Student.objects.filter(school=world.school).count() == 2
    assert returnable_enrolment(world.student_a, world.year) is None
    event = AuditEvent.objects.get(event_type="enrolment.returned")
    assert event.before["status"] == "dropped_out" and event.after["reason"] == "Gia đình ổn định"


def test_return_refusals(world):
    clerk = world.actor("clerk")
    kwargs = {"actor": clerk, "student": world.student_a, "on": date(2026, 11, 15)}
    with pytest.raises(DomainError) as info:  # still studying
        actions.enrolment_return(school_class=world.class_a, **kwargs)
    assert info.value.code == "ALREADY_ENROLLED"
    enrolment = _open(world.student_a)
    actions.enrolment_change_class(
        actor=clerk, enrolment=enrolment, school_class=world.class_b, on=date(2026, 10, 1)
    )
    new = _open(world.student_a)
    actions.enrolment_end(
        actor=clerk, enrolment=new, status="transferred_out", end_date=date(2026, 11, 1)
    )
    grade7 = GradeLevel.objects.create(school=world.school, number=7, level="lower_secondary")
    class_7 = SchoolClass.objects.create(year=world.year, grade=grade7, name="7A1")
    with pytest.raises(DomainError) as info:
        actions.enrolment_return(school_class=class_7, **kwargs)
    assert info.value.code == "OTHER_GRADE"
    kwargs["on"] = date(2026, 10, 20)
    with pytest.raises(DomainError) as info:  # before it left
        actions.enrolment_return(school_class=world.class_a, **kwargs)
    assert info.value.code == "BAD_DATE"
    with pytest.raises(PermissionDenied):
        actions.enrolment_return(
            actor=world.actor("homeroom"),
            student=world.student_a,
            school_class=world.class_a,
            on=date(2026, 11, 15),
        )
    # a transferred-out student comes back within the year: allowed
    back = actions.enrolment_return(
        school_class=world.class_a, **{**kwargs, "on": date(2026, 11, 20)}
    )
    assert back.school_class == world.class_a


def test_return_needs_a_dropout_or_transfer_out(world):
    other = make_student(world.school, world.class_a, "Lê Văn Chí")
    enrolment = _open(other)
    enrolment.end_date = date(2026, 11, 1)  # ended without leaving the school (no status)
    enrolment.save()
    with pytest.raises(DomainError) as info:
        actions.enrolment_return(
            actor=world.actor("clerk"),
            student=other,
            school_class=world.class_a,
            on=date(2026, 11, 15),
        )
    assert info.value.code == "NOT_LEFT"


def test_class_members_keep_who_left_struck_through(world):
    """The class list shows everyone who was in the class this year, in name order, one row
    per student (the current enrolment of one who came back), ``left`` for those who left."""
    clerk = world.actor("clerk")
    chi = make_student(world.school, world.class_a, "Lê Văn Chí")
    dung = make_student(world.school, world.class_a, "Phạm Thị Dung")
    actions.enrolment_change_class(
        actor=clerk, enrolment=_open(chi), school_class=world.class_b, on=date(2026, 12, 2)
    )
    actions.enrolment_end(
        actor=clerk, enrolment=_open(dung), status="dropped_out", end_date=date(2026, 10, 1)
    )
    actions.enrolment_return(
        actor=clerk, student=dung, school_class=world.class_a, on=date(2026, 10, 20)
    )
    rows = class_members(world.class_a)
    assert [(e.student.given_name, e.left) for e in rows] == [
        ("An", False),
        ("Chí", True),
        ("Dung", False),
    ]
    assert [(e.student.given_name, e.left) for e in class_members(world.class_b)] == [
        ("Bình", False),
        ("Chí", False),
    ]
    # "who is in the class now" is unchanged: studying()
    assert set(
        Enrolment.objects.studying()
        .filter(school_class=world.class_a)
        .values_list("student__given_name", flat=True)
    ) == {"An", "Dung"}


def test_last_of_year_is_the_class_that_carries_the_year(world):
    clerk = world.actor("clerk")
    chi = make_student(world.school, world.class_a, "Lê Văn Chí")
    actions.enrolment_change_class(
        actor=clerk, enrolment=_open(chi), school_class=world.class_b, on=date(2026, 12, 2)
    )
    actions.enrolment_end(
        actor=clerk,
        enrolment=_open(world.student_a),
        status="transferred_out",
        end_date=date(2026, 11, 1),
    )
    last = Enrolment.objects.last_of_year()
    assert set(last.filter(school_class=world.class_a).values_list("student_id", flat=True)) == {
        world.student_a.pk  # left the school from 6A1: its year stays with 6A1
    }
    assert set(last.filter(school_class=world.class_b).values_list("student_id", flat=True)) == {
        world.student_b.pk,
        chi.pk,
    }


# --- pages ----------------------------------------------------------------------------------


def test_change_class_page_keeps_what_was_typed_and_moves(client, world):
    client.force_login(world.users["clerk"])
    enrolment = _open(world.student_a)
    url = reverse("students:change_class", args=[enrolment.pk])
    page = client.get(url)
    assert page.status_code == 200
    options = page.content.decode().split("<select", 1)[1].split("</select>", 1)[0]
    assert "6A2" in options and "6A1" not in options  # the same grade, not its own class
    bad = client.post(
        url, {"school_class": world.class_b.pk, "on": "2027-07-01", "reason": "Sĩ số"}
    )
    body = bad.content.decode()
    assert bad.status_code == 200 and "nằm ngoài năm học" in body
    assert 'value="Sĩ số"' in body and 'value="2027-07-01"' in body
    ok = client.post(url, {"school_class": world.class_b.pk, "on": "2026-12-02", "reason": "Sĩ số"})
    assert ok.status_code == 302
    assert _open(world.student_a).school_class == world.class_b
    detail = client.get(reverse("students:detail", args=[world.student_a.pk])).content.decode()
    assert "Chuyển lớp" in detail and "02/12/2026" in detail and "Sĩ số" in detail


def test_change_class_page_is_for_enrolment_managers(client, world):
    client.force_login(world.users["homeroom"])
    url = reverse("students:change_class", args=[_open(world.student_a).pk])
    assert client.get(url).status_code == 403
    detail = client.get(reverse("students:detail", args=[world.student_a.pk])).content.decode()
    assert "Quá trình học" in detail and "chuyen-lop" not in detail
    # The page is whole: one history, inside the page's main (a bad edit once repeated the
    # history block between every character of the template).
    assert detail.count("Quá trình học") == 1 and detail.count('data-testid="history"') == 1
    assert detail.index("<main") < detail.index("Quá trình học") < detail.index("</main>")


def test_return_page(client, world):
    client.force_login(world.users["clerk"])
    url = reverse("students:return", args=[world.student_a.pk])
    assert client.get(url).status_code == 302  # still studying: nothing to return from
    actions.enrolment_end(
        actor=world.actor("clerk"),
        enrolment=_open(world.student_a),
        status="dropped_out",
        end_date=date(2026, 11, 1),
    )
    detail = client.get(reverse("students:detail", args=[world.student_a.pk])).content.decode()
    assert url in detail
    bad = client.post(url, {"school_class": world.class_a.pk, "on": "", "reason": "Đi học lại"})
    assert "Nhập ngày trở lại học." in bad.content.decode()
    assert 'value="Đi học lại"' in bad.content.decode()
    ok = client.post(url, {"school_class": world.class_a.pk, "on": "2026-11-16", "reason": ""})
    assert ok.status_code == 302 and _open(world.student_a).start_date == date(2026, 11, 16)


def test_class_page_strikes_through_who_left(client, world):
    actions.enrolment_change_class(
        actor=world.actor("clerk"),
        enrolment=_open(world.student_a),
        school_class=world.class_b,
        on=date(2026, 12, 2),
        reason="Theo nguyện vọng",
    )
    client.force_login(world.users["homeroom"])
    body = client.get(reverse("organisation:class_detail", args=[world.class_a.pk])).content
    body = body.decode()
    assert 'class="left" data-left="1"' in body
    assert "Chuyển lớp 02/12/2026 — Theo nguyện vọng" in body
    assert "Nguyễn Văn An" in body


def test_register_page_keeps_who_left_the_school_with_date_and_reason(client, world):
    clerk = world.actor("clerk")
    chi = make_student(world.school, world.class_a, "Lê Văn Chí")
    actions.enrolment_end(
        actor=clerk,
        enrolment=_open(world.student_a),
        status="transferred_out",
        end_date=date(2026, 11, 10),
        note="Chuyển đến THCS Lê Lợi",
    )
    actions.enrolment_change_class(
        actor=clerk, enrolment=_open(chi), school_class=world.class_b, on=date(2026, 12, 2)
    )
    client.force_login(world.users["clerk"])
    body = client.get(reverse("students:register")).content.decode()
    assert body.count('data-left="1"') == 1  # An left the school; Chí only changed class
    assert "Chuyển đi 10/11/2026 — Chuyển đến THCS Lê Lợi" in body
    assert "6A1 → 6A2" in body and "Chuyển lớp 02/12/2026" in body


def test_class_page_offers_the_moves_to_enrolment_managers_only(client, world):
    actions.enrolment_end(
        actor=world.actor("clerk"),
        enrolment=_open(world.student_a),
        status="dropped_out",
        end_date=date(2026, 11, 1),
    )
    other = make_student(world.school, world.class_a, "Lê Văn Chí")
    url = reverse("organisation:class_detail", args=[world.class_a.pk])
    client.force_login(world.users["clerk"])
    body = client.get(url).content.decode()
    assert reverse("students:change_class", args=[_open(other).pk]) in body
    assert reverse("students:return", args=[world.student_a.pk]) in body
    client.force_login(world.users["homeroom"])
    body = client.get(url).content.decode()
    assert "chuyen-lop" not in body and "tro-lai-hoc" not in body
