"""School years: GIVEN a school without a year, WHEN the administrator creates one from the
proposal, THEN terms, checkpoints, holidays and the roadmap's rule sets are stored with one audit
event; the calendar is edited under the same checks; a closed year refuses every change, but the
next year can be created from it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from hoso.accounts.actor import build_actor
from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.organisation.models import Checkpoint, Holiday, SchoolYear, Term
from hoso.organisation.setup import actions
from hoso.organisation.setup import calendar as cal
from hoso.organisation.setup.errors import SetupError
from hoso.organisation.setup.tests.conftest import make_year

pytestmark = pytest.mark.django_db


def test_the_administrator_creates_the_year_from_the_proposal(fresh):
    year = make_year(fresh, 2026)
    assert (year.name, year.start_date, year.end_date) == (
        "2026-2027",
        date(2026, 9, 5),
        date(2027, 5, 31),
    )
    assert list(Term.objects.filter(year=year).values_list("number", "end_date")) == [
        (1, date(2027, 1, 16)),
        (2, date(2027, 5, 31)),
    ]
    assert Checkpoint.objects.filter(year=year).count() == 4
    assert Holiday.objects.filter(year=year).count() == 3
    assert year.rulesets == {
        "grade:6": "TT22_2021",
        "grade:7": "TT22_2021",
        "grade:8": "TT22_2021",
        "grade:9": "TT22_2021",
        "lower_secondary": "TT22_2021",
    }
    event = AuditEvent.objects.get(event_type="year.created")
    assert event.actor == fresh.users["admin"]
    assert event.after["terms"]["1"] == ["2026-09-05", "2027-01-16"]
    assert len(event.after["holidays"]) == 3


def test_a_primary_school_is_proposed_tt27_and_a_gdtx_centre_tt43(db):
    from hoso.organisation.setup.tests.conftest import fresh_school

    primary = fresh_school(code="TH-A", level="primary")
    assert make_year(primary, 2027).rulesets["primary"] == "TT27_2020"
    centre = fresh_school(code="GDTX-A", level="continuing")
    rulesets = make_year(centre, 2027).rulesets
    assert rulesets["grade:12"] == "TT43_2021" and rulesets["continuing"] == "TT43_2021"


def test_two_years_of_one_school_cannot_overlap_or_share_a_name(fresh):
    make_year(fresh, 2026)
    plan = cal.proposed_calendar(2027)
    with pytest.raises(DomainError) as caught:
        actions.year_create(actor=fresh.actor("admin"), plan=replace(plan, start=date(2027, 5, 20)))
    assert caught.value.code == SetupError.YEAR_OVERLAP
    with pytest.raises(DomainError) as caught:
        make_year(fresh, 2026)
    assert caught.value.code == SetupError.YEAR_NAME_TAKEN
    assert SchoolYear.objects.filter(school=fresh.school).count() == 1


def test_a_holiday_outside_the_year_refuses_the_whole_year(fresh):
    plan = cal.proposed_calendar(2026)
    plan.holidays.append(cal.Holiday("Nghỉ hè", date(2027, 6, 1), date(2027, 6, 30)))
    with pytest.raises(DomainError) as caught:
        actions.year_create(actor=fresh.actor("admin"), plan=plan)
    assert caught.value.code == SetupError.HOLIDAY_OUTSIDE_YEAR
    assert (
        not SchoolYear.objects.exists()
        and not AuditEvent.objects.filter(event_type="year.created").exists()
    )


def test_the_calendar_is_edited_and_audited_with_before_and_after(fresh):
    make_year(fresh, 2026)
    plan = cal.proposed_calendar(2026)
    plan.checkpoints["mid1"] = date(2026, 11, 9)
    actions.year_calendar_update(actor=fresh.actor("vice"), plan=plan)
    assert Checkpoint.objects.get(kind="mid1").date == date(2026, 11, 9)
    event = AuditEvent.objects.get(event_type="year.calendar_changed")
    assert event.before["checkpoints"]["mid1"] == "2026-11-02"
    assert event.after["checkpoints"]["mid1"] == "2026-11-09"


def test_the_calendar_cannot_shrink_away_from_its_holidays(fresh):
    make_year(fresh, 2026)
    plan = cal.proposed_calendar(2026)
    shorter = replace(plan, end=date(2027, 4, 20), term2=(plan.term2[0], date(2027, 4, 20)))
    shorter.checkpoints["end2"] = date(2027, 4, 13)
    with pytest.raises(DomainError) as caught:
        actions.year_calendar_update(actor=fresh.actor("admin"), plan=shorter)
    assert caught.value.code == SetupError.HOLIDAY_OUTSIDE_YEAR
    assert SchoolYear.objects.get().end_date == date(2027, 5, 31)


def test_holidays_are_added_and_removed_with_audit(fresh):
    make_year(fresh, 2026)
    admin = fresh.actor("admin")
    holiday = actions.holiday_add(
        actor=admin, name="Giỗ Tổ Hùng Vương", start=date(2027, 4, 16), end=date(2027, 4, 16)
    )
    actions.holiday_remove(actor=admin, holiday=holiday)
    assert not Holiday.objects.filter(name="Giỗ Tổ Hùng Vương").exists()
    added, removed = (
        AuditEvent.objects.get(event_type="year.holiday_added"),
        AuditEvent.objects.get(event_type="year.holiday_removed"),
    )
    assert (
        added.after["start_date"] == "2027-04-16" and removed.before["name"] == "Giỗ Tổ Hùng Vương"
    )


def test_a_closed_year_refuses_changes_but_its_successor_can_be_created(fresh):
    year = make_year(fresh, 2025)
    year.is_closed = True
    year.save()
    admin = build_actor(fresh.users["admin"], fresh.school, year)
    with pytest.raises(DomainError) as caught:
        actions.year_calendar_update(actor=admin, plan=cal.proposed_calendar(2025))
    assert caught.value.code == SetupError.NOT_ALLOWED
    with pytest.raises(DomainError):
        actions.holiday_add(
            actor=admin, name="Nghỉ", start=date(2025, 10, 1), end=date(2025, 10, 1)
        )
    nxt = actions.year_create(actor=admin, plan=cal.proposed_calendar(2026))
    assert nxt.name == "2026-2027"


def test_a_year_closed_behind_the_actors_back_refuses(fresh):
    """The actor was built before the year was closed: the locked row decides."""
    make_year(fresh, 2026)
    admin = fresh.actor("admin")
    SchoolYear.objects.update(is_closed=True)
    with pytest.raises(DomainError) as caught:
        actions.holiday_add(
            actor=admin, name="Nghỉ", start=date(2026, 10, 1), end=date(2026, 10, 1)
        )
    assert caught.value.code == SetupError.YEAR_CLOSED
    assert caught.value.message.startswith("Năm học 2026-2027 đã khóa")
