"""The department head's home page links to its department's grade-entry progress.

GIVEN the small school (the Maths department headed by ``dept_head``, with ``deputy`` as its
deputy), WHEN people open the home page, THEN the head sees "Tiến độ nhập điểm — <tổ>" pointing
at the progress board filtered to its department, the board opens on that department only, and
people who head no department (or only deputise without a delegation) see no such link."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hoso.organisation.models import Department

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-20")]


def home(client, world, who) -> str:
    client.force_login(world.users[who])
    return client.get(reverse("home:index")).content.decode()


def test_the_head_sees_its_department_progress(client, world):
    maths = Department.objects.get(school=world.school, head=world.people["dept_head"])
    page = home(client, world, "dept_head")
    url = f"{reverse('gradebook:progress')}?to={maths.pk}"
    assert f"Tiến độ nhập điểm — {maths.name}" in page
    assert f'href="{url}"' in page
    board = client.get(url)
    assert board.status_code == 200
    rows = board.context["board"].rows
    assert rows and {row.teacher.department_id for row in rows} == {maths.pk}


@pytest.mark.parametrize("who", ["subject", "homeroom", "deputy", "clerk"])
def test_others_see_no_department_progress_link(client, world, who):
    assert "Tiến độ nhập điểm —" not in home(client, world, who)
