"""The subject catalogue: GIVEN a school with grades 6–9, WHEN the administrator loads the
programme's catalogue, THEN every subject comes with its periods per grade; the school edits a
grade's subjects and periods, adds a subject of its own and removes an unused one; nothing used
by the grade book or an assignment is removed or re-assessed."""

from __future__ import annotations

import pytest

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.organisation.models import GradeLevel, Subject, SubjectOffering, TeachingAssignment
from hoso.organisation.setup import actions
from hoso.organisation.setup.actions import OfferingRow
from hoso.organisation.setup.errors import SetupError
from hoso.organisation.setup.tests.conftest import fresh_school, grade_book_entry
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db


def offering(code, grade):
    return SubjectOffering.objects.get(subject__code=code, grade__number=grade)


def test_the_programme_loads_with_periods_per_grade(fresh):
    created = actions.programme_apply(actor=fresh.actor("admin"), level="lower_secondary")
    assert [s.code for s in created][:3] == ["NV", "TOAN", "NN1"]
    assert len(created) == 13
    assert offering("CN", 8).periods_per_year == 52 and offering("CN", 6).periods_per_year == 35
    assert SubjectOffering.objects.filter(grade__number=9).count() == 13
    assert Subject.objects.get(code="GDTC").assessment == "comment"
    event = AuditEvent.objects.filter(event_type="subject.created").first()
    assert event.after["from_programme"] and event.after["grades"]["6"]["periods"] == 140
    # Again: nothing new, nothing doubled.
    assert actions.programme_apply(actor=fresh.actor("admin"), level="lower_secondary") == []
    assert Subject.objects.count() == 13


def test_optional_subjects_and_topics_are_added_on_demand(db):
    school = fresh_school(code="THPT-A", level="upper_secondary")
    admin = school.actor("admin")
    actions.programme_apply(actor=admin, level="upper_secondary")
    assert not Subject.objects.filter(code="CD_TOAN").exists()
    actions.programme_apply(actor=admin, level="upper_secondary", codes=["CD_TOAN", "NN2"])
    assert offering("CD_TOAN", 11).periods_per_year == 35
    with pytest.raises(DomainError) as caught:
        actions.programme_apply(actor=admin, level="upper_secondary", codes=["KHTN"])
    assert caught.value.code == SetupError.NOT_IN_PROGRAMME
    with pytest.raises(DomainError) as caught:
        actions.programme_apply(actor=admin, level="primary")
    assert caught.value.code == SetupError.BAD_LEVELS


def test_primary_grades_4_and_5_get_the_mid_term_test_of_tieng_viet_and_toan(db):
    school = fresh_school(code="TH-A", level="primary")
    actions.programme_apply(actor=school.actor("admin"), level="primary")
    flagged = set(
        SubjectOffering.objects.filter(midterm_test=True).values_list(
            "subject__code", "grade__number"
        )
    )
    assert flagged == {("TV", 4), ("TV", 5), ("TOAN", 4), ("TOAN", 5)}


def test_a_grade_page_changes_periods_adds_and_removes_subjects_in_one_event(fresh):
    admin = fresh.actor("admin")
    actions.programme_apply(actor=admin, level="lower_secondary")
    grade = GradeLevel.objects.get(school=fresh.school, number=6)
    math, gdtc = Subject.objects.get(code="TOAN"), Subject.objects.get(code="GDTC")
    actions.grade_catalogue_save(
        actor=admin,
        grade=grade,
        rows=[OfferingRow(math.pk, True, "175"), OfferingRow(gdtc.pk, False)],
    )
    assert offering("TOAN", 6).periods_per_year == 175
    assert not SubjectOffering.objects.filter(subject=gdtc, grade=grade).exists()
    assert SubjectOffering.objects.filter(subject=gdtc, grade__number=7).exists()
    event = AuditEvent.objects.get(event_type="catalogue.grade_saved")
    assert event.before == {
        "TOAN": {"periods": 140, "midterm_test": False},
        "GDTC": {"periods": 70, "midterm_test": False},
    }
    assert event.after == {"TOAN": {"periods": 175, "midterm_test": False}, "GDTC": None}
    actions.grade_catalogue_save(actor=admin, grade=grade, rows=[OfferingRow(gdtc.pk, True, "70")])
    assert offering("GDTC", 6).periods_per_year == 70


@pytest.mark.parametrize("periods", ["", "0", "1001", "ba mươi"])
def test_periods_are_a_whole_number_from_1_to_1000(fresh, periods):
    admin = fresh.actor("admin")
    actions.programme_apply(actor=admin, level="lower_secondary")
    math = Subject.objects.get(code="TOAN")
    with pytest.raises(DomainError) as caught:
        actions.grade_catalogue_save(
            actor=admin,
            grade=GradeLevel.objects.get(school=fresh.school, number=6),
            rows=[OfferingRow(math.pk, True, periods)],
        )
    assert caught.value.code == SetupError.PERIODS
    assert caught.value.field == f"periods_{math.pk}"
    assert offering("TOAN", 6).periods_per_year == 140


def test_the_mid_term_flag_only_where_tt27_has_it(fresh):
    admin = fresh.actor("admin")
    actions.programme_apply(actor=admin, level="lower_secondary")
    math = Subject.objects.get(code="TOAN")
    with pytest.raises(DomainError) as caught:
        actions.grade_catalogue_save(
            actor=admin,
            grade=GradeLevel.objects.get(school=fresh.school, number=6),
            rows=[OfferingRow(math.pk, True, "140", True)],
        )
    assert caught.value.code == SetupError.MIDTERM_NOT_APPLICABLE


def test_a_school_subject_of_its_own(fresh):
    admin = fresh.actor("admin")
    subject = actions.subject_create(
        actor=admin,
        level="lower_secondary",
        code="kns",
        name="Kỹ năng sống",
        assessment="comment",
        periods={6: "35", 7: "35", 8: "", 9: ""},
    )
    assert subject.code == "KNS"
    assert sorted(subject.offerings.values_list("grade__number", flat=True)) == [6, 7]


@pytest.mark.parametrize(
    ("code", "periods", "error"),
    [
        ("KNS", {}, SetupError.SUBJECT_CODE_TAKEN),
        ("Kỹ năng", {}, SetupError.BAD_SUBJECT_CODE),
        ("KNS2", {10: "35"}, SetupError.GRADE_NOT_IN_SCHOOL),
        ("KNS2", {6: "0"}, SetupError.PERIODS),
    ],
)
def test_a_bad_subject_of_its_own_is_refused(fresh, code, periods, error):
    admin = fresh.actor("admin")
    actions.subject_create(
        actor=admin,
        level="lower_secondary",
        code="KNS",
        name="Kỹ năng sống",
        assessment="comment",
        periods={},
    )
    with pytest.raises(DomainError) as caught:
        actions.subject_create(
            actor=admin,
            level="lower_secondary",
            code=code,
            name="X",
            assessment="comment",
            periods=periods,
        )
    assert caught.value.code == error
    assert Subject.objects.count() == 1


def test_an_unused_subject_is_removed_with_its_periods(fresh):
    admin = fresh.actor("admin")
    actions.programme_apply(actor=admin, level="lower_secondary")
    gdcd = Subject.objects.get(code="GDCD")
    actions.subject_delete(actor=admin, subject=gdcd)
    assert not Subject.objects.filter(code="GDCD").exists()
    assert not SubjectOffering.objects.filter(subject_id=gdcd.pk).exists()
    event = AuditEvent.objects.get(event_type="subject.deleted")
    assert event.before["grades"]["6"] == {"periods": 35, "midterm_test": False}


def test_a_subject_in_use_is_neither_removed_nor_re_assessed(world):
    """The small school: Toán is taught in 6A1 and has a grade-book entry there."""
    admin = world.actor("admin")
    with pytest.raises(DomainError) as caught:
        actions.subject_delete(actor=admin, subject=world.math)
    assert caught.value.code == SetupError.SUBJECT_IN_USE
    assert "1 phân công giảng dạy" in caught.value.message
    with pytest.raises(DomainError) as caught:
        actions.grade_catalogue_save(
            actor=admin, grade=world.class_a.grade, rows=[OfferingRow(world.math.pk, False)]
        )
    assert caught.value.code == SetupError.OFFERING_IN_USE
    assert caught.value.message.startswith(
        "Môn Toán ở khối 6 đang được dùng (1 phân công giảng dạy"
    )
    assert TeachingAssignment.objects.filter(subject=world.math).exists()


def test_grade_book_entries_block_removal_and_a_change_of_assessment(world):
    TeachingAssignment.objects.filter(subject=world.math).delete()
    student = make_student(world.school, world.class_b, "Lê Thị Cúc", gender="F")
    grade_book_entry(world, student=student, school_class=world.class_b)
    admin = world.actor("admin")
    with pytest.raises(DomainError) as caught:
        actions.subject_update(actor=admin, subject=world.math, name="Toán", assessment="comment")
    assert caught.value.code == SetupError.ASSESSMENT_IN_USE
    assert "1 kết quả trong sổ điểm" in caught.value.message
    actions.subject_update(actor=admin, subject=world.math, name="Toán học", assessment="score")
    world.math.refresh_from_db()
    assert world.math.name == "Toán học" and world.math.assessment == "score"
    with pytest.raises(DomainError) as caught:
        actions.subject_delete(actor=admin, subject=world.math)
    assert caught.value.code == SetupError.SUBJECT_IN_USE
