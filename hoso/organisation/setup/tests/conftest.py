"""A school made from nothing, as the command makes it: its administrator, and a principal and a
vice principal added through the ORM (creating staff is the staff register's part)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from hoso.accounts.actor import Actor, build_actor
from hoso.accounts.middleware import default_year
from hoso.organisation.models import Position, School
from hoso.organisation.setup import actions
from hoso.organisation.setup import calendar as cal
from hoso.testing.factories import make_staff


@dataclass
class Fresh:
    school: School
    users: dict = field(default_factory=dict)
    staff: dict = field(default_factory=dict)
    password: str = ""

    def actor(self, key: str) -> Actor:
        """The person as a request would see it now (the current year, re-read)."""
        self.school.refresh_from_db()
        return build_actor(self.users[key], self.school, default_year(self.school))


def fresh_school(code: str = "THCS-LL", level: str = "lower_secondary") -> Fresh:
    created = actions.school_create(
        code=code,
        name="Trường THCS Lê Lợi",
        short_name="THCS Lê Lợi",
        levels=[level],
        province="Thành phố Hải Phòng",
        commune="Phường Hải An",
        admin_username=f"quantri.{code.lower()}",
        admin_full_name="Trần Văn Quản",
        admin_gender="nam",
    )
    fresh = Fresh(school=created.school, password=created.password)
    fresh.users["admin"], fresh.staff["admin"] = created.user, created.staff
    sfx = code.lower()
    for key, name, position in (
        ("principal", "Nguyễn Thị Hiền", Position.PRINCIPAL),
        ("vice", "Lê Văn Phó", Position.VICE_PRINCIPAL),
        ("teacher", "Phạm Thị Giáo", Position.TEACHER),
    ):
        staff = make_staff(created.school, name, position, username=f"{key}.{sfx}")
        fresh.staff[key], fresh.users[key] = staff, staff.user
    return fresh


@pytest.fixture
def fresh(db) -> Fresh:
    return fresh_school()


def make_year(fresh: Fresh, start_year: int = 2026, who: str = "admin"):
    return actions.year_create(actor=fresh.actor(who), plan=cal.proposed_calendar(start_year))


def grade_book_entry(world, *, student, school_class):
    """One result in the grade book (Toán, TX1 of term I), as a teacher would have entered it."""
    from hoso.core import clock
    from hoso.gradebook.entry.models import Assessment

    return Assessment.objects.create(
        student=student,
        school_class=school_class,
        subject=world.math,
        term=world.term1,
        column="TX1",
        value="8",
        entered_by=world.users["subject"],
        entered_at=clock.now(),
        updated_at=clock.now(),
    )
