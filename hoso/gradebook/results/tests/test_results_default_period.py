"""Which period the class results page opens on: the one in progress by the school's calendar.

GIVEN the small school (term I from 5 September 2026 to 16 January 2027, term II from 18 January
2027), WHEN the homeroom teacher opens the class results without picking a period, THEN the page
opens on term I until term I's end, on term II until term II's end, on the year after it; a
picked period is kept; a rule set without a term II result goes from term I to the year."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from hoso.gradebook.results.compute import TERM1, TERM2, YEAR, period_in_progress


def open_results(client, world, period=None):
    client.force_login(world.users["homeroom"])
    if period:
        url = reverse("gradebook:results_class_period", args=[world.class_a.pk, period])
    else:
        url = reverse("gradebook:results_class", args=[world.class_a.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
@pytest.mark.clock("2026-11-20")
def test_in_the_middle_of_term_one_the_page_opens_on_term_one(client, world):
    response = open_results(client, world)
    assert response.context["period"] == TERM1
    assert 'aria-current="page">Học kỳ I' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.clock("2026-11-20")
def test_a_picked_period_is_kept(client, world):
    assert open_results(client, world, YEAR).context["period"] == YEAR


@pytest.mark.django_db
def test_the_period_follows_the_terms_ends(world):
    term1, term2 = world.term1, world.year.terms.get(number=2)
    periods = [TERM1, TERM2, YEAR]
    days = {
        world.year.start_date - timedelta(days=10): TERM1,  # before the year
        term1.end_date: TERM1,  # term I's last day
        term1.end_date + timedelta(days=1): TERM2,
        term2.end_date: TERM2,
        term2.end_date + timedelta(days=1): YEAR,
    }
    for day, expected in days.items():
        assert period_in_progress(world.class_a, periods, today=day) == expected, day
    # primary (TT27/2020): term I then the year
    assert period_in_progress(world.class_a, [TERM1, YEAR], today=term1.end_date) == TERM1
    after = term1.end_date + timedelta(days=1)
    assert period_in_progress(world.class_a, [TERM1, YEAR], today=after) == YEAR
    assert date(2027, 1, 17) == after  # the calendar the test is written for
