"""The enrolment register page (sổ đăng bộ) a page at a time: the numbers are the register's."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hoso.students import selectors
from hoso.students.models import RegisterEntry
from hoso.testing.factories import make_student


@pytest.fixture
def register(client, world, monkeypatch):
    """GIVEN a school whose register holds seven students, three lines a page."""
    monkeypatch.setattr(selectors, "REGISTER_PER_PAGE", 3)
    for name in ("Lê Văn Chí", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang", "Đỗ Văn Hải"):
        make_student(world.school, world.class_a, name)
        if RegisterEntry.objects.filter(school=world.school).count() == 7:
            break
    numbers = list(
        RegisterEntry.objects.filter(school=world.school)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert len(numbers) == 7
    client.force_login(world.users["clerk"])
    return numbers


def _numbers(body: str) -> list[int]:
    table = body.split('data-testid="register"', 1)[1].split("</table>", 1)[0]
    return [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', table)]


def test_page_two_goes_on_with_the_next_numbers(client, register):
    url = reverse("students:register")
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert _numbers(first) == register[:3]
    assert _numbers(second) == register[3:6]  # the register's numbers, not 1, 2, 3 again
    assert "Trang 2/3" in second
    assert 'href="?page=3"' in second and 'href="?page=1"' in second


def test_page_links_keep_the_other_parameters(client, register):
    body = client.get(reverse("students:register"), {"page": 2, "q": "Chí"}).content.decode()
    assert 'href="?page=3&amp;q=Ch%C3%AD"' in body


def test_a_page_past_the_last_answers_the_last_page(client, register):
    url = reverse("students:register")
    for page in ("99", "-1"):
        body = client.get(url, {"page": page}).content.decode()
        assert _numbers(body) == register[6:]
        assert "Trang 3/3" in body
    assert _numbers(client.get(url, {"page": "abc"}).content.decode()) == register[:3]


def test_one_page_has_no_page_links(client, world):
    client.force_login(world.users["clerk"])
    body = client.get(reverse("students:register")).content.decode()
    assert 'data-testid="register-pages"' not in body
