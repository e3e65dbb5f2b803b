"""Sign-off at term end (GIVEN sheets of 6A1, WHEN the subject teacher confirms its sheet and the
homeroom teacher the class, THEN the confirmations record what was confirmed and show a later
change as "đã thay đổi sau khi xác nhận")."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.signoff.actions import (
    CHANGED,
    class_signoff,
    class_signoff_status,
    my_sheets,
    sheet_hash,
    sheet_signoff,
)
from hoso.gradebook.signoff.models import Signoff
from hoso.gradebook.tests.results_helpers import complete_inputs, fill, rich_school, sign_all


@pytest.fixture
def rich(world):
    return rich_school(world)


@pytest.fixture
def math_sheet(world, rich):
    fill(rich, world.student_a, "TOAN", 1, 8)
    return load_sheet(world.class_a, world.math, world.term1)


def finalise(world, sheet):
    return actions.columns_finalise(actor=world.actor("subject"), sheet=sheet, column_keys=[])


@pytest.mark.django_db
def test_a_sheet_is_confirmed_only_when_its_required_columns_are_finalised(world, math_sheet):
    teacher = world.actor("subject")
    with pytest.raises(DomainError) as exc:
        sheet_signoff(actor=teacher, sheet=math_sheet)
    assert exc.value.code == "INCOMPLETE"
    assert "ĐĐGtx 1" in exc.value.message and "ĐĐGck" in exc.value.message
    assert not Signoff.objects.exists()

    finalise(world, math_sheet)
    signoff = sheet_signoff(actor=teacher, sheet=math_sheet)
    assert signoff.kind == "sheet" and signoff.by == world.users["subject"]
    assert signoff.data_hash == sheet_hash(world.class_a, world.math, world.term1)
    event = AuditEvent.objects.get(event_type="signoff.sheet_confirmed")
    assert event.before is None and event.after["data_hash"] == signoff.data_hash

    assert sheet_signoff(actor=teacher, sheet=math_sheet).pk == signoff.pk  # nothing changed
    assert AuditEvent.objects.filter(event_type="signoff.sheet_confirmed").count() == 1


@pytest.mark.django_db
def test_only_the_assigned_teacher_confirms_a_sheet(world, math_sheet):
    finalise(world, math_sheet)
    for who in ("homeroom", "principal", "dept_head", "vice"):
        with pytest.raises(PermissionDenied):
            sheet_signoff(actor=world.actor(who), sheet=math_sheet)
    assert not Signoff.objects.exists()


@pytest.mark.django_db
def test_a_later_change_shows_and_a_new_confirmation_records_it(world, rich, math_sheet):
    finalise(world, math_sheet)
    first = sheet_signoff(actor=world.actor("subject"), sheet=math_sheet)
    status = class_signoff_status(world.class_a, world.term1)
    toan = next(s for s in status.sheets if s.subject.code == "TOAN")
    assert toan.ok and not toan.changed
    # A correction changes a finalised value (the corrections procedure writes it).
    Assessment.objects.filter(student=world.student_a, subject=world.math, column="CK").update(
        value="9.0"
    )
    toan = next(
        s
        for s in class_signoff_status(world.class_a, world.term1).sheets
        if s.subject.code == "TOAN"
    )
    assert toan.changed and not toan.ok
    assert CHANGED in class_signoff_status(world.class_a, world.term1).problems()
    mine = next(s for s in my_sheets(world.actor("subject")) if s.subject == world.math)
    assert mine.changed and mine.ready

    again = sheet_signoff(actor=world.actor("subject"), sheet=math_sheet)
    assert again.pk == first.pk and again.data_hash != first.data_hash
    events = AuditEvent.objects.filter(event_type="signoff.sheet_confirmed").order_by("seq")
    assert events.count() == 2 and events[1].before["data_hash"] == first.data_hash


@pytest.mark.django_db
def test_the_homeroom_teacher_confirms_the_class_once_every_sheet_is_confirmed(world, rich):
    for code in rich.subjects:
        fill(rich, world.student_a, code, 1, 8)
    complete_inputs(world, world.student_a)
    homeroom = world.actor("homeroom")
    with pytest.raises(DomainError) as exc:
        class_signoff(actor=homeroom, school_class=world.class_a, term=world.term1)
    assert exc.value.code == "NOT_SIGNED"
    assert "chưa xác nhận: Toán, Ngữ văn" in exc.value.message

    sign_all(rich, terms=(1,))
    Signoff.objects.filter(kind="class").delete()
    with pytest.raises(PermissionDenied):
        class_signoff(actor=world.actor("subject"), school_class=world.class_a, term=world.term1)
    signoff = class_signoff(actor=homeroom, school_class=world.class_a, term=world.term1)
    assert signoff.kind == "class" and signoff.subject is None
    assert class_signoff_status(world.class_a, world.term1).ok
    assert AuditEvent.objects.filter(event_type="signoff.class_confirmed").count() == 1

    # The homeroom teacher's own inputs are part of what was confirmed.
    complete_inputs(world, world.student_a, absences=(9, 2))
    assert class_signoff_status(world.class_a, world.term1).changed


@pytest.mark.django_db
def test_sign_off_pages(client, world, rich, math_sheet):
    client.force_login(world.users["subject"])
    url = reverse(
        "gradebook:results_signoff_sheet", args=[world.class_a.pk, world.math.pk, world.term1.pk]
    )
    client.post(url)
    assert not Signoff.objects.exists()  # not finalised: refused with a message
    finalise(world, math_sheet)
    assert client.post(url).status_code == 302
    assert Signoff.objects.filter(kind="sheet", subject=world.math).exists()
    client.force_login(world.users["homeroom"])
    assert client.post(url).status_code == 403
    page = client.get(
        reverse("gradebook:results_class_period", args=[world.class_a.pk, "term1"])
    ).content.decode()
    assert 'data-testid="signoffs"' in page and "đã xác nhận" in page
