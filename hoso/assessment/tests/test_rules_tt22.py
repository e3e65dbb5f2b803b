"""TT22/2021 (THCS, THPT): worked examples on both sides of every threshold (REGULATIONS.md §1, §11).

Cases are built so that every result of a score subject equals its intended average: a subject
``score("S1", 6.5)`` has term 1, term 2 and year averages of exactly 6,5.
"""

import json
import unicodedata

import pytest

from hoso.assessment.rules import evaluate, get_ruleset

TT22 = "TT22_2021"


def term(value, count=3):
    return {"regular": [value] * count, "midterm": value, "final": value}


def score(code, t1, t2=None, *, periods=70, name=None):
    """A score subject (70 periods → 3 regular results) with term averages t1 and t2."""
    subject = {
        "code": code,
        "assessment": "score",
        "periods_per_year": periods,
        "term1": term(t1),
        "term2": term(t1 if t2 is None else t2),
    }
    if name:
        subject["name"] = name
    return subject


def comment_term(passed):
    return {"regular": ["D", "D"], "midterm": "D", "final": "D" if passed else "CD"}


def comment(code, t1=True, t2=None):
    return {
        "code": code,
        "assessment": "comment",
        "periods_per_year": 70,
        "term1": comment_term(t1),
        "term2": comment_term(t1 if t2 is None else t2),
    }


def case(scores, comments=(True, True, True, True), *, training=("T", "T"), absences=0, **extra):
    subjects = [score(f"S{i + 1}", v) for i, v in enumerate(scores)]
    subjects += [comment(f"C{j + 1}", ok) for j, ok in enumerate(comments)]
    data = {
        "ruleset": TT22,
        "grade": 8,
        "subjects": subjects,
        "training": {"term1": training[0], "term2": training[1]},
        "absences": absences,
    }
    data.update(extra)
    return data


def learning(scores, comments=(True, True, True, True), **kw):
    return evaluate(case(scores, comments, **kw))["learning"]["year"]


def codes(result, field="errors"):
    return [(e["code"], e["subject"]) for e in result[field]]


# ----------------------------------------------------------------------------- the issue's example


ISSUE_CASE = {
    "ruleset": "TT22_2021",
    "grade": 8,
    "subjects": [
        {
            "code": "TOAN",
            "assessment": "score",
            "periods_per_year": 140,
            "term1": {"regular": [8, 7.5, 9, 8], "midterm": 7, "final": 8.5},
            "term2": {"regular": [8, 8, 9, 8], "midterm": 8, "final": 8},
        },
        {
            "code": "GDTC",
            "assessment": "comment",
            "periods_per_year": 70,
            "term1": {"regular": ["D", "D"], "midterm": "D", "final": "CD"},
            "term2": {"regular": ["D", "D"], "midterm": "D", "final": "D"},
        },
    ],
    "training": {"term1": "T", "term2": "K", "summer": None},
    "absences": 12,
    "retest": {"TOAN": 6.5},
}


def test_issue_example_subject_values():
    result = evaluate(ISSUE_CASE)
    assert result["subjects"] == {
        "TOAN": {"term1": 8.0, "term2": 8.1, "year": 8.1},
        "GDTC": {"term1": "CD", "term2": "D", "year": "D"},
    }
    assert result["training"]["year"] == "K"
    assert result["ruleset_version"] == "TT22_2021@1.0"
    assert result["errors"] == []


def test_averages_are_json_numbers_with_one_decimal():
    text = json.dumps(evaluate(ISSUE_CASE)["subjects"])
    assert '"term1": 8.0' in text and '"year": 8.1' in text


def test_full_case_with_six_scored_subjects_gives_the_documented_shape():
    result = evaluate(case([8.0] * 6 + [7.0, 6.5], training=("T", "K")))
    assert set(result) >= {
        "subjects",
        "learning",
        "training",
        "title",
        "decision",
        "retest_subjects",
        "final_decision",
        "errors",
        "ruleset_version",
        "explanation",
    }
    assert result["learning"] == {
        "term1": "T",
        "term2": "T",
        "year": "T",
        "year_after_retest": None,
    }
    assert result["training"] == {"year": "K", "year_after_summer": None}
    assert result["title"] is None
    assert result["decision"] == "LEN_LOP"
    assert result["retest_subjects"] == []
    assert result["final_decision"] is None


# ----------------------------------------------------------------------------- regular counts


@pytest.mark.parametrize(("periods", "needed"), [(35, 2), (36, 3), (70, 3), (71, 4)])
def test_score_subject_needs_the_regular_count_of_its_period_band(periods, needed):
    enough = {
        "code": "S1",
        "assessment": "score",
        "periods_per_year": periods,
        "term1": term(7, needed),
        "term2": term(7, needed),
    }
    short = dict(enough, term1=term(7, needed - 1))
    ok = evaluate({"ruleset": TT22, "subjects": [enough]})
    assert ok["subjects"]["S1"]["year"] == 7.0
    assert "MISSING_REGULAR" not in [e["code"] for e in ok["errors"]]
    bad = evaluate({"ruleset": TT22, "subjects": [short]})
    assert ("MISSING_REGULAR", "S1") in codes(bad)
    assert bad["subjects"]["S1"] == {"term1": None, "term2": 7.0, "year": None}


def test_more_regular_results_than_required_are_allowed_and_counted():
    subject = score("S1", 7)
    subject["term1"] = {"regular": [7, 7, 7, 7, 7, 10], "midterm": 7, "final": 7}
    result = evaluate({"ruleset": TT22, "subjects": [subject]})
    assert not [e for e in result["errors"] if e["subject"] == "S1"]
    assert result["subjects"]["S1"]["term1"] == 7.3  # (45 + 14 + 21) / 11 = 7,27 → 7,3


def test_comment_subject_needs_two_regular_results_and_both_periodic_results():
    subject = comment("C1")
    subject["term1"] = {"regular": ["D"], "midterm": "D", "final": "D"}
    subject["term2"] = {"regular": ["D", "D"], "final": "D"}
    result = evaluate({"ruleset": TT22, "subjects": [subject]})
    assert ("MISSING_REGULAR", "C1") in codes(result)
    assert ("MISSING_PERIODIC", "C1") in codes(result)
    assert result["subjects"]["C1"] == {"term1": None, "term2": None, "year": None}


def test_regular_count_override_per_subject():
    subject = score("S1", 7)
    subject["regular_required"] = 5
    result = evaluate({"ruleset": TT22, "subjects": [subject]})
    assert ("MISSING_REGULAR", "S1") in codes(result)


# ----------------------------------------------------------------------------- comment subjects


@pytest.mark.parametrize(
    ("regular", "midterm", "final", "expected"),
    [
        (["D", "D"], "D", "D", "D"),
        (["D", "CD"], "D", "D", "D"),  # 3/4 ≥ 2/3
        (["CD", "CD"], "D", "D", "CD"),  # 2/4 < 2/3
        (["D", "D"], "D", "CD", "CD"),  # 3/4 but cuối kì Chưa đạt
        (["D", "D", "CD", "CD"], "D", "D", "D"),  # exactly 4/6 = 2/3
        (["D", "CD", "CD"], "D", "D", "CD"),  # 3/5 < 2/3
        (["Đ", "CĐ"], "Đ", "Đ", "D"),  # Vietnamese spellings accepted
    ],
)
def test_comment_term_is_pass_with_two_thirds_pass_including_the_end_of_term(
    regular, midterm, final, expected
):
    subject = comment("C1")
    subject["term1"] = {"regular": regular, "midterm": midterm, "final": final}
    assert evaluate({"ruleset": TT22, "subjects": [subject]})["subjects"]["C1"]["term1"] == expected


@pytest.mark.parametrize(("t1", "t2", "year"), [(False, True, "D"), (True, False, "CD")])
def test_comment_year_result_is_the_second_term_result(t1, t2, year):
    result = evaluate({"ruleset": TT22, "subjects": [comment("C1", t1, t2)]})
    assert result["subjects"]["C1"]["year"] == year


# ----------------------------------------------------------------------------- learning levels

EIGHT = 8


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([8.0] * 6 + [6.5] * 2, "T"),  # all ≥ 6,5 and exactly 6 ≥ 8,0
        ([8.0] * 6 + [6.5, 6.4], "K"),  # one below 6,5
        ([8.0] * 5 + [7.9] * 3, "K"),  # only 5 ≥ 8,0
        ([10.0] * 7 + [6.5], "T"),
        ([6.5] * 6 + [5.0] * 2, "K"),  # all ≥ 5,0 and exactly 6 ≥ 6,5
        ([6.5] * 5 + [6.4] * 3, "D"),  # only 5 ≥ 6,5
        ([6.5] * 6 + [5.0, 4.9], "D"),  # one below 5,0 (drop of 1 level: no adjustment)
        ([5.0] * 6 + [3.5] * 2, "D"),  # exactly 6 ≥ 5,0, none below 3,5
        ([5.0] * 5 + [4.9] * 3, "CD"),  # only 5 ≥ 5,0
        ([5.0] * 6 + [3.5, 3.4], "CD"),  # one below 3,5 (would be Đạt: drop 1, no adjustment)
    ],
)
def test_level_thresholds_both_sides(scores, expected):
    assert learning(scores) == expected


@pytest.mark.parametrize(
    ("comments", "expected"),
    [
        ((True, True, True, True), "K"),
        ((True, True, True, False), "D"),  # one comment Chưa đạt: no Tốt/Khá, Đạt allowed
        ((True, True, False, False), "CD"),  # two comment Chưa đạt: not Đạt
    ],
)
def test_one_versus_two_comment_subjects_not_passed(comments, expected):
    assert learning([7.0] * EIGHT, comments) == expected


def test_every_period_is_evaluated_with_its_own_results():
    data = case([8.0] * 8)
    data["subjects"][0] = score("S1", 6.0, 9.0)  # year (6 + 18) / 3 = 8,0
    result = evaluate(data)
    assert result["subjects"]["S1"] == {"term1": 6.0, "term2": 9.0, "year": 8.0}
    assert result["learning"]["term1"] == "K"
    assert result["learning"]["term2"] == "T"
    assert result["learning"]["year"] == "T"


# ----------------------------------------------------------------------------- Điều 9 k3


def test_single_subject_3_4_in_an_otherwise_good_profile_is_raised_to_pass():
    result = evaluate(case([8.0] * 7 + [3.4]))
    assert result["learning"]["year"] == "D"  # Chưa đạt, 3 levels below Tốt → Đạt
    assert any("Điều 9 khoản 3" in s and "S8" in s for s in result["explanation"])


def test_single_subject_adjustment_from_pass_to_good():
    # Without S8 the student is Tốt; 4,0 makes it Đạt (2 levels) → Khá.
    assert learning([8.0] * 7 + [4.0]) == "K"


def test_single_subject_adjustment_from_fail_to_pass_when_would_be_good():
    # Without S8 (3,4) the student is Khá; Chưa đạt is 2 below → Đạt.
    assert learning([7.0] * 7 + [3.4]) == "D"


def test_no_adjustment_when_the_drop_is_one_level():
    assert learning([8.0] * 7 + [6.0]) == "K"  # would be Tốt, is Khá
    assert learning([7.0] * 7 + [4.0]) == "D"  # would be Khá, is Đạt


def test_no_adjustment_when_two_subjects_are_the_cause():
    assert learning([8.0] * 6 + [3.4, 3.4]) == "CD"
    assert learning([8.0] * 6 + [3.4, 3.0]) == "CD"


def test_adjustment_for_a_single_comment_subject_is_a_parameter():
    data = case([8.0] * EIGHT, (True, True, True, False))
    assert evaluate(data)["learning"]["year"] == "K"  # Đạt, would be Tốt → Khá
    strict = get_ruleset(TT22).with_params(adjustment_includes_comment_subjects=False)
    assert strict.evaluate(data)["learning"]["year"] == "D"
    assert strict.version_label == "TT22_2021@1.0+params"


def test_adjustment_can_be_switched_off():
    no_k3 = get_ruleset(TT22).with_params(adjustment=False)
    assert no_k3.evaluate(case([8.0] * 7 + [3.4]))["learning"]["year"] == "CD"


def test_fewer_than_six_score_subjects_is_flagged_for_manual_review():
    result = evaluate(case([9.0] * 5))
    assert result["learning"]["year"] == "CD"
    assert [w["code"] for w in result["warnings"]] == ["MANUAL_REVIEW"]
    assert not evaluate(case([9.0] * 6))["warnings"]


# ----------------------------------------------------------------------------- training

TRAINING_TABLE = {
    # (HK I, HK II): year
    ("T", "T"): "T",
    ("K", "T"): "T",
    ("D", "T"): "K",
    ("CD", "T"): "K",
    ("T", "K"): "K",
    ("K", "K"): "K",
    ("D", "K"): "K",
    ("CD", "K"): "D",
    ("T", "D"): "K",
    ("K", "D"): "D",
    ("D", "D"): "D",
    ("CD", "D"): "D",
    ("T", "CD"): "CD",
    ("K", "CD"): "CD",
    ("D", "CD"): "CD",
    ("CD", "CD"): "CD",
}


@pytest.mark.parametrize(("terms", "year"), sorted(TRAINING_TABLE.items()))
def test_year_training_result_all_sixteen_combinations(terms, year):
    result = evaluate(case([8.0] * EIGHT, training=terms))
    assert result["training"]["year"] == year


def test_unknown_training_level_is_reported_and_year_is_null():
    result = evaluate(case([8.0] * EIGHT, training=("T", "A")))
    assert result["training"]["year"] is None
    assert ("UNKNOWN_LEVEL", None) in codes(result)
    assert result["decision"] is None


# ----------------------------------------------------------------------------- promotion


@pytest.mark.parametrize(
    ("absences", "decision"), [(0, "LEN_LOP"), (45, "LEN_LOP"), (46, "O_LAI_LOP")]
)
def test_absence_limit_is_45_sessions(absences, decision):
    assert evaluate(case([8.0] * EIGHT, absences=absences))["decision"] == decision


def test_too_many_absences_repeats_the_grade_even_with_summer_or_retest_pending():
    result = evaluate(case([3.0] * EIGHT, training=("CD", "CD"), absences=46))
    assert result["decision"] == "O_LAI_LOP"
    assert result["retest_subjects"] == []


def test_pass_in_both_promotes():
    result = evaluate(case([5.0] * 6 + [3.5] * 2, training=("CD", "D")))
    assert result["learning"]["year"] == "D" and result["training"]["year"] == "D"
    assert result["decision"] == "LEN_LOP"


def test_disabled_student_decision_is_flagged_for_the_principal():
    result = evaluate(case([8.0] * EIGHT, disabled=True))
    assert result["decision"] == "LEN_LOP"
    assert "MANUAL_REVIEW" in [w["code"] for w in result["warnings"]]


def test_missing_absences_leaves_the_decision_open():
    data = case([8.0] * EIGHT)
    del data["absences"]
    result = evaluate(data)
    assert result["decision"] is None
    assert ("MISSING_INPUT", None) in codes(result)


def test_grade_9_promotion_mentions_completion_of_lower_secondary():
    data = case([8.0] * EIGHT, grade=9)
    assert any(
        "hoàn thành chương trình trung học cơ sở" in s for s in evaluate(data)["explanation"]
    )


# ----------------------------------------------------------------------------- summer training


def test_training_not_passed_goes_to_summer_training():
    result = evaluate(case([8.0] * EIGHT, training=("T", "CD")))
    assert result["decision"] == "REN_LUYEN_HE"
    assert result["final_decision"] is None
    assert result["training"]["year_after_summer"] is None


@pytest.mark.parametrize(
    ("summer", "final"), [("D", "LEN_LOP"), ("K", "LEN_LOP"), ("CD", "O_LAI_LOP")]
)
def test_summer_result_replaces_the_year_training_result(summer, final):
    data = case([8.0] * EIGHT, training=("T", "CD"))
    data["training"]["summer"] = summer
    result = evaluate(data)
    assert result["training"] == {"year": "CD", "year_after_summer": summer}
    assert result["final_decision"] == final


def test_summer_result_for_a_student_who_did_not_need_it_is_ignored_with_a_warning():
    data = case([8.0] * EIGHT)
    data["training"]["summer"] = "CD"
    result = evaluate(data)
    assert result["final_decision"] is None and result["training"]["year_after_summer"] is None
    assert "MANUAL_REVIEW" in [w["code"] for w in result["warnings"]]


# ----------------------------------------------------------------------------- re-test

RETEST_SCORES = [6.0] * 5 + [5.0, 4.9, 3.0]  # Chưa đạt: S8 3,0 < 3,5 (S7 4,9 also blocks)


def retest_case(comments=(True, True, False, True), training=("K", "K"), **kw):
    return case(RETEST_SCORES, comments, training=training, **kw)


def test_learning_not_passed_re_tests_every_failing_subject():
    result = evaluate(retest_case())
    assert result["learning"]["year"] == "CD"
    assert result["decision"] == "KIEM_TRA_LAI"
    # every score subject < 5,0 and every comment subject Chưa đạt; 5,0 itself is not re-tested
    assert result["retest_subjects"] == ["S7", "S8", "C3"]
    assert result["final_decision"] is None


def test_re_test_results_replace_the_year_results_and_the_level_is_recomputed():
    data = retest_case(retest={"S7": 5.0, "S8": 6.5, "C3": "D"})
    result = evaluate(data)
    assert result["learning"]["year"] == "CD"  # original kept
    assert result["learning"]["year_after_retest"] == "D"
    assert result["final_decision"] == "LEN_LOP"
    assert result["subjects"]["S8"] == {"term1": 3.0, "term2": 3.0, "year": 3.0, "retest": 6.5}
    assert result["subjects"]["C3"]["retest"] == "D"


def test_re_test_still_failing_repeats_the_grade():
    result = evaluate(retest_case(retest={"S7": 5.0, "S8": 3.4, "C3": "D"}))
    assert result["learning"]["year_after_retest"] == "CD"
    assert result["final_decision"] == "O_LAI_LOP"


def test_incomplete_re_test_results_leave_the_final_decision_open():
    result = evaluate(retest_case(retest={"S7": 5.0}))
    assert result["learning"]["year_after_retest"] is None
    assert result["final_decision"] is None


def test_invalid_re_test_score_is_reported_with_its_subject():
    result = evaluate(retest_case(retest={"S7": 5.0, "S8": 11, "C3": "D"}))
    assert ("OUT_OF_RANGE", "S8") in codes(result)
    assert result["final_decision"] is None


def test_re_test_for_a_subject_that_does_not_need_it_is_ignored_with_a_warning():
    result = evaluate(retest_case(retest={"S7": 5.0, "S8": 6.5, "C3": "D", "S1": 10}))
    assert ("MANUAL_REVIEW", "S1") in codes(result, "warnings")
    assert result["final_decision"] == "LEN_LOP"


def test_both_not_passed_summer_training_first_then_re_test():
    result = evaluate(retest_case(training=("CD", "CD")))
    assert result["decision"] == "REN_LUYEN_HE_VA_KIEM_TRA_LAI"
    assert result["retest_subjects"] == ["S7", "S8", "C3"]


def test_both_not_passed_summer_failed_repeats_without_re_test():
    data = retest_case(training=("CD", "CD"), retest={"S7": 9, "S8": 9, "C3": "D"})
    data["training"]["summer"] = "CD"
    result = evaluate(data)
    assert result["final_decision"] == "O_LAI_LOP"
    assert result["learning"]["year_after_retest"] is None


def test_both_not_passed_summer_passed_and_re_test_passed_promotes():
    data = retest_case(training=("CD", "CD"), retest={"S7": 5, "S8": 5, "C3": "D"})
    data["training"]["summer"] = "D"
    result = evaluate(data)
    assert result["training"]["year_after_summer"] == "D"
    assert result["learning"]["year_after_retest"] == "D"
    assert result["final_decision"] == "LEN_LOP"


def test_both_not_passed_without_summer_result_waits_even_with_re_tests():
    data = retest_case(training=("CD", "CD"), retest={"S7": 5, "S8": 5, "C3": "D"})
    assert evaluate(data)["final_decision"] is None
    parallel = get_ruleset(TT22).with_params(summer_before_retest=False)
    result = parallel.evaluate(data)
    assert result["learning"]["year_after_retest"] == "D"
    assert result["final_decision"] is None  # still waiting for the summer result
    data["training"]["summer"] = "D"
    assert parallel.evaluate(data)["final_decision"] == "LEN_LOP"


# ----------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("scores", "title"),
    [
        ([9.0] * 6 + [8.0] * 2, "XUAT_SAC"),  # exactly 6 ≥ 9,0
        ([9.0] * 5 + [8.9] + [8.0] * 2, "GIOI"),  # only 5 ≥ 9,0
        ([8.0] * 8, "GIOI"),
    ],
)
def test_titles_need_good_training_and_learning_and_six_subjects_at_9(scores, title):
    assert evaluate(case(scores))["title"] == title


@pytest.mark.parametrize(
    ("training", "title"),
    [(("T", "K"), None), (("K", "T"), "XUAT_SAC"), (("D", "T"), None), (("T", "T"), "XUAT_SAC")],
)
def test_titles_need_good_year_training(training, title):
    assert evaluate(case([9.0] * EIGHT, training=training))["title"] == title


def test_no_title_without_good_learning():
    assert evaluate(case([9.0] * 7 + [6.4]))["title"] is None  # learning Khá


# ----------------------------------------------------------------------------- validation


def test_validation_codes_carry_the_subject_and_a_vietnamese_message_and_the_rest_is_evaluated():
    data = case([8.0] * EIGHT)
    data["subjects"][0]["term1"]["regular"][0] = 10.5
    data["subjects"][1]["term2"]["final"] = 7.25
    data["subjects"][2]["term1"]["midterm"] = None
    data["subjects"][3]["term2"]["regular"] = [8]
    data["subjects"][8]["term1"]["final"] = "X"
    result = evaluate(data)
    assert codes(result) == [
        ("OUT_OF_RANGE", "S1"),
        ("BAD_PRECISION", "S2"),
        ("MISSING_PERIODIC", "S3"),
        ("MISSING_REGULAR", "S4"),
        ("UNKNOWN_LEVEL", "C1"),
    ]
    for error in result["errors"]:
        assert unicodedata.is_normalized("NFC", error["message"])
        assert error["message"].startswith("Môn ")
    assert result["subjects"]["S1"] == {"term1": None, "term2": 8.0, "year": None}
    assert result["subjects"]["S5"] == {"term1": 8.0, "term2": 8.0, "year": 8.0}
    assert result["learning"] == {
        "term1": None,
        "term2": None,
        "year": None,
        "year_after_retest": None,
    }
    assert result["training"]["year"] == "T"
    assert result["decision"] is None


def test_term_with_all_valid_results_is_evaluated_when_the_other_term_is_missing():
    data = case([8.0] * EIGHT)
    for subject in data["subjects"]:
        del subject["term2"]
    result = evaluate(data)
    assert result["learning"]["term1"] == "T"
    assert result["learning"]["term2"] is None and result["learning"]["year"] is None
    assert {e["code"] for e in result["errors"]} == {"MISSING_REGULAR", "MISSING_PERIODIC"}


def test_scores_as_strings_with_a_decimal_comma_are_accepted():
    data = case([8.0] * EIGHT)
    data["subjects"][0]["term1"] = {"regular": ["7,5", "8", "9.5"], "midterm": "7", "final": "8,5"}
    result = evaluate(data)
    assert result["errors"] == []
    assert result["subjects"]["S1"]["term1"] == 8.1  # (25 + 14 + 25,5) / 8 = 8,0625 → 8,1


def test_missing_subjects_and_training_are_reported():
    result = evaluate({"ruleset": TT22})
    assert ("MISSING_INPUT", None) in codes(result)
    assert result["learning"]["year"] is None and result["training"]["year"] is None


def test_exempt_subject_is_shown_but_not_counted():
    data = case([8.0] * EIGHT)
    data["subjects"].append({"code": "GDQP", "assessment": "score", "exempt": True})
    result = evaluate(data)
    assert result["subjects"]["GDQP"]["exempt"] is True
    assert result["learning"]["year"] == "T"


def test_unknown_assessment_kind_and_duplicate_codes_are_bad_input():
    data = case([8.0] * EIGHT)
    data["subjects"].append({"code": "X", "assessment": "grade"})
    data["subjects"].append(score("S1", 2.0))
    result = evaluate(data)
    assert ("BAD_INPUT", "X") in codes(result)
    assert ("BAD_INPUT", "S1") in codes(result)
    assert result["subjects"]["S1"]["year"] == 8.0  # the first one stays
    assert result["learning"]["year"] is None


def test_missing_periods_per_year_makes_the_averages_null():
    data = case([8.0] * EIGHT)
    del data["subjects"][0]["periods_per_year"]
    result = evaluate(data)
    assert ("MISSING_INPUT", "S1") in codes(result)
    assert result["subjects"]["S1"]["year"] is None


def test_topic_result_counts_as_one_regular_result():
    subject = score("S1", 7)
    subject["term1"] = {"regular": [7, 7], "topic": 10, "midterm": 7, "final": 7}
    result = evaluate({"ruleset": TT22, "subjects": [subject]})
    assert not [e for e in result["errors"] if e["subject"] == "S1"]
    assert result["subjects"]["S1"]["term1"] == 7.4  # (24 + 14 + 21) / 8 = 7,375 → 7,4
    separate = get_ruleset(TT22).with_params(topic_counts_as_regular=False)
    assert ("MISSING_REGULAR", "S1") in codes(
        separate.evaluate({"ruleset": TT22, "subjects": [subject]})
    )


def test_missing_periodic_as_zero_parameter():
    subject = score("S1", 8)
    subject["term1"]["midterm"] = None
    zero = get_ruleset(TT22).with_params(missing_periodic_as_zero=True)
    result = zero.evaluate({"ruleset": TT22, "subjects": [subject]})
    assert result["subjects"]["S1"]["term1"] == 6.0  # (24 + 0 + 24) / 8


# ----------------------------------------------------------------------------- explanations


def test_explanation_names_the_subject_that_blocks_the_next_level():
    data = case([8.0] * 7, training=("T", "T"))
    data["subjects"].append(score("TIN", 6.4, name="Tin học"))
    result = evaluate(data)
    assert result["learning"]["year"] == "K"
    sentence = next(s for s in result["explanation"] if s.startswith("Kết quả học tập cả năm"))
    assert "môn Tin học 6,4 < 6,5 nên chưa đạt mức Tốt" in sentence
    assert all(unicodedata.is_normalized("NFC", s) for s in result["explanation"])


def test_explanation_covers_levels_training_title_and_decision():
    result = evaluate(case([9.0] * EIGHT))
    text = " ".join(result["explanation"])
    for part in ("học kì I", "học kì II", "cả năm", "rèn luyện", "Xuất sắc", "Lên lớp"):
        assert part in text
