"""Labels inside sentences keep their Roman numerals: "học kỳ II", never "học kỳ ii"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from hoso.core.text import in_sentence

HOSO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Học kỳ II", "học kỳ II"),
        ("Giữa học kỳ I", "giữa học kỳ I"),
        ("Học kỳ I, Học kỳ II", "học kỳ I, học kỳ II"),
        ("Cuối học kì I", "cuối học kì I"),
        ("Cả năm", "cả năm"),
        ("Vi phạm", "vi phạm"),  # "Vi" is a word, not a numeral
        ("Trung học cơ sở", "trung học cơ sở"),
        ("", ""),
    ],
)
def test_in_sentence(label, expected):
    assert in_sentence(label) == expected


def test_the_filter_is_built_in():
    out = Template("trong {{ term|in_sentence }}").render(Context({"term": "Học kỳ II"}))
    assert out == "trong học kỳ II"


# A label lowered with str.lower() or |lower: "Học kỳ II" would read "học kỳ ii".
PY_LOWERED_LABEL = re.compile(
    r"(label|_display\(\)|title|period_label\([^)]*\)|CHECKPOINT_LABELS\[[^\]]*\])\.lower\(\)"
)


def test_no_label_is_lowered_by_hand():
    offenders = []
    for path in HOSO.rglob("*"):
        if "tests" in path.parts or path.suffix not in (".py", ".html", ".typ"):
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html" and "|lower" in text:
            offenders.append(f"{path.relative_to(HOSO)}: |lower")
        if path.suffix == ".py" and PY_LOWERED_LABEL.search(text):
            offenders.append(f"{path.relative_to(HOSO)}: .lower() of a label")
    assert offenders == [], "use in_sentence (hoso.core.text) / |in_sentence: " + ", ".join(
        offenders
    )
