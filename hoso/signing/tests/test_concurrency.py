"""Concurrent writers on PostgreSQL: two prepares draft one version; two signing requests for the
same turn apply one signature (row lock), the other is told it is already signed."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from hoso.core.errors import DomainError
from hoso.signing.models import DocumentState, SignatureEvent, SignedDocument
from hoso.signing.testpki import DEMO_PASSWORD

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks are only meaningful on PostgreSQL (run with DATABASE_URL=postgres://…)",
    ),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _race(fn, n=2):
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # collected for the assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def sheet_spec(world):
    from hoso.gradebook.tests.results_helpers import fill_all, rich_school, sign_all
    from hoso.signing.books import grade_sheet_spec

    rich = rich_school(world)
    fill_all(rich, world.student_a, 8, terms=(1,))
    sign_all(rich, terms=(1,))
    return grade_sheet_spec(world.class_a, world.math, world.term1)


def test_two_concurrent_prepares_draft_one_version(sheet_spec):
    from hoso.signing.documents import document_prepare

    results = _race(lambda: document_prepare(spec=sheet_spec).pk)
    assert all(isinstance(r, int) for r in results), results
    assert results[0] == results[1]
    assert SignedDocument.objects.count() == 1


def test_two_concurrent_signatures_of_one_turn_apply_once(
    world, sheet_spec, trusted, p12_credential
):
    from hoso.signing.documents import document_prepare, document_sign

    p12_credential(world.users["subject"], world.people["subject"].full_name)
    doc = document_prepare(spec=sheet_spec)
    actor = world.actor("subject")
    results = _race(lambda: document_sign(actor=actor, document=doc, secret=DEMO_PASSWORD).state)
    ok = [r for r in results if r == DocumentState.SIGNED]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(ok) == 1 and len(refused) == 1, results
    assert refused[0].code == "signing.already_signed"
    assert SignatureEvent.objects.filter(document=doc).count() == 1
