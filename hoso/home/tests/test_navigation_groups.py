"""The top menu groups its entries: a principal sees a handful of menus, not two dozen links.

GIVEN the small school, WHEN the principal and a subject teacher open a page, THEN entries are
grouped by area (a group with a single visible entry is a plain link), the group holding the
current page is marked, and nobody sees an entry its role does not allow."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def menu(client, world, who, path="/"):
    client.force_login(world.users[who])
    return client.get(path).context["nav_items"]


def test_the_principal_gets_grouped_menus(client, world):
    items = menu(client, world, "principal", reverse("gradebook:results_index"))
    labels = [i["label"] for i in items]
    assert labels[0] == "Trang chủ"
    assert {"Lớp & học sinh", "Sổ điểm", "Hồ sơ", "Học bạ & ký số", "Quản trị"} <= set(labels)
    assert len(items) <= 8
    gradebook = next(i for i in items if i["label"] == "Sổ điểm")
    assert gradebook["active"] and [c["label"] for c in gradebook["children"]][:2] == [
        "Sổ điểm",
        "Sửa điểm",
    ]
    assert any(c["active"] for c in gradebook["children"])
    admin = next(i for i in items if i["label"] == "Quản trị")
    assert "Nhật ký" in [c["label"] for c in admin["children"]]


def test_a_teacher_sees_no_administration_and_the_page_renders_menus(client, world):
    items = menu(client, world, "subject")
    labels = [i["label"] for i in items]
    assert "Quản trị" not in labels
    html = client.get("/").content.decode()
    assert '<details class="nav-group"' in html and "Sổ điểm" in html
    assert "Nhật ký" not in html


def test_a_parent_gets_plain_links(client, world):
    for item in menu(client, world, "parent"):
        assert "children" not in item or len(item["children"]) > 1
