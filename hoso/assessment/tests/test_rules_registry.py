"""Rule-set registry, roadmap and closed years (REGULATIONS.md §0, §1.1)."""

import ast
import dataclasses
from pathlib import Path

import pytest

from hoso.assessment import rules
from hoso.assessment.rules import (
    REGISTRY,
    ROADMAP,
    RoadmapStep,
    UnknownRuleset,
    evaluate,
    get_ruleset,
    ruleset_code_for,
)


def test_registry_holds_the_three_rule_sets_behind_one_interface():
    assert set(REGISTRY) == {"TT22_2021", "TT27_2020", "TT43_2021"}
    for code, ruleset in REGISTRY.items():
        assert isinstance(ruleset, rules.RuleSet)
        assert ruleset.code == code and ruleset.version and ruleset.level
        assert dataclasses.is_dataclass(ruleset.params)
        first = dataclasses.fields(ruleset.params)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(ruleset.params, first, 1)


def test_unknown_rule_set():
    with pytest.raises(UnknownRuleset):
        get_ruleset("TT58_2011")
    result = evaluate({"ruleset": "TT99_2030"})
    assert [e["code"] for e in result["errors"]] == ["UNKNOWN_RULESET"]
    assert [e["code"] for e in evaluate({})["errors"]] == ["UNKNOWN_RULESET"]
    assert [e["code"] for e in evaluate([1, 2])["errors"]] == ["BAD_INPUT"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("level", "year", "grade", "code"),
    [
        ("lower_secondary", 2020, 6, "TT58_2011"),
        ("lower_secondary", 2021, 6, "TT22_2021"),
        ("lower_secondary", 2021, 7, "TT58_2011"),
        ("lower_secondary", 2022, 7, "TT22_2021"),
        ("lower_secondary", 2023, 9, "TT58_2011"),  # 2023-24 lớp 9 still TT58
        ("lower_secondary", 2024, 9, "TT22_2021"),
        ("upper_secondary", 2021, 10, "TT58_2011"),
        ("upper_secondary", 2022, 10, "TT22_2021"),
        ("upper_secondary", 2023, 12, "TT58_2011"),  # 2023-24 lớp 12 still TT58
        ("upper_secondary", 2024, 12, "TT22_2021"),
        ("primary", 2019, 1, "TT30_2014"),
        ("primary", 2020, 1, "TT27_2020"),
        ("primary", 2023, 5, "TT30_2014"),
        ("primary", 2024, 5, "TT27_2020"),
        ("continuing", 2022, 10, "TT43_2021"),
        ("continuing", 2022, 11, "LEGACY_GDTX"),
        ("continuing", 2030, 12, "TT43_2021"),
    ],
)
def test_roadmap_by_level_year_and_grade(level, year, grade, code):
    assert ruleset_code_for(level, year, grade=grade) == code


def test_without_a_grade_only_years_after_the_roll_out_have_one_answer():
    assert ruleset_code_for("lower_secondary", 2025) == "TT22_2021"
    assert ruleset_code_for("primary", 2024) == "TT27_2020"
    assert ruleset_code_for("continuing", 2024) == "TT43_2021"
    assert ruleset_code_for("upper_secondary", 2020) == "TT58_2011"
    with pytest.raises(ValueError, match="grade"):
        ruleset_code_for("lower_secondary", 2023)
    with pytest.raises(ValueError):
        ruleset_code_for("kindergarten", 2024)
    with pytest.raises(ValueError):
        ruleset_code_for("primary", 2024, grade=6)


def test_closed_years_keep_their_rule_set_when_a_new_one_arrives():
    # A future circular replacing TT22 from 2027-28 changes the proposal for new years only...
    future = (*ROADMAP, RoadmapStep("lower_secondary", 2027, (6, 7, 8, 9), "TT99_2027"))
    assert ruleset_code_for("lower_secondary", 2027, grade=8, roadmap=future) == "TT99_2027"
    assert ruleset_code_for("lower_secondary", 2024, grade=8, roadmap=future) == "TT22_2021"
    # ...and a stored year is always evaluated with its stored code, whatever the date.
    stored = {
        "ruleset": "TT22_2021",
        "subjects": [
            {
                "code": "S1",
                "assessment": "score",
                "periods_per_year": 70,
                "term1": {"regular": [8, 8, 8], "midterm": 8, "final": 8},
                "term2": {"regular": [9, 9, 9], "midterm": 9, "final": 9},
            }
        ],
    }
    first = evaluate(stored)
    assert first["ruleset_version"] == "TT22_2021@1.0"
    assert evaluate(stored) == first
    assert first["subjects"]["S1"]["year"] == 8.7


def test_case_parameters_make_a_marked_variant_and_bad_ones_are_rejected():
    base = {"ruleset": "TT22_2021", "subjects": [], "params": {"absence_limit": 30}}
    assert evaluate(base)["ruleset_version"] == "TT22_2021@1.0+params"
    bad = evaluate(dict(base, params={"no_such_param": 1}))
    assert [e["code"] for e in bad["errors"]] == ["BAD_INPUT"]
    bad = evaluate(dict(base, params={"absence_limit": "many"}))
    assert [e["code"] for e in bad["errors"]] == ["BAD_INPUT"]
    bands = evaluate(dict(base, params={"regular_count_bands": [[35, 1], [70, 2]]}))
    assert bands["ruleset_version"] == "TT22_2021@1.0+params"
    assert get_ruleset("TT22_2021").params.absence_limit == 45  # the registered one is untouched


def test_the_rules_package_imports_no_django():
    package = Path(rules.__file__).parent
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(name.split(".")[0] == "django" for name in names), path
