"""Scores as integer tenths: parsing, validation, exact ROUND_HALF_UP averages.

A score 0–10 with at most one decimal is held as an ``int`` number of tenths (7,5 → 75). Every
average is a ratio of integers rounded half up with integer arithmetic, so the result is exactly
what decimal arithmetic gives (8,25 → 8,3), never what binary floats give (``round(8.25, 1)`` is
8.2). Inputs arrive as JSON numbers (``7``, ``7.5``), strings (``"7.5"``, ``"7,5"``) or
``Decimal``; they are converted through their decimal text, never through float arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from .errors import ErrorCode, InvalidScore

MAX_TENTHS = 100

# Marker returned by the fast table for values that need the careful path. It is so negative that
# any sum containing it is negative, so one comparison checks a whole term.
NEEDS_CHECK = -(10**9)


def _build_table() -> dict[object, int]:
    table: dict[object, int] = {}
    for tenths in range(MAX_TENTHS + 1):
        whole, frac = divmod(tenths, 10)
        text = f"{whole}.{frac}"
        # float(text) is the double JSON gives for that text; an int equal to it hashes the same.
        table[float(text)] = tenths
        table[text] = tenths
        table[f"{whole},{frac}"] = tenths
        if frac == 0:
            table[str(whole)] = tenths
    # 0 and 1 compare equal to False and True: let the careful path reject booleans.
    table[0] = NEEDS_CHECK
    table[1] = NEEDS_CHECK
    return table


#: value → tenths for every valid score written the usual ways (fast path; misses go careful path).
TENTHS = _build_table()
tenths_or_check = TENTHS.__getitem__

_NUMBER_TEXT = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_TEN = Decimal(10)


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise InvalidScore(ErrorCode.BAD_INPUT, f"{value!r} không phải là điểm số.")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # repr() gives the shortest text that reads back as this double: the number as written.
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if not _NUMBER_TEXT.fullmatch(text):
            raise InvalidScore(ErrorCode.BAD_INPUT, f"“{value}” không phải là điểm số.")
        number = Decimal(text.replace(",", "."))
    else:
        raise InvalidScore(ErrorCode.BAD_INPUT, f"{value!r} không phải là điểm số.")
    if not number.is_finite():
        raise InvalidScore(ErrorCode.BAD_INPUT, f"{value!r} không phải là điểm số.")
    return number


def parse_tenths(value: object, *, integer_only: bool = False) -> int:
    """Return the score in tenths, or raise :class:`InvalidScore` with its code.

    ``integer_only`` is for primary periodic tests (TT27: integers 0–10).
    """
    if not integer_only:
        try:
            tenths = TENTHS[value]
        except (KeyError, TypeError):
            pass
        else:
            if tenths >= 0:
                return tenths
    try:
        number = _to_decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid text
        raise InvalidScore(ErrorCode.BAD_INPUT, f"{value!r} không phải là điểm số.") from None
    shown = format_decimal(number)
    if number < 0 or number > _TEN:
        raise InvalidScore(ErrorCode.OUT_OF_RANGE, f"Điểm {shown} nằm ngoài thang điểm 0–10.")
    scaled = number * _TEN
    if scaled != scaled.to_integral_value():
        raise InvalidScore(
            ErrorCode.BAD_PRECISION,
            f"Điểm {shown} có quá một chữ số thập phân (chỉ lấy đến một chữ số thập phân).",
        )
    if integer_only and number != number.to_integral_value():
        raise InvalidScore(
            ErrorCode.BAD_PRECISION,
            f"Điểm bài kiểm tra định kì {shown} phải là số nguyên từ 0 đến 10.",
        )
    return int(scaled)


def validate_score(value: object, *, integer_only: bool = False) -> Decimal:
    """Check one score as the grade book receives it; return it as a one-decimal ``Decimal``.

    Accepts ``7``, ``7.5``, ``"7.5"``, ``"7,5"``, ``Decimal("7.5")``. Raises :class:`InvalidScore`
    whose ``code`` is ``OUT_OF_RANGE``, ``BAD_PRECISION`` or ``BAD_INPUT``.
    """
    return tenths_to_decimal(parse_tenths(value, integer_only=integer_only))


def divide_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, for non-negative integers (exact)."""
    return (2 * numerator + denominator) // (2 * denominator)


def term_average_tenths(regular_sum: int, regular_count: int, midterm: int, final: int) -> int:
    """ĐTBmhk = (ΣĐĐGtx + 2·ĐĐGgk + 3·ĐĐGck) / (số ĐĐGtx + 5), in tenths, one decimal half up."""
    return divide_half_up(regular_sum + 2 * midterm + 3 * final, regular_count + 5)


def year_average_tenths(term1: int, term2: int) -> int:
    """ĐTBmcn = (ĐTBmhkI + 2·ĐTBmhkII) / 3 from the *rounded* term averages, in tenths."""
    return (2 * (term1 + 2 * term2) + 3) // 6


def tenths_to_decimal(tenths: int) -> Decimal:
    """75 → Decimal("7.5"); 80 → Decimal("8.0")."""
    return Decimal(tenths).scaleb(-1)


def term_average(
    regular: Iterable[object],
    midterm: object,
    final: object,
    *,
    required: int | None = None,
) -> Decimal | None:
    """Term average (ĐTBmhk) of one score subject as a one-decimal ``Decimal``.

    Returns ``None`` when the mid-term or end-of-term score is missing, or when fewer than
    ``required`` regular scores are given. Invalid scores raise :class:`InvalidScore`.

    >>> term_average([6, 8, "7,5"], 5, 10)
    Decimal('7.7')
    """
    values = [parse_tenths(v) for v in regular if v is not None]
    if midterm is None or final is None or (required is not None and len(values) < required):
        return None
    return tenths_to_decimal(
        term_average_tenths(sum(values), len(values), parse_tenths(midterm), parse_tenths(final))
    )


def year_average(term1: object, term2: object) -> Decimal | None:
    """Year average (ĐTBmcn) from the two rounded term averages; ``None`` if one is missing."""
    if term1 is None or term2 is None:
        return None
    return tenths_to_decimal(year_average_tenths(parse_tenths(term1), parse_tenths(term2)))


def format_tenths(tenths: int) -> str:
    """Vietnamese display with a decimal comma: 83 → "8,3", 80 → "8,0"."""
    return f"{tenths // 10},{tenths % 10}"


def format_decimal(number: Decimal) -> str:
    """Vietnamese display of any decimal (used in messages): Decimal("7.25") → "7,25"."""
    return format(number, "f").replace(".", ",")


def format_score(value: Decimal | int | float | str) -> str:
    """Display a valid score with one decimal and a comma: 8.3 → "8,3", 8 → "8,0"."""
    return format_tenths(parse_tenths(value))
