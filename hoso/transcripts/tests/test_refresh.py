"""GIVEN transcripts at some point of the chain WHEN their data changes (a correction) THEN a
draft or partly signed version is superseded, a new version is drafted and exactly the people
who had signed are asked again; an issued one is only flagged, never changed."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hoso.audit.models import AuditEvent
from hoso.notifications.models import Notification
from hoso.transcripts import actions
from hoso.transcripts.models import Transcript
from hoso.transcripts.tests.conftest import PASSWORD
from hoso.transcripts.tests.helpers import issue_class

pytestmark = pytest.mark.django_db


def change_data(student) -> None:
    """A change the transcript prints (the place of birth)."""
    student.birth_place = "Hà Nội"
    student.save(update_fields=["birth_place"])


def resign_notes():
    return Notification.objects.filter(kind="transcript_resign")


def test_unchanged_data_changes_nothing(world, signers):
    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    result = actions.transcripts_refresh(year=world.year)
    assert result.unchanged == 1 and not result.created and not result.superseded
    assert Transcript.objects.count() == 1


def test_changed_draft_is_superseded_and_nobody_is_asked_again(world, signers):
    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    old = Transcript.objects.get()
    change_data(world.student_a)
    result = actions.transcripts_refresh(year=world.year)
    old.refresh_from_db()
    assert old.state == "superseded"
    new = Transcript.objects.get(state="draft")
    assert new.version == 2 and new.supersedes == old and new.code != old.code
    assert new.data["student"]["birth_place"] == "Hà Nội"
    assert result.superseded == [old]
    assert not resign_notes().exists()  # nobody had signed yet


def test_changed_after_homeroom_signature_asks_only_the_homeroom_teacher(world, signers):
    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    actions.transcripts_homeroom_sign(
        actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
    )
    old = Transcript.objects.get()
    change_data(world.student_a)
    actions.transcripts_refresh(year=world.year)
    old.refresh_from_db()
    assert old.state == "superseded"
    assert old.revisions.filter(kind="homeroom").exists()  # the old signed version is kept
    assert set(resign_notes().values_list("user", flat=True)) == {world.users["homeroom"].pk}


def test_changed_after_principal_signature_asks_all_three_in_turn(world, signers):
    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    actions.transcripts_homeroom_sign(
        actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
    )
    actions.transcripts_check(actor=a("vice"), school_class=world.class_a, approve=True)
    actions.transcripts_principal_sign(
        actor=a("principal"), school_class=world.class_a, secret=PASSWORD
    )
    change_data(world.student_a)
    actions.transcripts_refresh(year=world.year)
    assert set(resign_notes().values_list("user", flat=True)) == {
        world.users["homeroom"].pk,
        world.users["vice"].pk,
        world.users["principal"].pk,
    }
    assert not resign_notes().filter(user=world.users["clerk"]).exists()
    new = Transcript.objects.get(state="draft")
    assert new.revisions.count() == 1  # a fresh unsigned draft


def test_issued_transcript_is_flagged_never_changed(world, signers):
    t = issue_class(world)[0]
    sha, data = t.pdf_sha256, t.data
    change_data(world.student_a)
    result = actions.transcripts_refresh(year=world.year)
    t.refresh_from_db()
    assert result.flagged == [t]
    assert t.state == "issued" and t.pdf_sha256 == sha and t.data == data
    assert t.stale_since is not None
    assert Transcript.objects.count() == 1
    notes = Notification.objects.filter(kind="transcript_stale")
    assert set(notes.values_list("user", flat=True)) == {
        world.users["clerk"].pk,
        world.users["principal"].pk,
    }
    assert "cần thu hồi và cấp lại" in notes.first().text
    assert AuditEvent.objects.filter(event_type="transcript.data_changed").count() == 1
    # A second run does not repeat the flag or the notifications.
    actions.transcripts_refresh(year=world.year)
    assert AuditEvent.objects.filter(event_type="transcript.data_changed").count() == 1
    assert notes.count() == 2


def test_signing_a_stale_draft_redrafts_it_first(world, signers):
    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    change_data(world.student_a)
    result = actions.transcripts_homeroom_sign(
        actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
    )
    assert len(result.refreshed.superseded) == 1
    signed = Transcript.objects.get(state="homeroom_signed")
    assert signed.version == 2 and signed.data["student"]["birth_place"] == "Hà Nội"


def test_grade_book_hook_refreshes_after_commit(world, signers, django_capture_on_commit_callbacks):
    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    change_data(world.student_a)
    with django_capture_on_commit_callbacks(execute=True):
        actions.transcripts_on_results_changed(year=world.year, student_ids=[world.student_a.pk])
    assert Transcript.objects.filter(state="superseded").count() == 1
    assert Transcript.objects.filter(state="draft", version=2).count() == 1


def test_management_command(world, signers, capsys):
    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    change_data(world.student_a)
    call_command("transcripts_refresh", school=world.school.code)
    out = capsys.readouterr().out
    assert "thay thế 1" in out
