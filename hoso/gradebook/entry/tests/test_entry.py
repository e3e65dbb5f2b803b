"""Entering results, finalising columns and locking books (GIVEN the small school, WHEN the
subject teacher of 6A1 math works, THEN only the allowed changes happen, each audited)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from hoso.audit.models import AuditEvent
from hoso.audit.verify import verify_all
from hoso.core.errors import DomainError
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.entry.selectors import sheet_data
from hoso.gradebook.entry.sheets import load_sheet


@pytest.fixture
def sheet(world):
    return load_sheet(world.class_a, world.math, world.term1)


def save(world, sheet, column, value, who="subject", **kw):
    return actions.assessment_save(
        actor=world.actor(who),
        sheet=sheet,
        student=world.student_a,
        column_key=column,
        raw_value=value,
        **kw,
    )


@pytest.mark.django_db
def test_columns_follow_the_rule_set(sheet):
    keys = [c.key for c in sheet.columns]
    assert keys == ["TX1", "TX2", "TX3", "TX4", "TX5", "TX6", "GK", "CK"]  # 140 periods → 4
    assert [c.required for c in sheet.columns[:6]] == [True] * 4 + [False] * 2


@pytest.mark.django_db
def test_teacher_saves_and_every_change_is_audited(world, sheet):
    saved = save(world, sheet, "TX1", "8,5")
    assert saved.value == "8.5" and saved.version == 1
    saved = save(world, sheet, "TX1", "9", expected_version=1)
    assert saved.value == "9.0" and saved.version == 2
    events = AuditEvent.objects.filter(event_type="grade.saved").order_by("seq")
    assert [(e.before, e.after["value"]) for e in events] == [
        (None, "8.5"),
        ({"value": "8.5", "text": ""}, "9.0"),
    ]
    assert events[0].actor == world.users["subject"]
    assert verify_all()[1] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value,code,fragment",
    [
        ("11", "OUT_OF_RANGE", "0–10"),
        ("8.25", "BAD_PRECISION", "một chữ số"),
        ("tám", "BAD_INPUT", "không phải là điểm"),
        ("-1", "OUT_OF_RANGE", "0–10"),
    ],
)
def test_bad_values_are_refused_with_the_rule_sets_messages(world, sheet, value, code, fragment):
    with pytest.raises(DomainError) as exc:
        save(world, sheet, "GK", value)
    assert exc.value.code == code and fragment in exc.value.message
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_only_the_assigned_teacher_may_enter(world, sheet):
    for who in ("homeroom", "principal", "vice", "admin", "dept_head"):
        with pytest.raises(PermissionDenied):
            save(world, sheet, "TX1", "8", who=who)
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_a_stale_version_is_a_conflict_not_a_lost_update(world, sheet):
    save(world, sheet, "TX1", "7")
    save(world, sheet, "TX1", "8", expected_version=1)
    with pytest.raises(DomainError) as exc:
        save(world, sheet, "TX1", "9", expected_version=1)
    assert exc.value.code == "CONFLICT"
    assert Assessment.objects.get().value == "8.0"


@pytest.mark.django_db
def test_finalised_columns_cannot_be_changed_by_the_teacher(world, sheet):
    with pytest.raises(DomainError) as exc:
        actions.columns_finalise(actor=world.actor("subject"), sheet=sheet, column_keys=["GK"])
    assert exc.value.code == "INCOMPLETE"
    save(world, sheet, "GK", "7")
    assert actions.columns_finalise(
        actor=world.actor("subject"), sheet=sheet, column_keys=["GK"]
    ) == ["GK"]
    with pytest.raises(DomainError) as exc:
        save(world, sheet, "GK", "8")
    assert exc.value.code == "FINALISED"
    assert Assessment.objects.get(column="GK").value == "7.0"
    save(world, sheet, "TX1", "8")  # other columns stay open
    data = sheet_data(sheet)
    assert set(data.finalised) == {"GK"}


@pytest.mark.django_db
def test_locks_by_scope_now_or_on_a_date(world, sheet):
    principal = world.actor("principal")
    later = actions.book_lock(
        actor=principal,
        year=world.year,
        term=world.term1,
        effective_at=timezone.now() + timedelta(days=3),
        reason="Khóa sổ cuối học kì I",
    )
    save(world, sheet, "TX1", "8")  # not yet in force
    lock = actions.book_lock(
        actor=principal, year=world.year, school_class=world.class_a, checkpoint="mid1"
    )
    with pytest.raises(DomainError) as exc:
        save(world, sheet, "GK", "6")  # GK belongs to the mid-term checkpoint
    assert exc.value.code == "LOCKED"
    save(world, sheet, "TX2", "8")  # regular results belong to the end of term
    assert set(sheet_data(sheet).locked) == {"GK"}
    actions.book_open(actor=principal, lock=lock, reason="Sửa sai sót")
    save(world, sheet, "GK", "6")
    assert later.opened_at is None
    types = list(
        AuditEvent.objects.filter(event_type__startswith="book.").values_list(
            "event_type", flat=True
        )
    )
    assert sorted(types) == ["book.locked", "book.locked", "book.opened"]


@pytest.mark.django_db
def test_administrator_locks_on_the_principals_order_and_teachers_cannot(world):
    lock = actions.book_lock(actor=world.actor("admin"), year=world.year)
    assert lock.ordered_by == world.people["principal"]
    event = AuditEvent.objects.get(event_type="book.locked")
    assert event.acting_as == "theo lệnh của Hiệu trưởng Nguyễn Văn Hùng"
    for who in ("subject", "vice", "homeroom", "clerk"):
        with pytest.raises(PermissionDenied):
            actions.book_lock(actor=world.actor(who), year=world.year)


@pytest.mark.django_db
def test_closed_year_refuses_entry(world, sheet):
    world.year.is_closed = True
    world.year.save()
    with pytest.raises(DomainError) as exc:
        save(world, sheet, "TX1", "8")
    assert exc.value.code == "YEAR_CLOSED"


@pytest.mark.django_db
def test_sheet_shows_the_term_average_computed_by_the_rule_set(world, sheet):
    for col, value in zip(
        ["TX1", "TX2", "TX3", "TX4", "GK", "CK"], ["8", "7.5", "9", "8", "7", "8.5"], strict=True
    ):
        save(world, sheet, col, value)
    row = next(r for r in sheet_data(sheet).rows if r.student == world.student_a)
    assert row.result == 8.0 and row.errors == []  # the worked example
