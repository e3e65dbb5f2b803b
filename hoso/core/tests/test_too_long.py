"""Nothing is silently cut: a text over its limit is refused with its length and the limit."""

from __future__ import annotations

import pytest

from hoso.core.errors import TooLongError, bounded
from hoso.gradebook.entry.columns import TEXT, Column
from hoso.gradebook.entry.validation import clean_value
from hoso.gradebook.results import actions as results_actions


def test_bounded_keeps_or_refuses():
    assert bounded("x" * 10, 10, what="Ý kiến") == "x" * 10
    with pytest.raises(TooLongError) as exc:
        bounded("x" * 11, 10, what="Ý kiến", field="note")
    assert exc.value.code == "TOO_LONG" and exc.value.field == "note"
    assert "dài 11 ký tự, quá giới hạn 10" in exc.value.message


def test_a_grade_book_comment_over_2000_characters_is_refused_not_cut():
    column = Column("NX_end1", "Nhận xét", TEXT, False, "end1", False)
    assert clean_value(column, "a" * 2000) == ("", "a" * 2000)
    with pytest.raises(TooLongError) as exc:
        clean_value(column, "a" * 2500)
    assert "2500 ký tự" in exc.value.message


@pytest.mark.django_db
def test_a_homeroom_comment_over_the_limit_is_a_field_error(world):
    with pytest.raises(results_actions.InputsInvalid) as exc:
        results_actions.homeroom_inputs_save(
            actor=world.actor("homeroom"),
            school_class=world.class_a,
            rows={world.student_a.pk: {"general_comment": "b" * 2001}},
        )
    assert "quá giới hạn 2000" in exc.value.errors[(world.student_a.pk, "general_comment")]
