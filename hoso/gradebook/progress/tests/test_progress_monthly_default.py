"""Which month the monthly check is about by default: the month just ended.

GIVEN the small school (year 2026-2027 from 5 September 2026 to the end of May 2027), WHEN a
leader opens the monthly-check page on a given day, THEN the month field holds the month just
ended (the first month itself while none has ended, the year's last month after the year), and
the picker still goes up to the current month."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from hoso.gradebook.progress.selectors import default_check_month


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 20), date(2026, 10, 1)),  # in the middle of term I: October
        (date(2026, 12, 1), date(2026, 11, 1)),  # the first day of a month: the one just ended
        (date(2027, 1, 3), date(2026, 12, 1)),  # across the new year
        (date(2026, 9, 10), date(2026, 9, 1)),  # the year's first month: none ended yet
        (date(2026, 8, 20), date(2026, 9, 1)),  # before the year: its first month
        (date(2027, 7, 15), None),  # after the year: its last month
    ],
)
def test_default_is_the_month_just_ended(world, today, expected):
    year = world.year
    expected = expected or year.end_date.replace(day=1)
    assert default_check_month(year, today=today) == expected


@pytest.mark.django_db
@pytest.mark.clock("2026-11-20")
def test_the_page_proposes_last_month_and_offers_this_one(client, world):
    client.force_login(world.users["vice"])
    html = client.get(reverse("gradebook:monthly_checks")).content.decode()
    assert 'value="2026-10"' in html
    assert 'min="2026-09"' in html and 'max="2026-11"' in html  # the current month stays open


@pytest.mark.django_db
@pytest.mark.clock("2026-09-15")
def test_in_the_first_month_the_page_proposes_that_month(client, world):
    client.force_login(world.users["vice"])
    html = client.get(reverse("gradebook:monthly_checks")).content.decode()
    assert 'value="2026-09"' in html and 'max="2026-09"' in html
