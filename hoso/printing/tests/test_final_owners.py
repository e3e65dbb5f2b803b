"""Prints of a past, closed year name its final teachers (ADR 0004): GIVEN a change of the maths
teacher and of the homeroom teacher during the year, WHEN the books print after the year closed,
THEN the transcript's subject teachers and the class's homeroom teacher are those of its last day;
during the year they are those of the day."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.organisation.assignments.tests.helpers import homeroom_from_january, replace_math
from hoso.printing.documents.common import homeroom_of
from hoso.transcripts.content import _teacher_names


@pytest.mark.django_db
def test_prints_name_the_teachers_of_the_day_then_the_final_ones(world, time_machine):
    replace_math(world)
    homeroom_from_january(world)
    assert homeroom_of(world.class_a) == world.people["homeroom"]
    assert _teacher_names(world.class_a)[world.math.pk] == "Vũ Minh Đức"
    world.year.is_closed = True
    world.year.save()
    time_machine.move_to(date(2027, 9, 10))
    assert homeroom_of(world.class_a) == world.people["deputy"]
    assert _teacher_names(world.class_a)[world.math.pk] == "Phạm Thị Hoa"
