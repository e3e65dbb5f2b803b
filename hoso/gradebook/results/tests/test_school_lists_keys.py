"""school_lists reading a few keys of each result (the school's lists page) answers the same
lists and blocking counts as reading the whole results, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from hoso.gradebook.results.compute import FINAL, LIST_KEYS, YEAR, recompute_class, school_lists
from hoso.gradebook.tests.results_helpers import complete_inputs, fill_all, rich_school
from hoso.testing.factories import make_student

KEYS = (*LIST_KEYS, "retest_subjects", "overall")


def _summary(entries) -> list:
    return [
        (
            e.school_class.pk,
            e.blocking_count,
            [r.student.pk for r in e.rows],
            {name: [r.student.pk for r in rows] for name, rows in e.lists.items()},
        )
        for e in entries
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("period", [YEAR, FINAL, "term1"])
def test_a_few_keys_give_the_same_lists_as_the_whole_results(world, period):
    # GIVEN a class with a student to re-test, one promoted and one with missing scores
    rich = rich_school(world)
    fill_all(rich, world.student_a, 8, overrides={"TOAN": 3, "NGU_VAN": 4})
    complete_inputs(world, world.student_a)
    promoted = make_student(world.school, world.class_a, "Lê Văn Chí")
    fill_all(rich, promoted, 9)
    complete_inputs(world, promoted)
    make_student(world.school, world.class_a, "Phạm Thị Dung")  # no scores: errors
    recompute_class(world.class_a, trigger="grades")

    # WHEN the lists are read whole and by keys
    whole = school_lists(world.year, period)
    few = school_lists(world.year, period, keys=KEYS)

    # THEN the same lists, rows and blocking counts, and the keys' values
    assert _summary(few) == _summary(whole)
    if period == YEAR:
        assert sum(e.blocking_count for e in few) >= 1
        assert [r.student.pk for e in few for r in e.lists["retest"]] == [world.student_a.pk]
    for e_few, e_whole in zip(few, whole, strict=True):
        for r_few, r_whole in zip(e_few.rows, e_whole.rows, strict=True):
            for key in KEYS:
                if key == "errors":
                    assert r_few.errors == r_whole.errors[:1]
                else:
                    assert r_few.data.get(key) == r_whole.data.get(key), key
