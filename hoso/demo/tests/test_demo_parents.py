"""The demo parent has something to see on its child's page on any day of the school year."""

from __future__ import annotations

from datetime import date

import pytest

from hoso.core import clock

DAYS = ("2026-09-03", "2026-11-20", "2027-03-10")


@pytest.mark.parametrize(
    "day", [pytest.param(d, marks=pytest.mark.clock(f"{d}T18:00:00")) for d in DAYS]
)
@pytest.mark.django_db
def test_the_demo_parent_sees_its_child(client, day):
    """GIVEN the lower-secondary demo seeded on ``day``
    WHEN the demo parent opens its child's page
    THEN 200, and it shows published scores (finalised columns, from the first weeks) or coming
    tests (before anything is entered); no column is finalised after the day."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from hoso.demo.actions import demo_seed
    from hoso.gradebook.entry.models import SheetColumn
    from hoso.parents.child.models import PublicationSettings
    from hoso.students.models import StudentGuardian

    assert clock.today() == date.fromisoformat(day)
    demo_seed(codes=("THCS-NT",))
    user = get_user_model().objects.get(username="phuhuynh")
    child = StudentGuardian.objects.filter(guardian__user=user).first().student
    assert PublicationSettings.objects.get(school__code="THCS-NT").mode == "columns"
    assert not SheetColumn.objects.filter(finalised_at__gt=clock.now()).exists()
    client.force_login(user)
    response = client.get(reverse("parents:child", args=[child.pk]))
    assert response.status_code == 200
    page = response.context["page"]
    shown = page.published.subjects_shown
    if day == "2026-09-03":
        assert page.published.upcoming
    else:
        assert shown
        assert any("," in c.value for s in shown for t in s.terms for c in t.cells)
