"""The principal's confirmation: GIVEN a fresh school, WHEN the administrator prepares every step,
THEN the year waits for the principal; only the principal confirms (with a snapshot in the audit);
a later change by the administrator sends the year back to waiting, one by the principal keeps it
confirmed; the checklist and the home page say where things stand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hoso.accounts.actor import build_actor
from hoso.accounts.models import Delegation
from hoso.audit.models import AuditEvent
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.home.selectors import home_sections
from hoso.organisation.models import SchoolYear
from hoso.organisation.setup import actions, selectors
from hoso.organisation.setup.errors import SetupError
from hoso.organisation.setup.tests.conftest import make_year
from hoso.organisation.setup.workflow import Confirmation, Step

pytestmark = pytest.mark.django_db


def prepare(fresh):
    """Every step, as the administrator does it on the web."""
    make_year(fresh, 2026)
    admin = fresh.actor("admin")
    actions.classes_add(actor=admin, grade_number=6, names=["6A1", "6A2"], sessions_per_day=1)
    actions.programme_apply(actor=admin, level="lower_secondary")
    actions.department_create(actor=admin, name="Tổ Toán – Tin", kind="subject")
    actions.department_create(actor=admin, name="Tổ văn phòng", kind="office")


def state(fresh, who="admin"):
    return selectors.checklist(fresh.actor(who))


def test_a_fresh_school_shows_what_is_left_to_do(fresh):
    checklist = state(fresh)
    done = {s["key"]: s["done"] for s in checklist.steps}
    assert done == {
        "school": True,
        "year": False,
        "classes": False,
        "subjects": False,
        "departments": False,
        "rulesets": False,
    }
    assert checklist.state == Confirmation.INCOMPLETE
    (section,) = [s for s in home_sections(fresh.actor("admin")) if s.title == "Thiết lập trường"]
    assert section.todo == ["Trường chưa có năm học: tạo năm học, lớp, môn học để bắt đầu."]
    assert section.links[0]["label"] == "Tạo năm học"


def test_the_principal_confirms_what_the_administrator_prepared(fresh):
    prepare(fresh)
    assert state(fresh).state == Confirmation.WAITING
    with pytest.raises(DomainError) as caught:
        actions.year_confirm(actor=fresh.actor("admin"))
    assert caught.value.code == SetupError.NOT_PRINCIPAL
    with pytest.raises(DomainError):
        actions.year_confirm(actor=fresh.actor("vice"))
    (section,) = [
        s for s in home_sections(fresh.actor("principal")) if s.title == "Thiết lập trường"
    ]
    assert section.links[0]["label"] == "Xác nhận thiết lập năm học 2026-2027"
    before = clock.now()
    year = actions.year_confirm(actor=fresh.actor("principal"))
    assert year.confirmed_by == fresh.users["principal"]
    assert before <= year.confirmed_at <= clock.now()
    checklist = state(fresh, "principal")
    assert checklist.state == Confirmation.CONFIRMED and checklist.confirmed_by == "Nguyễn Thị Hiền"
    event = AuditEvent.objects.get(event_type="year.setup_confirmed")
    assert event.actor == fresh.users["principal"]
    assert event.after["classes"] == {"6": ["6A1", "6A2"]}
    assert event.after["subjects"]["6"]["TOAN"] == 140
    assert event.after["rulesets"]["grade:6"] == "TT22_2021"
    assert not [s for s in home_sections(fresh.actor("principal")) if s.title == "Thiết lập trường"]
    with pytest.raises(DomainError) as caught:
        actions.year_confirm(actor=fresh.actor("principal"))
    assert caught.value.code == SetupError.ALREADY_CONFIRMED


def test_an_incomplete_set_up_cannot_be_confirmed(fresh):
    make_year(fresh, 2026)
    with pytest.raises(DomainError) as caught:
        actions.year_confirm(actor=fresh.actor("principal"))
    assert caught.value.code == SetupError.INCOMPLETE
    assert "khối và lớp" in caught.value.message
    assert SchoolYear.objects.get().confirmed_at is None


def test_a_change_by_the_administrator_sends_the_year_back_to_waiting(fresh):
    prepare(fresh)
    actions.year_confirm(actor=fresh.actor("principal"))
    actions.classes_add(
        actor=fresh.actor("admin"), grade_number=6, names=["6A3"], sessions_per_day=1
    )
    year = SchoolYear.objects.get()
    assert year.confirmed_at is None and year.confirmed_by is None
    event = AuditEvent.objects.get(event_type="year.confirmation_withdrawn")
    assert event.actor == fresh.users["admin"]
    assert event.before["confirmed_by"] == fresh.users["principal"].pk
    assert event.after == {"confirmed_at": None, "cause": "class.created"}
    assert state(fresh).state == Confirmation.WAITING


def test_a_school_wide_change_withdraws_the_confirmation_of_every_open_year(fresh):
    prepare(fresh)
    actions.year_confirm(actor=fresh.actor("principal"))
    actions.department_create(actor=fresh.actor("vice"), name="Tổ Ngữ văn", kind="subject")
    assert SchoolYear.objects.get().confirmed_at is None


def test_a_change_by_the_principal_keeps_the_confirmation(fresh):
    prepare(fresh)
    actions.year_confirm(actor=fresh.actor("principal"))
    actions.classes_add(
        actor=fresh.actor("principal"), grade_number=6, names=["6A3"], sessions_per_day=1
    )
    assert SchoolYear.objects.get().confirmed_at is not None
    assert not AuditEvent.objects.filter(event_type="year.confirmation_withdrawn").exists()


def test_the_profile_is_outside_the_confirmation(fresh):
    from hoso.organisation.setup.selectors import profile_of

    prepare(fresh)
    actions.year_confirm(actor=fresh.actor("principal"))
    actions.school_profile_update(
        actor=fresh.actor("admin"), values=profile_of(fresh.school) | {"phone": "0225 000 111"}
    )
    assert SchoolYear.objects.get().confirmed_at is not None


def test_a_vice_principal_acting_for_the_principal_confirms_as_such(fresh):
    prepare(fresh)
    Delegation.objects.create(
        school=fresh.school,
        kind=Delegation.Kind.PRINCIPAL,
        grantor=fresh.staff["principal"],
        grantee=fresh.staff["vice"],
        starts_at=clock.now() - timedelta(hours=1),
        ends_at=clock.now() + timedelta(days=3),
        reason="Hiệu trưởng đi công tác",
    )
    actions.year_confirm(actor=fresh.actor("vice"))
    event = AuditEvent.objects.get(event_type="year.setup_confirmed")
    assert event.acting_as.startswith("thay Nguyễn Thị Hiền")


def test_a_closed_year_is_not_confirmed(fresh):
    prepare(fresh)
    year = SchoolYear.objects.get()
    year.is_closed = True
    year.save()
    with pytest.raises(DomainError):
        actions.year_confirm(actor=build_actor(fresh.users["principal"], fresh.school, year))


def test_the_rule_set_step_needs_a_stored_choice_for_every_grade_with_classes(fresh):
    prepare(fresh)
    SchoolYear.objects.update(rulesets={})
    steps = {s.step: s for s in selectors.step_states(fresh.school, SchoolYear.objects.get())}
    assert not steps[Step.RULESETS].done
    assert steps[Step.RULESETS].lines == ("Khối 6 chưa chọn bộ quy tắc đánh giá.",)
