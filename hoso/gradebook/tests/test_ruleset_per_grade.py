"""A year's rule set per grade: GIVEN a year whose rule sets the school stored per level and per
grade, WHEN the grade book asks for a class's rule set, THEN the grade's choice wins over the
level's, and the Ministry's roadmap answers only when nothing is stored."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.gradebook.entry.columns import ruleset_code
from hoso.gradebook.results.compute import class_ruleset
from hoso.organisation.models import SchoolYear


def _year(rulesets: dict, start: date = date(2026, 9, 5)) -> SchoolYear:
    return SchoolYear(name="x", start_date=start, end_date=date(2027, 5, 31), rulesets=rulesets)


def test_a_grade_key_wins_over_the_level_key():
    year = _year({"lower_secondary": "TT22_2021", "grade:7": "TT43_2021"})
    assert ruleset_code(year, "lower_secondary", 7) == "TT43_2021"
    assert ruleset_code(year, "lower_secondary", 6) == "TT22_2021"
    assert ruleset_code(year, "lower_secondary") == "TT22_2021"


def test_the_roadmap_answers_when_nothing_is_stored_and_needs_the_grade_during_a_roll_out():
    roll_out = _year({}, start=date(2022, 9, 5))  # 2022-2023: grades 6 and 7 on TT22, 8 and 9 not
    assert ruleset_code(roll_out, "lower_secondary", 6) == "TT22_2021"
    assert ruleset_code(roll_out, "lower_secondary", 8) == "TT58_2011"
    with pytest.raises(ValueError):
        ruleset_code(roll_out, "lower_secondary")


@pytest.mark.django_db
def test_a_class_reads_the_rule_set_of_its_grade(world):
    world.year.rulesets = {"lower_secondary": "TT22_2021", "grade:6": "TT43_2021"}
    world.year.save(update_fields=["rulesets"])
    world.class_a.refresh_from_db()
    assert class_ruleset(world.class_a) == "TT43_2021"
