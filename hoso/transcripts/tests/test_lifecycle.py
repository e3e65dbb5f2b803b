"""GIVEN a class with signing credentials WHEN the transcripts go through the whole chain THEN
each step leaves a signed revision, the issued PDF is PDF/A-3b with the JSON embedded, its three
signatures validate against the test CA, and every transition is audited."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile

import pytest
from pypdf import PdfReader

from hoso.audit.labels import EVENT_LABELS
from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.signing.services import validate_pdf
from hoso.transcripts import actions, engines
from hoso.transcripts.errors import TranscriptError
from hoso.transcripts.models import Transcript, TranscriptEvent, TranscriptRevision
from hoso.transcripts.tests.conftest import PASSWORD, approve_results
from hoso.transcripts.tests.helpers import add_students, issue_class

pytestmark = pytest.mark.django_db


def test_full_lifecycle_issues_a_signed_pdfa3_with_embedded_json(world, signers):
    issued = issue_class(world)
    assert len(issued) == 1
    t = issued[0]
    assert t.student == world.student_a
    assert t.issued_at is not None and t.issued_by == world.users["clerk"]
    assert t.homeroom_signed_by == world.users["homeroom"]
    assert t.checked_by == world.users["vice"]
    assert t.principal_signed_by == world.users["principal"]
    kinds = list(t.revisions.order_by("seq").values_list("kind", flat=True))
    assert kinds == ["draft", "homeroom", "principal", "seal"]
    pdf = actions.read_pdf(t)
    assert engines.sha256(pdf) == t.pdf_sha256
    # Three signatures, in order, all valid against the trust roots, nothing appended after.
    report = validate_pdf(pdf, school=world.school)
    assert [s.field_name for s in report.signatures] == ["GVCN", "HieuTruong", "NhaTruong"]
    assert report.all_valid and not report.modified_after_last_signature
    # PDF/A-3b (XMP says part 3, conformance B) with the machine-readable JSON attached.
    assert b"<pdfaid:part>3</pdfaid:part>" in pdf
    reader = PdfReader(io.BytesIO(pdf))
    attachments = reader.attachments
    assert list(attachments) == [engines.JSON_NAME]
    embedded = json.loads(attachments[engines.JSON_NAME][0])
    assert embedded == t.data
    assert engines.data_hash(embedded) == t.data_hash
    assert t.ruleset_version
    # Vietnamese marks survive into the text layer.
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "Nguyễn Văn An" in text
    assert t.code in text


def test_every_transition_is_audited_with_a_label_and_kept_in_the_history(world, signers):
    t = issue_class(world)[0]
    kinds = list(TranscriptEvent.objects.filter(transcript=t).values_list("kind", flat=True))
    assert kinds == ["drafted", "homeroom_signed", "checked", "principal_signed", "issued"]
    events = AuditEvent.objects.filter(target_type="transcripts.transcript", target_id=str(t.pk))
    types = list(
        events.filter(event_type__startswith="transcript.")
        .order_by("seq")
        .values_list("event_type", flat=True)
    )
    assert types == [f"transcript.{k}" for k in kinds]
    # The signing service records each signature (hashes before/after) against the transcript.
    assert events.filter(event_type="signing.signature_applied").count() == 3
    for event_type in types:
        assert event_type in EVENT_LABELS
    issued = events.get(event_type="transcript.issued")
    assert issued.before["state"] == "principal_signed" and issued.after["state"] == "issued"
    assert issued.actor_id == world.users["clerk"].pk


def test_batch_signing_signs_the_whole_class_with_one_password(world, signers):
    add_students(world, 6)
    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    result = actions.transcripts_homeroom_sign(
        actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
    )
    assert len(result.signed) == 7 and result.skipped == 0
    assert set(
        Transcript.objects.filter(school_class=world.class_a).values_list("state", flat=True)
    ) == {"homeroom_signed"}
    assert TranscriptRevision.objects.filter(kind="homeroom").count() == 7


def test_wrong_password_keeps_the_state(world, signers):
    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    t = Transcript.objects.get()
    with pytest.raises(DomainError) as caught:
        actions.transcripts_homeroom_sign(
            actor=a("homeroom"), school_class=world.class_a, secret="sai-mat-khau"
        )
    assert caught.value.code == TranscriptError.WRONG_SECRET
    t.refresh_from_db()
    assert t.state == "draft" and t.revisions.count() == 1
    assert not AuditEvent.objects.filter(event_type="transcript.homeroom_signed").exists()


def test_signing_needs_a_credential(world, pki):
    approve_results(world)
    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    with pytest.raises(DomainError) as caught:
        actions.transcripts_homeroom_sign(
            actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
        )
    assert caught.value.code == TranscriptError.NO_CREDENTIAL
    assert Transcript.objects.get().state == "draft"


def test_out_of_order_steps_are_refused(world, signers):
    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    for call, actor in (
        (actions.transcripts_principal_sign, "principal"),
        (actions.transcripts_issue, "clerk"),
    ):
        with pytest.raises(DomainError) as caught:
            call(actor=a(actor), school_class=world.class_a, secret=PASSWORD)
        assert caught.value.code == TranscriptError.NOTHING_TO_DO
    with pytest.raises(DomainError) as caught:
        actions.transcripts_check(actor=a("vice"), school_class=world.class_a, approve=True)
    assert caught.value.code == TranscriptError.NOTHING_TO_DO


def test_vice_principal_sends_back_with_a_comment(world, signers):
    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    actions.transcripts_homeroom_sign(
        actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
    )
    with pytest.raises(DomainError) as caught:
        actions.transcripts_check(actor=a("vice"), school_class=world.class_a, approve=False)
    assert caught.value.code == TranscriptError.COMMENT_REQUIRED
    actions.transcripts_check(
        actor=a("vice"),
        school_class=world.class_a,
        approve=False,
        comment="Nhận xét của GVCN còn thiếu dấu",
    )
    t = Transcript.objects.get()
    assert t.state == "draft" and t.homeroom_signed_by is None
    draft = t.revisions.get(kind="draft")
    assert t.pdf_sha256 == draft.sha256  # the unsigned draft is current again
    assert t.revisions.filter(kind="homeroom").exists()  # the signed one is kept
    from hoso.notifications.models import Notification

    note = Notification.objects.get(user=world.users["homeroom"], kind="transcript_returned")
    assert "thiếu dấu" in note.text
    # The teacher signs again; the chain continues.
    actions.transcripts_homeroom_sign(
        actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
    )
    assert Transcript.objects.get().state == "homeroom_signed"


def test_issued_transcript_is_immutable_and_revoke_then_reissue_makes_a_new_version(world, signers):
    a = world.actor
    old = issue_class(world)[0]
    # Nothing more can be signed on it.
    with pytest.raises(DomainError):
        actions.transcripts_issue(actor=a("clerk"), school_class=world.class_a, secret=PASSWORD)
    with pytest.raises(DomainError) as caught:
        actions.transcript_revoke(actor=a("clerk"), transcript=old, reason="  ")
    assert caught.value.code == TranscriptError.REASON_REQUIRED
    with pytest.raises(DomainError) as caught:
        actions.transcript_reissue(actor=a("clerk"), transcript=old)
    assert caught.value.code == TranscriptError.NOT_REVOKED
    revoked = actions.transcript_revoke(
        actor=a("clerk"), transcript=old, reason="Sai ngày sinh của học sinh"
    )
    assert revoked.state == "revoked" and revoked.revoked_by == world.users["clerk"]
    pdf_before = old.pdf_sha256
    fresh = actions.transcript_reissue(actor=a("clerk"), transcript=revoked)
    revoked.refresh_from_db()
    assert revoked.replaced_by == fresh and fresh.supersedes == revoked
    assert fresh.version == 2 and fresh.code != revoked.code and fresh.state == "draft"
    assert revoked.pdf_sha256 == pdf_before  # the revoked PDF is kept untouched
    with pytest.raises(DomainError) as caught:
        actions.transcript_reissue(actor=a("clerk"), transcript=revoked)
    assert caught.value.code == TranscriptError.ALREADY_REPLACED
    issue_class(world)
    fresh.refresh_from_db()
    assert fresh.state == "issued"


def test_export_zip_holds_the_issued_pdf_and_its_json_and_is_audited(world, signers):
    t = issue_class(world)[0]
    name, blob = actions.transcript_export(actor=world.actor("clerk"), transcript=t)
    assert name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        names = archive.namelist()
        pdf = archive.read(next(n for n in names if n.endswith(".pdf")))
        data = json.loads(archive.read(next(n for n in names if n.endswith(".json"))))
    assert engines.sha256(pdf) == t.pdf_sha256
    assert data == t.data
    assert AuditEvent.objects.filter(event_type="transcript.exported", target_id=str(t.pk)).exists()


def test_export_of_a_draft_is_refused(world, signers):
    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    with pytest.raises(DomainError) as caught:
        actions.transcript_export(actor=world.actor("clerk"), transcript=Transcript.objects.get())
    assert caught.value.code == TranscriptError.NOT_ISSUED


def test_one_living_version_per_student_and_year_is_enforced_by_the_database(world, signers):
    from django.db import IntegrityError, transaction

    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    t = Transcript.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Transcript.objects.create(
            school=t.school,
            year=t.year,
            student=t.student,
            school_class=t.school_class,
            version=2,
            code="ABCD-EFGH",
            data={},
            data_hash="x",
        )


def test_drafting_the_class_after_a_revocation_links_the_new_version(world, signers):
    old = issue_class(world)[0]
    actions.transcript_revoke(actor=world.actor("clerk"), transcript=old, reason="Sai tên")
    result = actions.transcripts_draft_class(
        actor=world.actor("homeroom"), school_class=world.class_a
    )
    fresh = result.created[0]
    old.refresh_from_db()
    assert old.replaced_by == fresh and fresh.supersedes == old and fresh.version == 2


def test_nobody_signs_while_the_results_are_not_approved(world, signers):
    from hoso.gradebook.results.models import ClassResult

    ClassResult.objects.filter(school_class=world.class_a, period="year").update(state="confirmed")
    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    t = Transcript.objects.get()
    assert t.data["pending"] == ["Cả năm"]
    with pytest.raises(DomainError) as caught:
        actions.transcripts_homeroom_sign(
            actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
        )
    assert caught.value.code == TranscriptError.RESULTS_NOT_APPROVED
    assert "cả năm" in caught.value.message
    t.refresh_from_db()
    assert t.state == "draft"


def test_issued_transcript_carries_the_approved_grades(world, signers):
    """With real grade-book results (entered, signed off, confirmed, approved)."""
    from hoso.gradebook.results.models import ClassResult
    from hoso.printing.tests.helpers import approve_year, graded_class

    ClassResult.objects.filter(school_class=world.class_a).delete()  # the real ones instead
    rich, _students = graded_class(world)
    approve_year(world, rich)
    t = issue_class(world)[0]
    assert t.data["pending"] == []
    pdf = actions.read_pdf(t)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "BẢN NHÁP" not in text
    assert "7,5" in text and "Chăm ngoan, tiến bộ rõ ở môn Ngữ văn." in text
    embedded = json.loads(PdfReader(io.BytesIO(pdf)).attachments[engines.JSON_NAME][0])
    assert {r["code"]: r["year"] for r in embedded["subjects"]}["NGU_VAN"] == "7,5"


def test_each_step_tells_the_next_people_in_the_chain(world, signers):
    from hoso.notifications.models import Notification

    issue_class(world)
    notes = Notification.objects.filter(kind="transcript_next")
    by_user = {n.user_id: n.text for n in notes}
    assert set(by_user) == {
        world.users["vice"].pk,
        world.users["principal"].pk,
        world.users["clerk"].pk,
    }
    assert "chờ phó hiệu trưởng kiểm tra" in by_user[world.users["vice"].pk]
    assert "chờ văn thư" in by_user[world.users["clerk"].pk]


def test_after_the_year_closes_only_a_reissue_goes_through_the_chain(world, signers):
    a = world.actor
    old = issue_class(world)[0]
    world.year.is_closed = True
    world.year.save(update_fields=["is_closed"])
    world.class_a.year.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    assert caught.value.code == TranscriptError.YEAR_CLOSED
    actions.transcript_revoke(actor=a("clerk"), transcript=old, reason="Sai ngày sinh")
    fresh = actions.transcript_reissue(actor=a("clerk"), transcript=old)
    issue_class_steps = [
        lambda: actions.transcripts_homeroom_sign(
            actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
        ),
        lambda: actions.transcripts_check(
            actor=a("vice"), school_class=world.class_a, approve=True
        ),
        lambda: actions.transcripts_principal_sign(
            actor=a("principal"), school_class=world.class_a, secret=PASSWORD
        ),
        lambda: actions.transcripts_issue(
            actor=a("clerk"), school_class=world.class_a, secret=PASSWORD
        ),
    ]
    for step in issue_class_steps:
        step()
    fresh.refresh_from_db()
    assert fresh.state == "issued" and fresh.supersedes == old


def test_a_failed_step_leaves_no_orphan_file(world, signers, settings, monkeypatch):
    from pathlib import Path

    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    root = Path(settings.MEDIA_ROOT)
    before = sorted(p.name for p in root.rglob("*.pdf"))

    def broken(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(actions, "_record", broken)
    with pytest.raises(RuntimeError):
        actions.transcripts_homeroom_sign(
            actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
        )
    assert sorted(p.name for p in root.rglob("*.pdf")) == before
    assert Transcript.objects.get().state == "draft"


def test_graduation_export_holds_every_issued_year(world, signers):
    from hoso.organisation.models import SchoolClass
    from hoso.students.models import Enrolment
    from hoso.testing.factories import make_year
    from hoso.transcripts.tests.conftest import approve_results

    first = issue_class(world)[0]
    # The next school year: the student moves up to 7A1, whose transcript is issued too.
    year2 = make_year(world.school, "2027-2028")
    from hoso.organisation.models import GradeLevel

    grade7 = GradeLevel.objects.create(
        school=world.school, number=7, level=world.class_a.grade.level
    )
    class7 = SchoolClass.objects.create(year=year2, grade=grade7, name="7A1")
    Enrolment.objects.create(
        student=world.student_a, year=year2, school_class=class7, start_date=year2.start_date
    )
    from hoso.organisation.models import HomeroomAssignment

    HomeroomAssignment.objects.create(teacher=world.people["homeroom"], school_class=class7)
    approve_results(world, class7)
    issue_class(world, class7, year=year2)
    name, blob = actions.transcripts_export_student(
        actor=world.actor("clerk"), student=world.student_a
    )
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        names = sorted(archive.namelist())
        readme = archive.read("README.txt").decode()
    assert [n.split("/")[0] for n in names if n.endswith(".pdf")] == ["2026-2027", "2027-2028"]
    assert first.code in readme
    assert AuditEvent.objects.filter(event_type="transcript.exported").count() == 2
