"""Two editors of one cell at the same moment on PostgreSQL: exactly one wins, the other is told
(CONFLICT or HISTORY), and the cell never has two open rows."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from hoso.core.errors import DomainError
from hoso.organisation.assignments import actions
from hoso.organisation.assignments.errors import AssignmentError
from hoso.organisation.assignments.tests.helpers import DEC_1
from hoso.organisation.models import HomeroomAssignment, TeachingAssignment
from hoso.testing.concurrency import race
from hoso.testing.factories import small_school

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are only meaningful on PostgreSQL"
)


def open_rows(world, school_class, subject):
    return TeachingAssignment.objects.filter(
        school_class=school_class, subject=subject, term=world.term1, ends_on__isnull=True
    )


def one_winner(results, *codes):
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert isinstance(errors[0], DomainError) and errors[0].code in codes, errors[0]
    return next(r for r in results if not isinstance(r, Exception))


@pytest.mark.django_db(transaction=True)
def test_two_editors_fill_the_same_empty_cell():
    world = small_school()
    vice, principal = world.actor("vice"), world.actor("principal")

    def fill(actor, who):
        return lambda: actions.assignment_set(
            actor=actor,
            school_class=world.class_b,
            subject=world.math,
            term=world.term1,
            teacher=world.people[who],
            expected=None,  # both saw the cell empty
        )

    won = one_winner(
        race(fill(vice, "deputy"), fill(principal, "dept_head")), AssignmentError.CONFLICT
    )
    (row,) = open_rows(world, world.class_b, world.math)
    assert row.teacher == won.teacher


@pytest.mark.django_db(transaction=True)
def test_two_editors_replace_the_same_teacher_from_a_date():
    world = small_school()
    seen = TeachingAssignment.objects.get(school_class=world.class_a, subject=world.math).pk

    def replace(who, by):
        return lambda: actions.assignment_set(
            actor=world.actor(who),
            school_class=world.class_a,
            subject=world.math,
            term=world.term1,
            teacher=world.people[by],
            starts_on=DEC_1,
            reason="Thay giáo viên",
            expected=seen,
        )

    won = one_winner(
        race(replace("vice", "deputy"), replace("principal", "dept_head")),
        AssignmentError.CONFLICT,
    )
    assert [r.teacher for r in open_rows(world, world.class_a, world.math)] == [won.teacher]
    assert (
        TeachingAssignment.objects.filter(school_class=world.class_a, subject=world.math).count()
        == 2
    )


@pytest.mark.django_db(transaction=True)
def test_two_batches_without_expectations_still_leave_one_open_homeroom():
    world = small_school()

    def homeroom(who, teacher):
        return lambda: actions.homeroom_set(
            actor=world.actor(who), school_class=world.class_b, teacher=world.people[teacher]
        )

    one_winner(
        race(homeroom("vice", "deputy"), homeroom("admin", "dept_head")),
        AssignmentError.HISTORY,  # the second sees a homeroom in force since the year began
    )
    assert (
        HomeroomAssignment.objects.filter(school_class=world.class_b, ends_on__isnull=True).count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_second_open_row_even_past_the_lock():
    world = small_school()
    with pytest.raises(IntegrityError), transaction.atomic():
        TeachingAssignment.objects.create(
            teacher=world.people["deputy"],
            school_class=world.class_a,
            subject=world.math,
            term=world.term1,
            starts_on=DEC_1,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        HomeroomAssignment.objects.create(
            teacher=world.people["deputy"], school_class=world.class_a, starts_on=DEC_1
        )
