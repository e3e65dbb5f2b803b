"""The programme data (hoso/organisation/programme.py): GIVEN each level's programme, THEN every
subject is taught only in the level's grades, codes are unique and fit the model, comment-only
subjects are those of TT22 §1.2, and the demo's catalogue is the programme's default one."""

from __future__ import annotations

import pytest

from hoso.demo import data
from hoso.organisation import programme
from hoso.organisation.models import LEVEL_GRADES, Level, Subject


@pytest.mark.parametrize("level", Level.values)
def test_each_level_has_a_programme_that_fits_its_grades(level):
    subjects = programme.programme_for(level)
    assert subjects, level
    codes = [s.code for s in subjects]
    assert len(codes) == len(set(codes))
    for s in subjects:
        assert set(s.periods) <= set(LEVEL_GRADES[level]), s.code
        assert all(1 <= p <= 1000 for p in s.periods.values())
        assert s.assessment in Subject.Assessment.values
        assert len(s.code) <= 20 and len(s.name) <= 120
        assert set(s.midterm_test_grades) <= set(s.periods)
    # Every grade of the level has compulsory subjects.
    for grade in LEVEL_GRADES[level]:
        assert any(s.kind == programme.COMPULSORY and grade in s.periods for s in subjects)


def test_the_primary_mid_term_tests_are_tieng_viet_and_toan_in_grades_4_and_5():
    tested = {
        s.code: s.midterm_test_grades for s in programme.PRIMARY_SUBJECTS if s.midterm_test_grades
    }
    assert tested == {"TV": (4, 5), "TOAN": (4, 5)}


def test_upper_secondary_has_electives_topics_and_compulsory_history():
    kinds = {s.code: s.kind for s in programme.UPPER_SECONDARY_SUBJECTS}
    assert kinds["LS"] == programme.COMPULSORY
    assert sum(1 for k in kinds.values() if k == programme.ELECTIVE) == 9
    assert kinds["CD_TOAN"] == programme.TOPIC
    default = {s.code for s in programme.default_subjects(Level.UPPER_SECONDARY)}
    assert "CD_TOAN" not in default and "NN2" not in default and "VL" in default


def test_comment_only_subjects_follow_tt22():
    comment = {
        s.code
        for s in programme.LOWER_SECONDARY_SUBJECTS
        if s.assessment == Subject.Assessment.COMMENT
    }
    assert comment == {"GDTC", "AN", "MT", "HDTN", "GDDP"}


@pytest.mark.parametrize(
    ("demo", "level"),
    [
        (data.LOWER_SECONDARY_SUBJECTS, Level.LOWER_SECONDARY),
        (data.PRIMARY_SUBJECTS, Level.PRIMARY),
    ],
)
def test_the_demo_takes_its_catalogue_from_the_programme(demo, level):
    default = programme.default_subjects(level)
    assert [(s.code, s.name, s.assessment, s.periods) for s in demo] == [
        (s.code, s.name, s.assessment, s.periods) for s in default
    ]
