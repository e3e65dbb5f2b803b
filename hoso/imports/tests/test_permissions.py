"""Who reaches the import pages, per role of the small school (6A1; math taught by "subject"),
and the pages' queries do not grow with the uploads they list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hoso.imports.models import ImportBatch

pytestmark = [pytest.mark.django_db]

# role → (class-list start page, grade-sheet start page, grade-sheet template)
# 404: cannot see the class or the sheet; 403: sees it but may not import.
MATRIX = {
    "principal": (403, 403, 200),
    "vice": (200, 403, 200),
    "dept_head": (403, 403, 200),
    "deputy": (404, 404, 404),
    "homeroom": (200, 403, 200),
    "subject": (403, 200, 200),
    "clerk": (200, 403, 200),
    "accountant": (404, 404, 404),
    "admin": (403, 403, 200),
    "medical": (403, 404, 404),
    "librarian": (404, 404, 404),
    "doi": (403, 404, 404),
    "outsider": (404, 404, 404),
    "parent": (404, 404, 404),
    "inspector": (403, 403, 200),
}


def _pages(w) -> tuple[str, str, str]:
    sheet = {"class_id": w.class_a.pk, "subject_id": w.math.pk, "term_id": w.term1.pk}
    return (
        reverse("students:import_start", kwargs={"class_id": w.class_a.pk}),
        reverse("gradebook:excel_start", kwargs=sheet),
        reverse("gradebook:excel_template", kwargs=sheet),
    )


def test_every_role_reaches_the_import_pages_as_its_policy_says(client, world):
    assert set(MATRIX) == set(world.users)
    pages = _pages(world)
    for who, expected in MATRIX.items():
        client.force_login(world.users[who])
        got = tuple(client.get(url).status_code for url in pages)
        assert got == expected, who


def _batches(w, kind: str, scope: dict, user, count: int) -> None:
    for n in range(count):
        ImportBatch.objects.create(
            kind=kind,
            school=w.school,
            scope=scope,
            scope_key=";".join(f"{k}={scope[k]}" for k in sorted(scope)),
            uploaded_by=user,
            filename=f"tep-{n}.xlsx",
            state=ImportBatch.State.COMMITTED,
            result={"count": 1},
        )


@pytest.mark.parametrize("who, page", [("homeroom", 0), ("subject", 1)])
def test_the_start_page_lists_recent_uploads_in_a_fixed_number_of_queries(client, world, who, page):
    url = _pages(world)[page]
    kind, scope = ("students", {"class_id": world.class_a.pk})
    if page == 1:
        kind = "grades"
        scope = {
            "class_id": world.class_a.pk,
            "subject_id": world.math.pk,
            "term_id": world.term1.pk,
        }
    client.force_login(world.users[who])
    _batches(world, kind, scope, world.users[who], 1)
    client.get(url)  # warm the session and the actor
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _batches(world, kind, scope, world.users["clerk"], 9)
    with CaptureQueriesContext(connection) as ten:
        response = client.get(url)
    assert response.content.decode().count("tep-") == 10
    assert len(ten) == len(one)


def test_a_batch_is_listed_only_on_its_own_page(client, world):
    _batches(world, "students", {"class_id": world.class_b.pk}, world.users["clerk"], 1)
    client.force_login(world.users["clerk"])
    page = client.get(reverse("students:import_start", kwargs={"class_id": world.class_a.pk}))
    assert "tep-0" not in page.content.decode()
