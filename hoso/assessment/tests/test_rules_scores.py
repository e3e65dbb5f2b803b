"""Scores, precision and exact half-up averages (REGULATIONS.md §1.2, §1.5; checklist §11)."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoso.assessment.rules import (
    ErrorCode,
    InvalidScore,
    format_score,
    parse_tenths,
    required_regular_count,
    term_average,
    validate_score,
    year_average,
)
from hoso.assessment.rules.scores import divide_half_up, year_average_tenths

tenths = st.integers(min_value=0, max_value=100)


def as_json_number(t: int) -> int | float:
    """A score the way JSON delivers it: 8 or 7.5."""
    return t // 10 if t % 10 == 0 else float(f"{t // 10}.{t % 10}")


# ----------------------------------------------------------------------------- regular counts


@pytest.mark.parametrize(
    ("periods", "count"),
    [(1, 2), (35, 2), (36, 3), (52, 3), (70, 3), (71, 4), (105, 4), (140, 4)],
)
def test_regular_count_follows_the_35_and_70_period_bands(periods, count):
    assert required_regular_count(periods) == count


@pytest.mark.parametrize("periods", [35, 70, 140])
def test_comment_subjects_need_two_regular_results_whatever_the_periods(periods):
    assert required_regular_count(periods, assessment="comment") == 2


# ----------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, 0),
        (1, 10),
        (10, 100),
        (7.5, 75),
        (0.1, 1),
        (9.9, 99),
        (8.0, 80),
        ("7.5", 75),
        ("7,5", 75),
        (" 7,5 ", 75),
        ("10", 100),
        ("8.50", 85),
        (Decimal("6.3"), 63),
        ("0", 0),
        ("1", 10),
    ],
)
def test_accepted_scores_become_tenths(value, expected):
    assert parse_tenths(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (10.1, ErrorCode.OUT_OF_RANGE),
        (11, ErrorCode.OUT_OF_RANGE),
        (-0.5, ErrorCode.OUT_OF_RANGE),
        ("-1", ErrorCode.OUT_OF_RANGE),
        (7.25, ErrorCode.BAD_PRECISION),
        ("8,25", ErrorCode.BAD_PRECISION),
        (Decimal("6.05"), ErrorCode.BAD_PRECISION),
        (0.05, ErrorCode.BAD_PRECISION),
        (True, ErrorCode.BAD_INPUT),
        (False, ErrorCode.BAD_INPUT),
        ("tám", ErrorCode.BAD_INPUT),
        ("", ErrorCode.BAD_INPUT),
        ([7], ErrorCode.BAD_INPUT),
        (float("nan"), ErrorCode.BAD_INPUT),
        (float("inf"), ErrorCode.BAD_INPUT),
    ],
)
def test_rejected_scores_carry_their_code_and_a_vietnamese_message(value, code):
    with pytest.raises(InvalidScore) as caught:
        validate_score(value)
    assert caught.value.code == code
    assert caught.value.message  # Vietnamese text for the UI


def test_primary_test_scores_must_be_integers():
    assert validate_score(9, integer_only=True) == Decimal("9.0")
    assert validate_score(9.0, integer_only=True) == Decimal("9.0")
    with pytest.raises(InvalidScore) as caught:
        validate_score(8.5, integer_only=True)
    assert caught.value.code == ErrorCode.BAD_PRECISION
    with pytest.raises(InvalidScore) as caught:
        validate_score(11, integer_only=True)
    assert caught.value.code == ErrorCode.OUT_OF_RANGE


def test_validate_score_returns_a_one_decimal_decimal():
    assert validate_score("7,5") == Decimal("7.5")
    assert str(validate_score(8)) == "8.0"


def test_display_uses_a_decimal_comma():
    assert format_score(8.3) == "8,3"
    assert format_score(8) == "8,0"
    assert format_score("10") == "10,0"


@given(tenths)
def test_every_one_decimal_score_round_trips_whatever_its_spelling(t):
    text = f"{t // 10}.{t % 10}"
    assert parse_tenths(as_json_number(t)) == t
    assert parse_tenths(text) == t
    assert parse_tenths(text.replace(".", ",")) == t
    assert parse_tenths(Decimal(text)) == t


# ----------------------------------------------------------------------------- averages


def test_term_average_worked_example_from_the_circular():
    # tx 6; 8; 7,5  gk 5  ck 10 → (21,5 + 10 + 30) / 8 = 7,6875 → 7,7
    assert term_average([6, 8, 7.5], 5, 10) == Decimal("7.7")


def test_half_up_on_exact_decimals_8_25_gives_8_3():
    assert round(8.25, 1) == 8.2  # the binary-float trap being avoided
    assert divide_half_up(330, 4) == 83  # 82,5 tenths = 8,25 → 8,3
    assert divide_half_up(329, 4) == 82  # 8,225 → 8,2
    # tx {8, 8, 8, 8.5, 8.5} gk 8 ck 8.5 → 82,5 / 10 = 8,25 exactly → 8,3
    assert term_average([8, 8, 8, 8.5, 8.5], 8, 8.5) == Decimal("8.3")
    # tx {6, 6, 6} gk 6 ck 6.5 → 49,5 / 8 = 6,1875 → 6,2
    assert term_average([6, 6, 6], 6, 6.5) == Decimal("6.2")
    # tx {8, 8, 8, 9} gk 8 ck 8.5 → 74,5 / 9 = 8,277… → 8,3 ; tx {8, 9, 9} gk 7 ck 8.5 → 8,1875 → 8,2
    assert term_average([8, 8, 8, 9], 8, 8.5) == Decimal("8.3")
    assert term_average([8, 9, 9], 7, 8.5) == Decimal("8.2")
    # 7,25 exactly: tx {7, 7, 7, 7.5, 7.5} gk 7 ck 7.5 → 72,5 / 10 → 7,3
    assert term_average([7, 7, 7, 7.5, 7.5], 7, 7.5) == Decimal("7.3")


def test_term_average_is_none_when_a_periodic_score_or_regular_results_are_missing():
    assert term_average([8, 8, 8], None, 8) is None
    assert term_average([8, 8, 8], 8, None) is None
    assert term_average([8, 8], 8, 8, required=3) is None
    assert term_average([8, 8, 8], 8, 8, required=3) == Decimal("8.0")
    assert term_average([8, 8, 8, 8, 9], 8, 8, required=3) == Decimal("8.1")  # more is allowed


def test_year_average_uses_the_rounded_term_averages():
    # HK I 6,5 and HK II 7,25 would be 7,0 unrounded; with HK II rounded to 7,3: (6,5+14,6)/3 = 7,0333
    assert year_average(6.5, 7.3) == Decimal("7.0")
    # (7,0 + 2·8,0) / 3 = 7,666… → 7,7
    assert year_average(7, 8) == Decimal("7.7")
    # (8,0 + 2·8,1) / 3 = 8,0666… → 8,1 (the TOAN example)
    assert year_average(8.0, 8.1) == Decimal("8.1")
    # exact ,x5: (8,5 + 2·8,0)/3 = 8,1666 → 8,2 ; (6,4 + 2·6,4)/3 = 6,4
    assert year_average(6.4, 6.4) == Decimal("6.4")
    assert year_average(None, 8) is None


def reference_term_average(regular: list[int], midterm: int, final: int) -> Decimal:
    """The circular's formula in plain Decimal arithmetic (the oracle)."""
    total = sum(Decimal(t) / 10 for t in regular) + 2 * Decimal(midterm) / 10
    total += 3 * Decimal(final) / 10
    return (total / (len(regular) + 5)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@given(st.lists(tenths, min_size=1, max_size=8), tenths, tenths)
def test_term_average_equals_decimal_arithmetic_and_lies_between_the_inputs(regular, mid, final):
    got = term_average(
        [as_json_number(t) for t in regular], as_json_number(mid), as_json_number(final)
    )
    assert got == reference_term_average(regular, mid, final)
    values = [*regular, mid, final]
    assert Decimal(min(values)) / 10 <= got <= Decimal(max(values)) / 10


@given(tenths, tenths)
def test_year_average_equals_decimal_arithmetic_and_lies_between_the_terms(t1, t2):
    expected = ((Decimal(t1) + 2 * Decimal(t2)) / 30).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert year_average_tenths(t1, t2) == int(expected * 10)
    assert min(t1, t2) <= year_average_tenths(t1, t2) <= max(t1, t2)


@given(st.lists(tenths, min_size=3, max_size=6), tenths, tenths, st.data())
def test_raising_one_score_never_lowers_the_term_average(regular, mid, final, data):
    before = term_average(regular and [as_json_number(t) for t in regular], mid / 10, final / 10)
    index = data.draw(st.integers(min_value=0, max_value=len(regular) + 1))
    raised = list(regular)
    if index < len(regular):
        raised[index] = min(100, raised[index] + data.draw(st.integers(1, 100)))
        after = term_average([as_json_number(t) for t in raised], mid / 10, final / 10)
    elif index == len(regular):
        after = term_average(
            [as_json_number(t) for t in raised], min(100, mid + 5) / 10, final / 10
        )
    else:
        after = term_average(
            [as_json_number(t) for t in raised], mid / 10, min(100, final + 5) / 10
        )
    assert after >= before
