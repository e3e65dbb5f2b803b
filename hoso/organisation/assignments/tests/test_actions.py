"""The assignment actions: history kept, nothing rewritten that has been in force, refusals
with codes and fields, audit before/after, the people told, permissions per role."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.gradebook.entry.actions import assessment_save
from hoso.gradebook.entry.sheets import load_sheet
from hoso.notifications.models import Notification
from hoso.organisation.assignments import actions, selectors
from hoso.organisation.assignments.errors import AssignmentError
from hoso.organisation.assignments.selectors import FROM_THE_START
from hoso.organisation.assignments.tests.helpers import DEC_1, DEC_31, JAN_1, replace_math, term2
from hoso.organisation.models import (
    AssignmentApproval,
    Department,
    HomeroomAssignment,
    TeachingAssignment,
)
from hoso.testing.factories import make_staff, small_school


def rows(world, term=None):
    return [
        (r.teacher_id, r.starts_on, r.ends_on)
        for r in TeachingAssignment.objects.filter(
            school_class=world.class_a, subject=world.math, term=term or world.term1
        ).order_by(FROM_THE_START, "pk")
    ]


# --- a change during the year keeps the history ------------------------------------------------


@pytest.mark.django_db
def test_replace_from_a_date_ends_the_old_row_and_starts_a_new_one(world):
    subject, deputy = world.people["subject"], world.people["deputy"]
    change = replace_math(world, reason="Thầy Đức nghỉ ốm dài ngày")
    assert rows(world) == [(subject.pk, None, date(2026, 11, 30)), (deputy.pk, DEC_1, None)]
    old, new = TeachingAssignment.objects.filter(subject=world.math).order_by("pk")
    # who changed it, why
    assert old.end_reason == new.reason == "Thầy Đức nghỉ ốm dài ngày"
    assert old.ended_by == new.created_by == world.users["vice"]
    assert change.replaced == [subject] and change.teacher == deputy


@pytest.mark.django_db
def test_the_change_is_audited_with_the_rows_before_and_after(world):
    change = replace_math(world)
    event = AuditEvent.objects.get(pk=change.event_id)
    assert event.event_type == "assignment.teaching_changed"
    assert event.actor_id == world.users["vice"].pk
    assert event.before == {
        "rows": [
            {
                "teacher_id": world.people["subject"].pk,
                "teacher": "Vũ Minh Đức",
                "starts_on": "2026-09-05",
                "ends_on": None,
            }
        ]
    }
    assert [r["teacher"] for r in event.after["rows"]] == ["Vũ Minh Đức", "Phạm Thị Hoa"]
    assert event.after["rows"][0]["ends_on"] == "2026-11-30"
    assert (event.after["subject"], event.after["term"], event.after["reason"]) == (
        "TOAN",
        1,
        "Nghỉ ốm",
    )


@pytest.mark.django_db
def test_the_two_teachers_and_the_homeroom_teacher_are_told(world):
    replace_math(world)
    told = {n.user_id: n.text for n in Notification.objects.filter(kind="assignment_changed")}
    assert set(told) == {
        world.users["deputy"].pk,
        world.users["subject"].pk,
        world.users["homeroom"].pk,
    }
    assert (
        "bạn được phân công Toán lớp 6A1 (Học kỳ I), thay Vũ Minh Đức"
        in told[world.users["deputy"].pk]
    )
    assert "do Phạm Thị Hoa đảm nhận" in told[world.users["subject"].pk]
    assert "vẫn ghi tên bạn" in told[world.users["subject"].pk]
    assert "từ ngày 01/12/2026" in told[world.users["homeroom"].pk]


@pytest.mark.django_db
def test_a_temporary_replacement_splits_the_row_and_the_teacher_resumes(world):
    subject, deputy = world.people["subject"], world.people["deputy"]
    replace_math(world, ends_on=DEC_31)
    assert rows(world) == [
        (subject.pk, None, date(2026, 11, 30)),
        (deputy.pk, DEC_1, DEC_31),
        (subject.pk, JAN_1, None),
    ]


@pytest.mark.django_db
def test_cancelling_a_planned_change_before_its_day_leaves_one_row(world):
    subject = world.people["subject"]
    replace_math(world)
    # The deputy's row has not begun (1 December is ahead): giving the period back to the
    # teacher removes it and the teacher's row runs on.
    replace_math(world, by="subject", reason="Thầy Đức đi dạy lại")
    assert rows(world) == [(subject.pk, None, None)]


@pytest.mark.django_db
def test_a_period_already_in_force_is_never_rewritten(world):
    with pytest.raises(DomainError) as exc:
        replace_math(world, starts_on=None)  # from the beginning: Sept–Nov would be rewritten
    assert exc.value.code == AssignmentError.HISTORY and exc.value.field == "starts_on"
    assert "Vũ Minh Đức đã được phân công từ ngày 05/09/2026" in exc.value.message
    assert rows(world) == [(world.people["subject"].pk, None, None)]


@pytest.mark.django_db
def test_replacing_a_teacher_in_force_needs_a_reason(world):
    with pytest.raises(DomainError) as exc:
        replace_math(world, reason="  ")
    assert exc.value.code == AssignmentError.REASON_REQUIRED and exc.value.field == "reason"


@pytest.mark.django_db
def test_an_over_long_reason_is_refused_not_cut(world):
    with pytest.raises(DomainError) as exc:
        replace_math(world, reason="x" * 301)
    assert exc.value.code == AssignmentError.TOO_LONG
    assert "301 ký tự" in exc.value.message
    assert len(rows(world)) == 1


@pytest.mark.django_db
def test_reasons_are_nfc_normalised(world):
    decomposed = "Nghi\u0309 o\u0302\u0301m"  # "Nghỉ ốm" typed with combining marks
    replace_math(world, reason=decomposed)
    assert TeachingAssignment.objects.get(starts_on=DEC_1).reason == "Nghỉ ốm"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [
        (date(2026, 9, 1), None, "starts_on"),  # before the year
        (date(2027, 6, 1), None, "starts_on"),  # after it
        (DEC_31, DEC_1, "ends_on"),  # ends before it starts
        (DEC_1, date(2027, 6, 30), "ends_on"),
    ],
)
def test_dates_outside_the_year_are_refused(world, starts_on, ends_on, field):
    with pytest.raises(DomainError) as exc:
        replace_math(world, starts_on=starts_on, ends_on=ends_on)
    assert exc.value.code == AssignmentError.BAD_DATE and exc.value.field == field


@pytest.mark.django_db
def test_a_teacher_of_another_school_or_who_has_left_is_refused(world):
    other = small_school()
    with pytest.raises(DomainError) as exc:
        actions.assignment_set(
            actor=world.actor("vice"),
            school_class=world.class_a,
            subject=world.math,
            term=world.term1,
            teacher=other.people["subject"],
            starts_on=DEC_1,
            reason="x",
        )
    assert exc.value.code == AssignmentError.BAD_TEACHER and exc.value.field == "teacher"
    leaving = world.people["deputy"]
    leaving.end_date = date(2026, 11, 25)
    leaving.save()
    with pytest.raises(DomainError) as exc:
        replace_math(world)
    assert exc.value.code == AssignmentError.BAD_TEACHER
    assert "không còn công tác tại trường từ ngày 01/12/2026" in exc.value.message


@pytest.mark.django_db
def test_a_subject_not_taught_in_the_grade_is_refused(world):
    from hoso.organisation.models import Subject

    music = Subject.objects.create(
        school=world.school,
        level="lower_secondary",
        code="AN",
        name="Âm nhạc",
        assessment="comment",
    )
    with pytest.raises(DomainError) as exc:
        actions.assignment_set(
            actor=world.actor("vice"),
            school_class=world.class_a,
            subject=music,
            term=world.term1,
            teacher=world.people["deputy"],
        )
    assert exc.value.code == AssignmentError.NOT_OFFERED and exc.value.field == "subject"
    assert exc.value.message == "Môn Âm nhạc không được dạy ở khối 6."


@pytest.mark.django_db
def test_what_the_page_showed_must_still_hold(world):
    """Two people editing the same cell: the second is told, not overwritten."""
    shown = TeachingAssignment.objects.get(subject=world.math).pk
    replace_math(world)  # someone else's change, from 1 December
    with pytest.raises(DomainError) as exc:
        actions.assignment_set(
            actor=world.actor("principal"),
            school_class=world.class_a,
            subject=world.math,
            term=world.term1,
            teacher=world.people["dept_head"],
            starts_on=DEC_1,
            reason="Phân công lại",
            expected=shown,
        )
    assert exc.value.code == AssignmentError.CONFLICT
    assert "nay: Phạm Thị Hoa" in exc.value.message


# --- before the year: the table is corrected in place, unless work was done ------------------


@pytest.mark.django_db
@pytest.mark.clock("2026-08-20")
def test_before_the_year_a_cell_is_corrected_in_place(world):
    change = replace_math(world, starts_on=None, reason="")
    assert rows(world) == [(world.people["deputy"].pk, None, None)]
    assert change.replaced == [world.people["subject"]]


@pytest.mark.django_db
@pytest.mark.clock("2026-08-20")
def test_a_teacher_who_already_entered_scores_is_not_erased_from_the_cell(world):
    sheet = load_sheet(world.class_a, world.math, world.term1)
    assessment_save(
        actor=world.actor("subject"),
        sheet=sheet,
        student=world.student_a,
        column_key="TX1",
        raw_value="8",
    )
    with pytest.raises(DomainError) as exc:
        replace_math(world, starts_on=None, reason="")
    assert exc.value.code == AssignmentError.HAS_ENTRIES
    assert "Vũ Minh Đức đã có điểm đã nhập" in exc.value.message
    # From a date it is fine: the scores keep their author
    replace_math(world, starts_on=date(2026, 9, 10), reason="Đổi phân công")
    assert len(rows(world)) == 2


@pytest.mark.django_db
@pytest.mark.clock("2026-11-20")
def test_a_term_two_row_has_not_begun_during_term_one(world):
    """Term II's teacher planned in the table can be corrected until term II starts."""
    t2 = term2(world)
    actions.assignment_set(
        actor=world.actor("vice"),
        school_class=world.class_a,
        subject=world.math,
        term=t2,
        teacher=world.people["subject"],
    )
    actions.assignment_set(
        actor=world.actor("vice"),
        school_class=world.class_a,
        subject=world.math,
        term=t2,
        teacher=world.people["deputy"],
    )
    assert rows(world, t2) == [(world.people["deputy"].pk, None, None)]


# --- several cells at once -----------------------------------------------------------------------


@pytest.mark.django_db
def test_replace_a_teacher_in_all_its_cells_and_its_homeroom(world):
    lan, hoa = world.people["homeroom"], world.people["deputy"]
    changes = actions.teacher_replace(
        actor=world.actor("vice"),
        teacher=lan,
        replacement=hoa,
        starts_on=DEC_1,
        ends_on=DEC_31,
        reason="Cô Lan đi tập huấn",
        year=world.year,
    )
    assert {c.kind for c in changes} == {"teaching", "homeroom"}
    assert (
        selectors.teacher_of(
            school_class=world.class_a, subject=world.literature, term=world.term1, on=DEC_1
        )
        == hoa
    )
    assert selectors.homeroom_teacher_of(world.class_a, on=DEC_31) == hoa
    assert selectors.homeroom_teacher_of(world.class_a, on=JAN_1) == lan
    # One notification each, listing both changes
    to_hoa = Notification.objects.get(user=world.users["deputy"], kind="assignment_changed")
    assert "Ngữ văn lớp 6A1" in to_hoa.text and "chủ nhiệm lớp 6A1" in to_hoa.text


@pytest.mark.django_db
def test_replace_a_teacher_needs_a_reason_and_something_to_replace(world):
    kwargs = {
        "actor": world.actor("vice"),
        "replacement": world.people["deputy"],
        "starts_on": DEC_1,
        "year": world.year,
    }
    with pytest.raises(DomainError) as exc:
        actions.teacher_replace(teacher=world.people["subject"], reason="", **kwargs)
    assert exc.value.code == AssignmentError.REASON_REQUIRED
    with pytest.raises(DomainError) as exc:
        actions.teacher_replace(teacher=world.people["clerk"], reason="x", **kwargs)
    assert exc.value.code == AssignmentError.NOTHING_TO_DO


@pytest.mark.django_db
def test_a_batch_saves_all_or_nothing(world):
    edits = [
        actions.CellEdit(
            school_class=world.class_b,
            subject=world.math,
            term=world.term1,
            teacher=world.people["deputy"],
        ),
        actions.CellEdit(  # refused: 6A1's Toán has been taught since September
            school_class=world.class_a,
            subject=world.math,
            term=world.term1,
            teacher=world.people["deputy"],
        ),
    ]
    with pytest.raises(actions.BatchError) as exc:
        actions.assignments_apply(actor=world.actor("vice"), edits=edits, starts_on=None)
    assert [(i, e.code) for i, e in exc.value.errors] == [(1, AssignmentError.HISTORY)]
    assert not TeachingAssignment.objects.filter(school_class=world.class_b).exists()
    assert not AuditEvent.objects.filter(event_type="assignment.teaching_changed").exists()
    changes = actions.assignments_apply(
        actor=world.actor("vice"), edits=edits[:1], starts_on=DEC_1, reason="Bổ sung"
    )
    assert len(changes) == 1


@pytest.mark.django_db
def test_copy_term_one_to_term_two_fills_only_empty_cells(world):
    t2 = term2(world)
    actions.assignment_set(
        actor=world.actor("vice"),
        school_class=world.class_a,
        subject=world.literature,
        term=t2,
        teacher=world.people["deputy"],
    )
    changes = actions.assignments_copy_term(
        actor=world.actor("vice"), year=world.year, source=world.term1, target=t2
    )
    assert [(c.subject, c.teacher) for c in changes] == [(world.math, world.people["subject"])]
    assert selectors.sheet_teachers(school_class=world.class_a, term=t2) == {
        (world.math.pk, t2.pk): world.people["subject"],
        (world.literature.pk, t2.pk): world.people["deputy"],
    }
    with pytest.raises(DomainError) as exc:
        actions.assignments_copy_term(
            actor=world.actor("vice"), year=world.year, source=world.term1, target=t2
        )
    assert exc.value.code == AssignmentError.NOTHING_TO_DO


@pytest.mark.django_db
def test_the_year_rollover_can_set_next_years_homeroom_teachers(world):
    """Next year's classes get their homeroom teachers through the same action, from the
    year the actor has open."""
    from hoso.organisation.models import SchoolClass
    from hoso.testing.factories import make_year

    next_year = make_year(world.school, "2027-2028")
    class_7a1 = SchoolClass.objects.create(
        year=next_year, grade=world.class_a.grade, name="7A1", previous_class=world.class_a
    )
    change = actions.homeroom_set(
        actor=world.actor("vice"), school_class=class_7a1, teacher=world.people["homeroom"]
    )
    assert change.changed
    assert selectors.homeroom_teacher_of(class_7a1) == world.people["homeroom"]


# --- the principal's approval, departments -------------------------------------------------------


@pytest.mark.django_db
def test_the_principal_approves_the_table_and_a_later_change_shows(world):
    approval = actions.assignment_table_approve(
        actor=world.actor("principal"), year=world.year, note="Theo quyết định số 12/QĐ"
    )
    assert approval.digest == actions.table_digest(world.year)[0]
    assert approval.summary == {"teaching_rows": 2, "homeroom_rows": 1, "teachers": 2}
    assert AuditEvent.objects.filter(event_type="assignment.table_approved").count() == 1
    replace_math(world)
    assert AssignmentApproval.objects.get().digest != actions.table_digest(world.year)[0]
    with pytest.raises(PermissionDeniedError):
        actions.assignment_table_approve(actor=world.actor("vice"), year=world.year)


@pytest.mark.django_db
def test_department_membership_is_set_and_audited(world):
    maths = Department.objects.get(school=world.school, name="Tổ Toán – Tin")
    homeroom = world.people["homeroom"]
    actions.staff_department_set(actor=world.actor("vice"), staff=homeroom, department=maths)
    homeroom.refresh_from_db()
    assert homeroom.department == maths
    event = AuditEvent.objects.get(event_type="staff.department_changed")
    assert event.before == {"department": "Tổ Ngữ văn"}
    assert event.after == {"department": "Tổ Toán – Tin"}
    other = small_school()
    with pytest.raises(DomainError) as exc:
        actions.staff_department_set(
            actor=world.actor("vice"),
            staff=homeroom,
            department=Department.objects.filter(school=other.school).first(),
        )
    assert exc.value.code == AssignmentError.BAD_DEPARTMENT


# --- permissions ---------------------------------------------------------------------------------

EDITORS = {"principal", "vice", "admin"}
OTHERS = [
    "dept_head",
    "deputy",
    "homeroom",
    "subject",
    "clerk",
    "accountant",
    "medical",
    "librarian",
    "doi",
    "parent",
    "inspector",
    "outsider",
]


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(EDITORS))
def test_leaders_and_the_administrator_assign(world, who):
    assert replace_math(world, who=who).changed


@pytest.mark.django_db
@pytest.mark.parametrize("who", OTHERS)
def test_nobody_else_assigns_not_even_to_themselves(world, who):
    with pytest.raises(PermissionDeniedError) as exc:
        replace_math(world, who=who, by="subject" if who != "subject" else "deputy")
    assert exc.value.code == AssignmentError.NOT_ALLOWED
    with pytest.raises(PermissionDeniedError):
        actions.homeroom_set(
            actor=world.actor(who), school_class=world.class_b, teacher=world.people["deputy"]
        )
    assert len(rows(world)) == 1


@pytest.mark.django_db
def test_a_closed_year_refuses_every_change(world):
    world.year.is_closed = True
    world.year.save()
    with pytest.raises(DomainError) as exc:
        replace_math(world)
    assert exc.value.code == AssignmentError.YEAR_CLOSED


@pytest.mark.django_db
def test_another_schools_class_is_refused(world):
    other = small_school()
    with pytest.raises(PermissionDeniedError):
        actions.homeroom_set(
            actor=world.actor("vice"), school_class=other.class_b, teacher=world.people["deputy"]
        )
    assert not HomeroomAssignment.objects.filter(school_class=other.class_b).exists()


@pytest.mark.django_db
def test_a_guest_teacher_without_an_account_can_be_assigned(world):
    guest = make_staff(world.school, "Lâm Văn Tài")  # no account (thỉnh giảng)
    change = replace_math(world, by=None)
    assert change.teacher is None
    change = actions.assignment_set(
        actor=world.actor("vice"),
        school_class=world.class_a,
        subject=world.math,
        term=world.term1,
        teacher=guest,
        starts_on=DEC_1,
        reason="Giáo viên thỉnh giảng",
    )
    assert rows(world)[-1] == (guest.pk, DEC_1, None)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["vice", "admin", "principal"])
def test_nobody_gives_itself_a_class(world, role):
    """Teaching or homeroom assignments give roles (grade entry, student profiles): a manager
    may not assign itself; another member of the leadership does it."""
    me = world.people[role]
    with pytest.raises(DomainError) as exc:
        actions.assignment_set(
            actor=world.actor(role),
            school_class=world.class_b,
            subject=world.math,
            term=world.term1,
            teacher=me,
        )
    assert exc.value.code == AssignmentError.SELF and exc.value.field == "teacher"
    with pytest.raises(DomainError) as exc:
        actions.homeroom_set(actor=world.actor(role), school_class=world.class_b, teacher=me)
    assert exc.value.code == AssignmentError.SELF
    assert not TeachingAssignment.objects.filter(teacher=me).exists()
    assert AuditEvent.objects.filter(event_type="access.forbidden", actor=me.user).exists()
    # Someone else may: the principal assigns the vice principal, and so on.
    other = "principal" if role != "principal" else "vice"
    actions.assignment_set(
        actor=world.actor(other),
        school_class=world.class_b,
        subject=world.math,
        term=world.term1,
        teacher=me,
    )
    assert TeachingAssignment.objects.filter(teacher=me, school_class=world.class_b).exists()
