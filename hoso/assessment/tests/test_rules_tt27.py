"""TT27/2020 (primary): end-of-year result, titles, completion (REGULATIONS.md §2; checklist §11)."""

import pytest

from hoso.assessment.rules import evaluate, get_ruleset

QUALITIES = ("yeu_nuoc", "nhan_ai", "cham_chi", "trung_thuc", "trach_nhiem")
COMPETENCIES = (
    "tu_chu_tu_hoc",
    "giao_tiep_hop_tac",
    "giai_quyet_van_de_sang_tao",
    "ngon_ngu",
    "tinh_toan",
    "khoa_hoc",
    "cong_nghe",
    "tin_hoc",
    "tham_mi",
    "the_chat",
)


def pupil(tests=(9, 9, 9, 9, 9, 9), levels="TTTTTTTTTT", traits="T", *, grade=5, recognised=False):
    """Grade-5 pupil: the first len(tests) subjects are tested; traits: one level for all or a dict."""
    subjects = []
    for index, level in enumerate(levels):
        subject = {"code": f"M{index + 1}", "level": level}
        if index < len(tests):
            subject["final_test"] = tests[index]
        subjects.append(subject)
    if isinstance(traits, str):
        qualities = dict.fromkeys(QUALITIES, traits)
        competencies = dict.fromkeys(COMPETENCIES, traits)
    else:
        qualities = {k: traits.get(k, "T") for k in QUALITIES}
        competencies = {k: traits.get(k, "T") for k in COMPETENCIES}
    return {
        "ruleset": "TT27_2020",
        "grade": grade,
        "subjects": subjects,
        "qualities": qualities,
        "competencies": competencies,
        "class_recognised": recognised,
    }


def test_issue_example():
    data = {
        "ruleset": "TT27_2020",
        "grade": 5,
        "subjects": [
            {"code": "TOAN", "level": "T", "final_test": 9},
            {"code": "DAO_DUC", "level": "H"},
        ],
        "qualities": dict.fromkeys(QUALITIES, "T"),
        "competencies": dict.fromkeys(COMPETENCIES, "T"),
        "class_recognised": False,
    }
    result = evaluate(data)
    # DAO_DUC is only Hoàn thành, so the example pupil is HT, not HTXS.
    assert result["overall"] == "HT"
    data["subjects"][1]["level"] = "T"
    result = evaluate(data)
    assert (result["overall"], result["title"], result["completed"]) == ("HTXS", "XUAT_SAC", True)
    assert result["errors"] == []


@pytest.mark.parametrize(
    ("tests", "overall"),
    [
        ((9, 9, 9, 9, 9, 9), "HTXS"),
        ((10, 9, 9, 9, 9, 9), "HTXS"),
        ((8, 9, 9, 9, 9, 9), "HTT"),  # Toán 8 + others 9 → HTT
        ((7, 9, 9, 9, 9, 9), "HTT"),
        ((6, 9, 9, 9, 9, 9), "HT"),
        ((5, 9, 9, 9, 9, 9), "HT"),
        ((4, 9, 9, 9, 9, 9), "CHT"),
        ((0, 9, 9, 9, 9, 9), "CHT"),
    ],
)
def test_test_score_thresholds_9_7_5(tests, overall):
    assert evaluate(pupil(tests))["overall"] == overall


@pytest.mark.parametrize(
    ("levels", "traits", "overall"),
    [
        ("TTTTTTTTTT", "T", "HTXS"),
        ("TTTTTTTTTH", "T", "HT"),  # one subject only Hoàn thành
        ("TTTTTTTTTC", "T", "CHT"),  # one subject Chưa hoàn thành
        ("TTTTTTTTTT", {"cham_chi": "D"}, "HT"),  # one quality only Đạt
        ("TTTTTTTTTT", {"tin_hoc": "D"}, "HT"),  # one competency only Đạt
        ("TTTTTTTTTT", {"tin_hoc": "C"}, "CHT"),  # Cần cố gắng
        ("HHHHHHHHHH", "D", "HT"),
    ],
)
def test_subject_levels_and_qualities_competencies(levels, traits, overall):
    assert evaluate(pupil(levels=levels, traits=traits))["overall"] == overall


@pytest.mark.parametrize(
    ("tests", "recognised", "title"),
    [
        ((9,) * 6, False, "XUAT_SAC"),
        ((9,) * 6, True, "XUAT_SAC"),
        ((8,) * 6, True, "TIEU_BIEU"),  # HTT + class recognition
        ((8,) * 6, False, None),  # never automatic
        ((6,) * 6, True, None),  # HT is not enough
    ],
)
def test_titles(tests, recognised, title):
    assert evaluate(pupil(tests, recognised=recognised))["title"] == title


def test_not_completed_goes_to_supplementary_assessment_and_principal():
    result = evaluate(pupil((4, 9, 9, 9, 9, 9)))
    assert result["completed"] is False
    assert result["supplementary_assessment"] is True
    assert result["transcript_note"] is None
    assert any("Hiệu trưởng" in s for s in result["explanation"])


@pytest.mark.parametrize(("grade", "note"), [(5, "Hoàn thành chương trình tiểu học"), (4, None)])
def test_grade_5_completion_text_for_the_transcript(grade, note):
    result = evaluate(pupil(grade=grade))
    assert result["completed"] is True
    assert result["transcript_note"] == note


@pytest.mark.parametrize(
    ("value", "code"), [(8.5, "BAD_PRECISION"), (11, "OUT_OF_RANGE"), ("chín", "BAD_INPUT")]
)
def test_test_scores_must_be_integers_from_0_to_10(value, code):
    result = evaluate(pupil((value, 9, 9, 9, 9, 9)))
    assert [(e["code"], e["subject"]) for e in result["errors"]] == [(code, "M1")]
    assert result["overall"] is None and result["completed"] is None


def test_unknown_levels_and_missing_traits_are_reported():
    data = pupil()
    data["subjects"][0]["level"] = "X"
    data["qualities"]["nhan_ai"] = "K"
    del data["competencies"]["the_chat"]
    result = evaluate(data)
    assert [(e["code"], e["subject"]) for e in result["errors"]] == [
        ("UNKNOWN_LEVEL", "M1"),
        ("UNKNOWN_LEVEL", "nhan_ai"),
        ("MISSING_INPUT", None),
    ]
    assert result["overall"] is None


def test_tested_subject_without_its_score_is_missing_periodic():
    data = pupil()
    data["subjects"][7]["tested"] = True
    result = evaluate(data)
    assert [(e["code"], e["subject"]) for e in result["errors"]] == [("MISSING_PERIODIC", "M8")]


@pytest.mark.parametrize(
    ("grade", "tests", "warned"), [(1, 2, False), (3, 3, True), (3, 4, False), (4, 5, True)]
)
def test_number_of_tested_subjects_by_grade_is_checked(grade, tests, warned):
    result = evaluate(pupil((9,) * tests, grade=grade))
    assert bool(result["warnings"]) is warned


def test_mid_term_tests_are_validated():
    data = pupil()
    data["subjects"][0]["midterm1_test"] = 7.5
    result = evaluate(data)
    assert [(e["code"], e["subject"]) for e in result["errors"]] == [("BAD_PRECISION", "M1")]
    assert result["overall"] == "HTXS"  # the end-of-year result does not depend on it


@pytest.mark.parametrize(
    ("grade", "code", "given", "missing"),
    [
        (5, "TOAN", {}, ["midterm1_test", "midterm2_test"]),
        (4, "TV", {"midterm1_test": 8}, ["midterm2_test"]),
        (4, "TOAN", {"midterm1_test": 8, "midterm2_test": 9}, []),
        (3, "TOAN", {}, []),  # grade 3 has no mid-term tests
        (5, "KH", {}, []),  # only Tiếng Việt and Toán have them
    ],
)
def test_grades_4_and_5_need_mid_term_tests_in_vietnamese_and_maths(grade, code, given, missing):
    data = pupil((9, 9, 9, 9, 9, 9), grade=grade)
    data["subjects"][0].update({"code": code, **given})
    result = evaluate(data)
    found = [w for w in result["warnings"] if w["code"] == "MISSING_PERIODIC"]
    assert [w["subject"] for w in found] == [code] * len(missing)
    whens = {"midterm1_test": "giữa học kì I", "midterm2_test": "giữa học kì II"}
    assert [w["message"].rsplit("định kì ", 1)[1] for w in found] == [
        whens[k] + "." for k in missing
    ]
    assert not result["errors"] and result["overall"] == "HTXS"  # never blocks the year result


def test_explanation_names_what_blocks_the_next_level():
    data = pupil((8, 9, 9, 9, 9, 9))
    data["subjects"][0]["name"] = "Toán"
    result = evaluate(data)
    assert any("Toán 8 điểm < 9" in s and "Hoàn thành xuất sắc" in s for s in result["explanation"])


def test_thresholds_are_parameters():
    lenient = get_ruleset("TT27_2020").with_params(excellent_test_min=8)
    assert lenient.evaluate(pupil((8,) * 6))["overall"] == "HTXS"
    assert lenient.version_label == "TT27_2020@1.0+params"
