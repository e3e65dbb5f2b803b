"""Concurrent writers on PostgreSQL: two people drafting the same class, two clerks issuing the
same class at once. Row locks and the one-living-version constraint keep one result."""

from __future__ import annotations

import pytest
from django.db import connection

from hoso.core.errors import DomainError
from hoso.testing.concurrency import race
from hoso.transcripts import actions
from hoso.transcripts.errors import TranscriptError
from hoso.transcripts.models import Transcript, TranscriptRevision
from hoso.transcripts.tests.conftest import PASSWORD
from hoso.transcripts.tests.helpers import add_students

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are a PostgreSQL matter")


def test_two_drafters_make_one_living_version_per_student(world, signers):
    add_students(world, 4)
    outcomes = race(
        lambda: actions.transcripts_draft_class(
            actor=world.actor("homeroom"), school_class=world.class_a
        ),
        lambda: actions.transcripts_draft_class(
            actor=world.actor("clerk"), school_class=world.class_a
        ),
    )
    assert not [o for o in outcomes if isinstance(o, BaseException)], outcomes
    assert Transcript.objects.count() == 5
    assert sum(len(o.created) for o in outcomes) == 5


def test_two_clerks_issuing_at_once_seal_each_transcript_once(world, signers):
    add_students(world, 3)
    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    actions.transcripts_homeroom_sign(
        actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
    )
    actions.transcripts_check(actor=a("vice"), school_class=world.class_a, approve=True)
    actions.transcripts_principal_sign(
        actor=a("principal"), school_class=world.class_a, secret=PASSWORD
    )
    issue = lambda: actions.transcripts_issue(  # noqa: E731
        actor=a("clerk"), school_class=world.class_a, secret=PASSWORD
    )
    outcomes = race(issue, issue)
    for o in outcomes:
        if isinstance(o, DomainError):
            assert o.code == TranscriptError.NOTHING_TO_DO
        else:
            assert not isinstance(o, BaseException), o
    signed = sum(len(o.signed) for o in outcomes if not isinstance(o, BaseException))
    assert signed == 4
    assert Transcript.objects.filter(state="issued").count() == 4
    assert TranscriptRevision.objects.filter(kind="seal").count() == 4
