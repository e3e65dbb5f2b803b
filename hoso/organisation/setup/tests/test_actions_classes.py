"""Classes: GIVEN a year, WHEN the administrator adds classes (typed or as a series), renames or
deletes one, THEN names stay unique in the year whatever their case, a class with students is
never deleted, and every change is audited."""

from __future__ import annotations

import pytest

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.organisation.models import HomeroomAssignment, SchoolClass, TeachingAssignment
from hoso.organisation.setup import actions, forms
from hoso.organisation.setup.errors import SetupError
from hoso.organisation.setup.tests.conftest import make_year
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(fresh):
    return make_year(fresh, 2026)


def add(fresh, grade, names, sessions=1, who="admin"):
    return actions.classes_add(
        actor=fresh.actor(who), grade_number=grade, names=names, sessions_per_day=sessions
    )


def test_a_series_of_classes_is_added_with_one_event_each(fresh, year):
    created = add(fresh, 6, forms.series_names("6A", 1, 3), sessions=2)
    assert [c.name for c in created] == ["6A1", "6A2", "6A3"]
    assert {c.sessions_per_day for c in created} == {2}
    assert {c.grade.number for c in created} == {6}
    events = AuditEvent.objects.filter(event_type="class.created").order_by("seq")
    assert [e.after["name"] for e in events] == ["6A1", "6A2", "6A3"]


def test_typed_names_are_split_and_normalised():
    assert forms.typed_names("7A, 7B;7C\n 7D ") == ["7A", "7B", "7C", "7D"]


def test_names_are_unique_in_the_year_whatever_the_case(fresh, year):
    add(fresh, 6, ["6A1"])
    with pytest.raises(DomainError) as caught:
        add(fresh, 6, ["6A2", "6a1"])
    assert caught.value.code == SetupError.CLASS_NAME_TAKEN
    assert caught.value.message == "Năm học 2026-2027 đã có lớp 6a1."
    assert list(SchoolClass.objects.values_list("name", flat=True)) == ["6A1"]  # 6A2 neither
    with pytest.raises(DomainError) as caught:
        add(fresh, 7, ["7A", "7a"])
    assert caught.value.code == SetupError.CLASS_NAME_TAKEN


@pytest.mark.parametrize(
    ("grade", "names", "sessions", "code"),
    [
        (10, ["10A1"], 1, SetupError.GRADE_NOT_IN_SCHOOL),
        (6, [], 1, SetupError.CLASS_COUNT),
        (6, [f"6A{i}" for i in range(31)], 1, SetupError.CLASS_COUNT),
        (6, ["6A1"], 3, SetupError.SESSIONS),
        (6, ["6" * 21], 1, SetupError.TOO_LONG),
    ],
)
def test_bad_classes_are_refused(fresh, year, grade, names, sessions, code):
    with pytest.raises(DomainError) as caught:
        add(fresh, grade, names, sessions)
    assert caught.value.code == code
    assert not SchoolClass.objects.exists()


def test_a_class_is_renamed_and_audited(fresh, year):
    (c,) = add(fresh, 6, ["6A1"])
    c.year = year
    actions.class_update(
        actor=fresh.actor("admin"), school_class=c, name="6A01", sessions_per_day=2
    )
    c.refresh_from_db()
    assert (c.name, c.sessions_per_day) == ("6A01", 2)
    event = AuditEvent.objects.get(event_type="class.updated")
    assert event.before == {"name": "6A1", "sessions_per_day": 1}
    assert event.after == {"name": "6A01", "sessions_per_day": 2}


def test_a_rename_onto_another_class_is_refused(fresh, year):
    a, b = add(fresh, 6, ["6A1", "6A2"])
    with pytest.raises(DomainError) as caught:
        actions.class_update(
            actor=fresh.actor("admin"), school_class=b, name="6a1", sessions_per_day=1
        )
    assert caught.value.code == SetupError.CLASS_NAME_TAKEN


def test_a_class_without_students_is_deleted_with_its_assignments_in_the_audit(fresh, year):
    (c,) = add(fresh, 6, ["6A1"])
    teacher = fresh.staff["teacher"]
    from hoso.organisation.models import Subject

    subject = Subject.objects.create(
        school=fresh.school, level="lower_secondary", code="TOAN", name="Toán", assessment="score"
    )
    TeachingAssignment.objects.create(
        teacher=teacher, school_class=c, subject=subject, term=year.terms.get(number=1)
    )
    HomeroomAssignment.objects.create(teacher=teacher, school_class=c)
    actions.class_delete(actor=fresh.actor("admin"), school_class=c)
    assert not SchoolClass.objects.exists() and not TeachingAssignment.objects.exists()
    event = AuditEvent.objects.get(event_type="class.deleted")
    assert event.before["teaching"] == [["TOAN", 1, teacher.code]]
    assert event.before["homerooms"] == [teacher.code]
    assert (event.target_id, event.target_repr) == (str(c.pk), "Lớp 6A1")


def test_a_class_with_students_is_never_deleted(fresh, year):
    (c,) = add(fresh, 6, ["6A1"])
    make_student(fresh.school, c, "Nguyễn Văn An")
    with pytest.raises(DomainError) as caught:
        actions.class_delete(actor=fresh.actor("admin"), school_class=c)
    assert caught.value.code == SetupError.CLASS_HAS_STUDENTS
    assert caught.value.message == "Lớp 6A1 đã có 1 học sinh: không xóa được lớp có học sinh."
    assert SchoolClass.objects.filter(pk=c.pk).exists()
    assert not AuditEvent.objects.filter(event_type="class.deleted").exists()
