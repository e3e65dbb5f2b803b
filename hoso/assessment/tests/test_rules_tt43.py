"""TT43/2021 (GDTX): the differences from TT22 (REGULATIONS.md §3; checklist §11 TT43)."""

import pytest

from hoso.assessment.rules import evaluate, get_ruleset


def term(value, count=3):
    return {"regular": [value] * count, "midterm": value, "final": value}


def case(scores, *, ruleset="TT43_2021", training=("T", "T"), absences=0):
    subjects = [
        {
            "code": f"S{i + 1}",
            "assessment": "score",
            "periods_per_year": 70,
            "term1": term(v),
            "term2": term(v),
        }
        for i, v in enumerate(scores)
    ]
    subjects.append(
        {
            "code": "HDTN",
            "assessment": "comment",
            "periods_per_year": 105,
            "term1": {"regular": ["D", "D"], "midterm": "D", "final": "D"},
            "term2": {"regular": ["D", "D"], "midterm": "D", "final": "D"},
        }
    )
    return {
        "ruleset": ruleset,
        "grade": 10,
        "subjects": subjects,
        "training": {"term1": training[0], "term2": training[1]},
        "absences": absences,
    }


@pytest.mark.parametrize(
    ("scores", "tt43", "tt22"),
    [
        ([9.0] * 5 + [8.0] * 2, "XUAT_SAC", "GIOI"),  # exactly 5 subjects ≥ 9,0
        ([9.0] * 4 + [8.9] + [8.0] * 2, "GIOI", "GIOI"),  # only 4
    ],
)
def test_excellent_learner_needs_five_subjects_at_9(scores, tt43, tt22):
    assert evaluate(case(scores))["title"] == tt43
    assert evaluate(case(scores, ruleset="TT22_2021"))["title"] == tt22


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([8.0] * 5 + [6.5] * 2, "T"),  # at least 5 (UNCONFIRMED default) ≥ 8,0
        ([8.0] * 4 + [7.9] * 3, "K"),
        ([6.5] * 5 + [5.0] * 2, "K"),
        ([6.5] * 4 + [6.4] * 3, "D"),
        ([5.0] * 5 + [3.5] * 2, "D"),
        ([5.0] * 4 + [4.9] * 3, "CD"),
    ],
)
def test_learning_levels_count_five_subjects(scores, expected):
    assert evaluate(case(scores))["learning"]["year"] == expected


def test_six_subject_count_is_a_parameter():
    six = get_ruleset("TT43_2021").with_params(min_subjects=6)
    assert six.evaluate(case([8.0] * 5 + [6.5] * 2))["learning"]["year"] == "K"


@pytest.mark.parametrize(("absences", "decision"), [(45, "LEN_LOP"), (46, "O_LAI_LOP")])
def test_45_session_rule(absences, decision):
    assert evaluate(case([8.0] * 7, absences=absences))["decision"] == decision


def test_wording_says_hoc_vien_and_giam_doc():
    result = evaluate(case([9.0] * 7))
    assert any("Học viên Xuất sắc" in s for s in result["explanation"])
    data = case([9.0] * 7)
    data["disabled"] = True
    warnings = evaluate(data)["warnings"]
    assert any("Giám đốc" in w["message"] and "Học viên" in w["message"] for w in warnings)


def test_ruleset_identity():
    ruleset = get_ruleset("TT43_2021")
    assert (ruleset.code, ruleset.version, ruleset.level) == ("TT43_2021", "1.0", ("continuing",))
    assert evaluate(case([8.0] * 7))["ruleset_version"] == "TT43_2021@1.0"
