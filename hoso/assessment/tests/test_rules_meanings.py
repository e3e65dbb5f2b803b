"""Each rule set words what its levels and titles mean for parents, with its own numbers."""

from __future__ import annotations

from hoso.assessment.rules import capabilities_for, get_ruleset


def test_tt22_levels_in_plain_words_with_its_numbers():
    """GIVEN TT22 WHEN its learning level Khá is asked THEN the words give 5,0 / 6 / 6,5."""
    meaning = capabilities_for("TT22_2021").meaning("learning", "K")
    assert "từ 5,0 trở lên" in meaning and "ít nhất 6 môn từ 6,5" in meaning
    rules = capabilities_for("TT22_2021")
    for code in ("T", "K", "D", "CD"):
        assert rules.meaning("learning", code) and rules.meaning("training", code)
    assert rules.meaning("title", "GIOI")


def test_tt43_says_five_subjects():
    """GIVEN TT43 (at least 5 subjects) WHEN Tốt and Xuất sắc are asked THEN "5 môn"."""
    rules = capabilities_for("TT43_2021")
    assert "ít nhất 5 môn" in rules.meaning("learning", "T")
    assert "ít nhất 5 môn" in rules.meaning("title", "XUAT_SAC")


def test_parameters_change_the_words():
    """GIVEN TT22 with another threshold WHEN Tốt is asked THEN the words follow the parameter."""
    custom = get_ruleset("TT22_2021").with_params(good_count_min=85)
    assert "từ 8,5 trở lên" in custom.capabilities.meaning("learning", "T")


def test_tt27_overall_and_subject_levels():
    """GIVEN TT27 WHEN its educational results are asked THEN each is worded, tests included."""
    rules = capabilities_for("TT27_2020")
    assert "từ 9 điểm trở lên" in rules.meaning("overall", "HTXS")
    assert rules.meaning("subject", "H")
    assert rules.meaning("learning", "K") == ""  # TT27 has no learning levels


def test_unknown_and_legacy_say_nothing():
    """GIVEN a legacy circular or an empty code WHEN a meaning is asked THEN "" (never TT22's)."""
    assert capabilities_for("TT58_2011").meaning("learning", "K") == ""
    assert capabilities_for("TT22_2021").meaning("learning", None) == ""
