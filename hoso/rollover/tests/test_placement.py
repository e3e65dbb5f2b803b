"""Where a student goes, from its approved results (pure). GIVEN results WHEN placed THEN…"""

from __future__ import annotations

from hoso.rollover.placement import Outcome, place


def test_promoted_student_goes_one_grade_up():
    p = place(grade=6, last_grade=9, year_result={"decision": "LEN_LOP"})
    assert (p.outcome, p.target_grade) == (Outcome.PROMOTED, 7)


def test_repeating_student_stays_in_its_grade():
    p = place(grade=7, last_grade=9, year_result={"decision": "O_LAI_LOP"})
    assert (p.outcome, p.target_grade) == (Outcome.REPEATING, 7)


def test_promoted_from_the_last_grade_completes_the_level_and_leaves():
    p = place(grade=9, last_grade=9, year_result={"decision": "LEN_LOP"})
    assert (p.outcome, p.target_grade) == (Outcome.COMPLETED, None)
    assert "ra trường" in p.reason


def test_repeating_in_the_last_grade_stays():
    p = place(grade=9, last_grade=9, year_result={"decision": "O_LAI_LOP"})
    assert (p.outcome, p.target_grade) == (Outcome.REPEATING, 9)


def test_retest_or_summer_training_waits_for_a_second_pass():
    for decision in ("KIEM_TRA_LAI", "REN_LUYEN_HE", "REN_LUYEN_HE_VA_KIEM_TRA_LAI"):
        p = place(grade=8, last_grade=9, year_result={"decision": decision})
        assert (p.outcome, p.target_grade) == (Outcome.PENDING, None)


def test_the_approved_results_after_the_summer_decide():
    waiting = {"decision": "KIEM_TRA_LAI"}
    up = place(
        grade=8, last_grade=9, year_result=waiting, final_result={"final_decision": "LEN_LOP"}
    )
    down = place(
        grade=8, last_grade=9, year_result=waiting, final_result={"final_decision": "O_LAI_LOP"}
    )
    assert (up.outcome, up.target_grade) == (Outcome.PROMOTED, 9)
    assert (down.outcome, down.target_grade) == (Outcome.REPEATING, 8)
    assert "sau kiểm tra lại" in up.reason


def test_no_approved_result_is_not_ready():
    assert place(grade=6, last_grade=9, year_result=None).outcome == Outcome.NOT_READY
    assert place(grade=6, last_grade=9, year_result={"decision": None}).outcome == Outcome.NOT_READY


def test_primary_completion_decides():
    up = place(grade=3, last_grade=5, year_result={"completed": True})
    repeat = place(grade=3, last_grade=5, year_result={"completed": False})
    done = place(grade=5, last_grade=5, year_result={"completed": True})
    unknown = place(grade=3, last_grade=5, year_result={"completed": None})
    assert (up.outcome, up.target_grade) == (Outcome.PROMOTED, 4)
    assert (repeat.outcome, repeat.target_grade) == (Outcome.REPEATING, 3)
    assert (done.outcome, done.target_grade) == (Outcome.COMPLETED, None)
    assert unknown.outcome == Outcome.NOT_READY
