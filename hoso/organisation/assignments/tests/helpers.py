"""Shared helpers of the assignment tests. The small school's year runs 2026-09-05 → 2027-05-31,
term I to 2027-01-16; the suite's clock stands at 2026-11-20 09:00. "subject" (Vũ Minh Đức)
teaches Toán 6A1 in term I; "homeroom" (Đỗ Thị Lan) is 6A1's homeroom teacher and teaches its
Ngữ văn; "deputy" (Phạm Thị Hoa) is a teacher of the maths department with no class."""

from __future__ import annotations

from datetime import date

from hoso.organisation.assignments import actions

DEC_1 = date(2026, 12, 1)
DEC_31 = date(2026, 12, 31)
JAN_1 = date(2027, 1, 1)


def replace_math(
    world, *, by="deputy", starts_on=DEC_1, ends_on=None, reason="Nghỉ ốm", who="vice"
):
    """Toán 6A1 term I goes to ``by`` from ``starts_on`` (until ``ends_on``)."""
    return actions.assignment_set(
        actor=world.actor(who),
        school_class=world.class_a,
        subject=world.math,
        term=world.term1,
        teacher=world.people[by] if by else None,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
    )


def term2(world):
    return world.year.terms.get(number=2)


def homeroom_from_january(world, to="deputy"):
    """6A1's homeroom teacher is ``to`` from 1 January (Đỗ Thị Lan until 31 December)."""
    return actions.homeroom_set(
        actor=world.actor("vice"),
        school_class=world.class_a,
        teacher=world.people[to],
        starts_on=JAN_1,
        reason="Cô Lan nghỉ thai sản",
    )
