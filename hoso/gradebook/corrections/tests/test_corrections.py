"""The correction procedure (sửa điểm) as actions: GIVEN a finalised or locked result in the small
school, WHEN the teacher files a request, the principal decides and the witness and the homeroom
teacher confirm, THEN the result changes only at the end, under the teacher's account, with the
whole procedure in the audit trail; and nothing else changes a protected result."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hoso.accounts.models import Delegation
from hoso.audit.models import AuditEvent
from hoso.audit.verify import verify_all
from hoso.core.errors import DomainError
from hoso.gradebook.corrections import actions as corrections
from hoso.gradebook.corrections import selectors as sel
from hoso.gradebook.corrections.actions import (
    Step,
    correction_cancel,
    correction_confirm,
    correction_decide,
    correction_request,
    next_state,
    sniff_evidence,
)
from hoso.gradebook.corrections.errors import CorrectionError
from hoso.gradebook.corrections.models import CorrectionEvidence, CorrectionRequest
from hoso.gradebook.corrections.policies import access_correction
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.results.models import ClassResult
from hoso.organisation.models import HomeroomAssignment, TeachingAssignment

State = CorrectionRequest.State
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sheet(world):
    return load_sheet(world.class_a, world.math, world.term1)


def pdf(name="bai-kiem-tra.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def save(world, sheet, column, value, who="subject"):
    return actions.assessment_save(
        actor=world.actor(who),
        sheet=sheet,
        student=world.student_a,
        column_key=column,
        raw_value=value,
    )


def finalised(world, sheet, column="GK", value="7"):
    save(world, sheet, column, value)
    actions.columns_finalise(actor=world.actor("subject"), sheet=sheet, column_keys=[column])


def file_request(world, sheet, column="GK", value="8", who="subject", files=None, student=None):
    return correction_request(
        actor=world.actor(who),
        sheet=sheet,
        student=student or world.student_a,
        column_key=column,
        new_value=value,
        reason="Nhập nhầm điểm bài kiểm tra giữa kỳ: bài làm được 8 điểm.",
        files=[pdf()] if files is None else files,
    )


def approve(world, correction, who="principal", witness="vice"):
    return correction_decide(
        actor=world.actor(who),
        correction=correction,
        approve=True,
        note="Đồng ý sửa theo bài kiểm tra.",
        witness=world.users[witness] if witness else None,
    )


def confirm(world, correction, who):
    return correction_confirm(actor=world.actor(who), correction=correction)


# --- the pure parts -------------------------------------------------------------------------------


def test_state_machine_allows_only_the_procedure():
    assert next_state(State.REQUESTED, Step.APPROVE) == State.APPROVED
    assert next_state(State.REQUESTED, Step.REJECT) == State.REJECTED
    assert next_state(State.REQUESTED, Step.CANCEL) == State.CANCELLED
    assert next_state(State.APPROVED, Step.APPLY) == State.APPLIED
    assert next_state(State.APPROVED, Step.CANCEL) == State.CANCELLED
    for state, step in [
        (State.REQUESTED, Step.APPLY),  # never applied without a decision
        (State.APPROVED, Step.APPROVE),
        (State.REJECTED, Step.APPROVE),
        (State.APPLIED, Step.CANCEL),
        (State.CANCELLED, Step.APPLY),
    ]:
        with pytest.raises(DomainError) as exc:
            next_state(state, step)
        assert exc.value.code == CorrectionError.BAD_STATE


def test_evidence_type_comes_from_the_content():
    assert sniff_evidence(PDF) == ("pdf", "application/pdf")
    assert sniff_evidence(PNG) == ("png", "image/png")
    assert sniff_evidence(JPEG) == ("jpg", "image/jpeg")
    assert sniff_evidence(b"Day la van ban, khong phai PDF") is None
    assert sniff_evidence(b"GIF89a") is None


# --- the happy path -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_approve_witness_homeroom_applies_under_the_teachers_account(world, sheet):
    finalised(world, sheet, "GK", "7")
    correction = file_request(world, sheet, "GK", "8,5")
    assert (correction.state, correction.single.old_value, correction.single.new_value) == (
        State.REQUESTED,
        "7.0",
        "8.5",
    )
    evidence = CorrectionEvidence.objects.get(request=correction)
    assert evidence.original_name == "bai-kiem-tra.pdf"
    assert evidence.file.name.endswith(".pdf") and "bai-kiem-tra" not in evidence.file.name
    assert Path(evidence.file.path).read_bytes() == PDF
    import hashlib

    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()

    correction = approve(world, correction)
    assert correction.state == State.APPROVED
    assert correction.witness == world.users["vice"]
    assert correction.homeroom == world.users["homeroom"]  # from the class's homeroom assignment
    assert sel.to_confirm(world.actor("vice")) == [correction]
    assert sel.to_confirm(world.actor("homeroom")) == [correction]

    correction = confirm(world, correction, "vice")
    assert correction.state == State.APPROVED and correction.witness_confirmed_at
    assert Assessment.objects.get(column="GK").value == "7.0"  # not yet: one party is missing
    assert sel.to_confirm(world.actor("vice")) == []

    correction = confirm(world, correction, "homeroom")
    correction.refresh_from_db()
    assert correction.state == State.APPLIED and correction.applied_at
    assert correction.minute_number == "01/BB-SĐ"
    cell = Assessment.objects.get(column="GK")
    assert (cell.value, cell.version) == ("8.5", 2)

    event = AuditEvent.objects.get(event_type="grade.corrected")
    assert event.actor == world.users["subject"]  # made under the requesting teacher's account
    assert event.acting_as == (
        "phiên sửa điểm có chứng kiến của Trần Thị Mai và GVCN Đỗ Thị Lan, "
        "theo quyết định của Hiệu trưởng Nguyễn Văn Hùng"
    )
    assert event.before == {"value": "7.0"}
    assert event.after["value"] == "8.5" and event.after["correction"] == correction.pk
    assert event.after["minute_number"] == "01/BB-SĐ"
    assert event.target_id == str(cell.pk)
    trail = list(
        AuditEvent.objects.filter(target_type="gradebook.correctionrequest")
        .order_by("seq")
        .values_list("event_type", "actor")
    )
    assert trail == [
        ("correction.requested", world.users["subject"].pk),
        ("correction.decided", world.users["principal"].pk),
        ("correction.confirmed", world.users["vice"].pk),
        ("correction.confirmed", world.users["homeroom"].pk),
        ("correction.applied", world.users["homeroom"].pk),
    ]
    assert verify_all()[1] == []

    minute = sel.minute_data(correction)
    assert [p.name for p in minute.parties] == ["Vũ Minh Đức", "Trần Thị Mai", "Đỗ Thị Lan"]
    assert minute.parties[1].position == "Phó hiệu trưởng"
    assert (minute.single.old_display, minute.single.new_display) == ("7,0", "8,5")


@pytest.mark.django_db
def test_confirmation_order_is_free_and_minute_numbers_follow_each_other(world, sheet):
    finalised(world, sheet, "GK", "7")
    first = approve(world, file_request(world, sheet, "GK", "8"), witness="admin")
    confirm(world, first, "homeroom")  # the homeroom teacher first this time
    confirm(world, first, "admin")
    # a locked (not finalised) regular result, empty until now: the correction creates it
    actions.book_lock(actor=world.actor("principal"), year=world.year, term=world.term1)
    second = approve(world, file_request(world, sheet, "TX5", "9"))
    confirm(world, second, "vice")
    confirm(world, second, "homeroom")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.minute_number, second.minute_number) == ("01/BB-SĐ", "02/BB-SĐ")
    created = Assessment.objects.get(column="TX5")
    assert (created.value, created.version, created.entered_by) == (
        "9.0",
        1,
        world.users["subject"],
    )
    assert AuditEvent.objects.filter(event_type="grade.corrected").count() == 2


# --- refusals along the way -----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_open_result_is_edited_directly_not_corrected(world, sheet):
    save(world, sheet, "GK", "7")
    with pytest.raises(DomainError) as exc:
        file_request(world, sheet, "GK", "8")
    assert exc.value.code == CorrectionError.NOT_PROTECTED
    assert "sửa trực tiếp" in exc.value.message
    assert not CorrectionRequest.objects.exists()


@pytest.mark.django_db
def test_only_the_assigned_teacher_files_a_request(world, sheet):
    finalised(world, sheet)
    for who in ("homeroom", "principal", "vice", "admin", "dept_head"):
        with pytest.raises(PermissionDenied) as exc:
            file_request(world, sheet, who=who)
        assert exc.value.code == "NOT_ASSIGNED"
    assert not CorrectionRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value,reason,code",
    [
        ("11", "Nhầm", "OUT_OF_RANGE"),
        ("8.25", "Nhầm", "BAD_PRECISION"),
        ("", "Nhầm", CorrectionError.EMPTY_VALUE),
        ("7", "Nhầm", CorrectionError.SAME_VALUE),
        ("8", "   ", CorrectionError.REASON_REQUIRED),
    ],
)
def test_the_new_value_and_the_reason_are_checked(world, sheet, value, reason, code):
    finalised(world, sheet, "GK", "7")
    with pytest.raises(DomainError) as exc:
        correction_request(
            actor=world.actor("subject"),
            sheet=sheet,
            student=world.student_a,
            column_key="GK",
            new_value=value,
            reason=reason,
            files=[pdf()],
        )
    assert exc.value.code == code
    assert not CorrectionRequest.objects.exists()


@pytest.mark.django_db
def test_evidence_is_checked_by_content_and_size(world, sheet, settings):
    finalised(world, sheet)
    cases = [
        ([], CorrectionError.EVIDENCE_REQUIRED),
        ([pdf("bai-kiem-tra.pdf", b"Day chi la van ban doi ten thanh .pdf")], "BAD_EVIDENCE"),
        ([pdf("anh.png", b"GIF89a" + b"\x00" * 20)], "BAD_EVIDENCE"),
        ([pdf("lon.pdf", PDF + b"\x00" * (10 * 1024 * 1024))], "EVIDENCE_TOO_LARGE"),
        ([pdf(f"{i}.pdf") for i in range(11)], "TOO_MANY_FILES"),
        ([pdf(), pdf("sau.pdf", b"<html>")], "BAD_EVIDENCE"),  # one bad file refuses all
    ]
    for files, code in cases:
        with pytest.raises(DomainError) as exc:
            file_request(world, sheet, files=files)
        assert exc.value.code == code, files
    assert not CorrectionRequest.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))

    ok = file_request(
        world,
        sheet,
        files=[
            SimpleUploadedFile("so-ghi-diem.JPG", JPEG),
            SimpleUploadedFile("anh-chup", PNG),  # no extension: the content decides
        ],
    )
    names = sorted(e.file.name.rsplit(".", 1)[-1] for e in ok.evidence.all())
    assert names == ["jpg", "png"]


@pytest.mark.django_db
def test_one_open_request_per_cell(world, sheet, monkeypatch):
    finalised(world, sheet)
    first = file_request(world, sheet)
    with pytest.raises(DomainError) as exc:
        file_request(world, sheet, value="9")
    assert exc.value.code == CorrectionError.OPEN_EXISTS
    # a race past the friendly check meets the database constraint, still a coded error
    monkeypatch.setattr(corrections, "OPEN_STATES", ())
    with pytest.raises(DomainError) as exc:
        file_request(world, sheet, value="9")
    assert exc.value.code == CorrectionError.OPEN_EXISTS
    monkeypatch.undo()
    assert CorrectionRequest.objects.count() == 1
    correction_cancel(actor=world.actor("subject"), correction=first)
    assert file_request(world, sheet, value="9").state == State.REQUESTED  # closed: a new one


@pytest.mark.django_db
def test_rejection_needs_a_reason_and_changes_nothing(world, sheet):
    finalised(world, sheet, "GK", "7")
    correction = file_request(world, sheet)
    principal = world.actor("principal")
    with pytest.raises(DomainError) as exc:
        correction_decide(actor=principal, correction=correction, approve=False, note=" ")
    assert exc.value.code == CorrectionError.NOTE_REQUIRED
    done = correction_decide(
        actor=principal, correction=correction, approve=False, note="Minh chứng không khớp."
    )
    assert done.state == State.REJECTED and done.decision_note == "Minh chứng không khớp."
    assert Assessment.objects.get(column="GK").value == "7.0"
    with pytest.raises(DomainError) as exc:
        approve(world, done)
    assert exc.value.code == CorrectionError.BAD_STATE
    event = AuditEvent.objects.get(event_type="correction.decided")
    assert event.after["decision"] == "rejected" and event.before == {"state": "requested"}
    assert not AuditEvent.objects.filter(event_type="grade.corrected").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["vice", "admin", "subject", "homeroom", "dept_head", "clerk"])
def test_only_a_principal_decides(world, sheet, who):
    finalised(world, sheet)
    correction = file_request(world, sheet)
    with pytest.raises(PermissionDenied) as exc:
        approve(world, correction, who=who, witness="admin" if who == "vice" else "vice")
    assert exc.value.code in (CorrectionError.NOT_PRINCIPAL, CorrectionError.OWN_REQUEST)
    correction.refresh_from_db()
    assert correction.state == State.REQUESTED
    assert AuditEvent.objects.filter(event_type="access.forbidden").exists()


@pytest.mark.django_db
def test_nobody_approves_their_own_request_a_delegated_vice_principal_decides(world):
    """The principal also teaches math in 6A2: the principal's own request is decided by the
    vice principal acting under the principal's delegation."""
    principal = world.people["principal"]
    TeachingAssignment.objects.create(
        teacher=principal, school_class=world.class_b, subject=world.math, term=world.term1
    )
    HomeroomAssignment.objects.create(teacher=world.people["dept_head"], school_class=world.class_b)
    sheet_b = load_sheet(world.class_b, world.math, world.term1)
    actions.assessment_save(
        actor=world.actor("principal"),
        sheet=sheet_b,
        student=world.student_b,
        column_key="GK",
        raw_value="5",
    )
    actions.columns_finalise(actor=world.actor("principal"), sheet=sheet_b, column_keys=["GK"])
    correction = file_request(world, sheet_b, who="principal", student=world.student_b)

    with pytest.raises(PermissionDenied) as exc:
        approve(world, correction, who="principal")
    assert exc.value.code == CorrectionError.OWN_REQUEST
    assert sel.decision_inbox(world.actor("principal")) == []

    Delegation.objects.create(
        school=world.school,
        kind=Delegation.Kind.PRINCIPAL,
        grantor=principal,
        grantee=world.people["vice"],
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(days=1),
    )
    vice = world.actor("vice")
    assert [c.pk for c in sel.decision_inbox(vice)] == [correction.pk]
    with pytest.raises(DomainError) as exc:  # the decider is not also the witness
        approve(world, correction, who="vice", witness="vice")
    assert exc.value.code == CorrectionError.BAD_WITNESS
    done = approve(world, correction, who="vice", witness="admin")
    assert done.homeroom == world.users["dept_head"]
    decided = AuditEvent.objects.get(event_type="correction.decided")
    assert decided.acting_as == "thay Nguyễn Văn Hùng (Hiệu trưởng)"
    confirm(world, done, "admin")
    confirm(world, done, "dept_head")
    event = AuditEvent.objects.get(event_type="grade.corrected")
    assert event.actor == world.users["principal"]  # the requester's account
    assert event.acting_as.endswith(
        "theo quyết định của Trần Thị Mai thay Nguyễn Văn Hùng (Hiệu trưởng)"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "witness,fragment",
    [
        (None, "Chọn người chứng kiến"),
        ("dept_head", "Phó hiệu trưởng hoặc thành viên Ban quản trị"),
        ("clerk", "Phó hiệu trưởng hoặc thành viên Ban quản trị"),
        ("outsider", "Phó hiệu trưởng hoặc thành viên Ban quản trị"),
        ("subject", "Người đề nghị sửa"),
        ("principal", "Người duyệt đơn"),
        ("homeroom", "Giáo viên chủ nhiệm"),
    ],
)
def test_the_witness_is_a_vice_principal_or_an_administrator(world, sheet, witness, fragment):
    finalised(world, sheet)
    correction = file_request(world, sheet)
    with pytest.raises(DomainError) as exc:
        approve(world, correction, witness=witness)
    assert exc.value.code == CorrectionError.BAD_WITNESS and fragment in exc.value.message
    correction.refresh_from_db()
    assert correction.state == State.REQUESTED and correction.witness is None


@pytest.mark.django_db
def test_a_class_without_homeroom_teacher_cannot_be_approved(world, sheet):
    finalised(world, sheet)
    correction = file_request(world, sheet)
    HomeroomAssignment.objects.filter(school_class=world.class_a).delete()
    with pytest.raises(DomainError) as exc:
        approve(world, correction)
    assert exc.value.code == CorrectionError.NO_HOMEROOM


@pytest.mark.django_db
def test_only_the_named_parties_confirm_and_only_once(world, sheet):
    finalised(world, sheet)
    correction = file_request(world, sheet)
    with pytest.raises(PermissionDenied):  # nothing to confirm before the decision
        confirm(world, correction, "vice")
    correction = approve(world, correction)
    for who in ("admin", "principal", "subject", "dept_head"):
        with pytest.raises(PermissionDenied) as exc:
            confirm(world, correction, who)
        assert exc.value.code == CorrectionError.NOT_PARTY
    confirm(world, correction, "vice")
    with pytest.raises(DomainError) as exc:
        confirm(world, correction, "vice")
    assert exc.value.code == CorrectionError.ALREADY_CONFIRMED
    assert Assessment.objects.get(column="GK").value == "7.0"


@pytest.mark.django_db
def test_a_result_changed_since_the_request_is_not_overwritten(world, sheet):
    """Locked when requested; the principal opens the book, the teacher edits the cell; the
    approved correction must not silently overwrite the newer value."""
    save(world, sheet, "CK", "6")
    lock = actions.book_lock(actor=world.actor("principal"), year=world.year, term=world.term1)
    correction = approve(world, file_request(world, sheet, "CK", "6.5"))
    confirm(world, correction, "vice")
    actions.book_open(actor=world.actor("principal"), lock=lock, reason="Sửa sai sót")
    save(world, sheet, "CK", "5")
    with pytest.raises(DomainError) as exc:
        confirm(world, correction, "homeroom")
    assert exc.value.code == CorrectionError.CELL_CHANGED
    assert "Hiệu trưởng" in exc.value.message and "6,0" not in exc.value.message
    correction.refresh_from_db()
    assert correction.state == State.APPROVED and correction.homeroom_confirmed_at is None
    assert Assessment.objects.get(column="CK").value == "5.0"
    refused = AuditEvent.objects.get(event_type="correction.apply_refused")
    assert refused.after["current_value"] == "5.0" and refused.before == {"old_value": "6.0"}
    # the principal sees it and withdraws the approval, with a reason
    waiting = sel.approved_waiting(world.actor("principal"))
    assert [(c.pk, c.cell_changed) for c in waiting] == [(correction.pk, True)]
    with pytest.raises(PermissionDenied):
        correction_cancel(actor=world.actor("subject"), correction=correction, note="Thôi")
    with pytest.raises(DomainError) as exc:
        correction_cancel(actor=world.actor("principal"), correction=correction)
    assert exc.value.code == CorrectionError.NOTE_REQUIRED
    done = correction_cancel(
        actor=world.actor("principal"), correction=correction, note="Kết quả đã sửa khi mở sổ."
    )
    assert done.state == State.CANCELLED
    assert verify_all()[1] == []


@pytest.mark.django_db
def test_the_teacher_withdraws_while_requested_only(world, sheet):
    finalised(world, sheet)
    correction = file_request(world, sheet)
    with pytest.raises(PermissionDenied) as exc:
        correction_cancel(actor=world.actor("principal"), correction=correction)
    assert exc.value.code == CorrectionError.NOT_REQUESTER
    done = correction_cancel(actor=world.actor("subject"), correction=correction)
    assert done.state == State.CANCELLED
    with pytest.raises(DomainError) as exc:
        correction_cancel(actor=world.actor("subject"), correction=done)
    assert exc.value.code == CorrectionError.BAD_STATE
    assert AuditEvent.objects.filter(event_type="correction.cancelled").count() == 1


@pytest.mark.django_db
def test_a_closed_year_refuses_the_procedure(world, sheet):
    finalised(world, sheet)
    correction = approve(world, file_request(world, sheet))
    world.year.is_closed = True
    world.year.save()
    with pytest.raises(DomainError) as exc:
        confirm(world, correction, "vice")
    assert exc.value.code == CorrectionError.YEAR_CLOSED
    with pytest.raises(DomainError) as exc:
        file_request(world, sheet, value="9")
    assert exc.value.code == "YEAR_CLOSED"


@pytest.mark.django_db
def test_another_school_cannot_touch_the_request(world, sheet):
    from hoso.testing.factories import small_school

    finalised(world, sheet)
    correction = file_request(world, sheet)
    other = small_school("KHAC")
    with pytest.raises(PermissionDenied):
        correction_decide(
            actor=other.actor("principal"),
            correction=correction,
            approve=True,
            witness=other.users["vice"],
        )
    with pytest.raises(Exception) as exc:
        access_correction(other.actor("principal"), correction.pk)
    assert exc.type.__name__ == "Http404"


# --- nothing else changes a protected result ------------------------------------------------------


def _protect(world, sheet, how):
    if how == "finalised":
        actions.columns_finalise(actor=world.actor("subject"), sheet=sheet, column_keys=["GK"])
    elif how == "locked":
        actions.book_lock(
            actor=world.actor("principal"), year=world.year, school_class=world.class_a
        )
    else:
        ClassResult.objects.create(
            school_class=world.class_a,
            period="term1",
            state=ClassResult.State.APPROVED,
            approved_by=world.users["principal"],
            approved_at=timezone.now(),
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "how,code", [("finalised", "FINALISED"), ("locked", "LOCKED"), ("approved", "APPROVED")]
)
def test_only_the_correction_changes_a_protected_result(world, sheet, how, code):
    save(world, sheet, "GK", "7")
    _protect(world, sheet, how)
    with pytest.raises(DomainError) as exc:  # the action used by the grid, Excel and the API
        save(world, sheet, "GK", "8")
    assert exc.value.code == code
    with pytest.raises(DomainError) as exc:
        actions.test_date_set(
            actor=world.actor("subject"), sheet=sheet, column_key="GK", test_date=None
        )
    assert exc.value.code == code
    correction = approve(world, file_request(world, sheet, "GK", "8"))
    confirm(world, correction, "vice")
    confirm(world, correction, "homeroom")
    assert Assessment.objects.get(column="GK").value == "8.0"
    with pytest.raises(DomainError) as exc:  # and it stays protected afterwards
        save(world, sheet, "GK", "9")
    assert exc.value.code == code


@pytest.mark.django_db
def test_the_parties_are_notified_after_commit(world, sheet, django_capture_on_commit_callbacks):
    from importlib.util import find_spec

    if find_spec("hoso.notifications.actions") is None:
        pytest.skip("hoso.notifications.actions is not there yet")
    from hoso.notifications.models import Notification

    finalised(world, sheet)
    with django_capture_on_commit_callbacks(execute=True):
        correction = file_request(world, sheet)
    with django_capture_on_commit_callbacks(execute=True):
        correction = approve(world, correction)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(world, correction, "vice")
        confirm(world, correction, "homeroom")

    def inbox(who):
        return list(
            Notification.objects.filter(user=world.users[who], kind="correction")
            .order_by("pk")
            .values_list("dedupe_key", flat=True)
        )

    key = f"correction:{correction.pk}"
    assert inbox("principal") == [f"{key}:requested", f"{key}:applied"]
    assert inbox("subject") == [f"{key}:approved", f"{key}:applied"]
    assert inbox("vice") == inbox("homeroom") == [f"{key}:confirm"]
    assert inbox("admin") == []
    text = Notification.objects.get(user=world.users["subject"], dedupe_key=f"{key}:applied").text
    assert "01/BB-SĐ" in text and "7,0 → 8,0" in text
    texts = Notification.objects.filter(kind="correction").values_list("text", flat=True)
    assert all(not re.search(r"\d\.\d", t) for t in texts), list(texts)


def test_an_applied_correction_rechecks_transcripts_and_signed_books_after_commit(
    world, sheet, monkeypatch, django_capture_on_commit_callbacks
):
    """GIVEN an approved correction, WHEN its last party confirms, THEN the transcripts of the
    student and the school's signed books are rechecked (their data hash may have changed)."""
    import hoso.signing.tasks
    import hoso.transcripts.actions

    calls = []
    monkeypatch.setattr(
        hoso.transcripts.actions,
        "transcripts_on_results_changed",
        lambda **kw: calls.append(("transcripts", kw["year"], kw["student_ids"])),
    )

    class Task:  # the task object itself is frozen: replace it in its module
        @staticmethod
        def enqueue(school_id):
            calls.append(("documents", school_id))

    monkeypatch.setattr(hoso.signing.tasks, "refresh_documents", Task)
    finalised(world, sheet, "GK", "7")
    correction = confirm(world, approve(world, file_request(world, sheet, "GK", "8")), "vice")
    assert calls == []
    with django_capture_on_commit_callbacks(execute=True):
        confirm(world, correction, "homeroom")
    assert ("transcripts", world.year.pk, [world.student_a.pk]) in calls
    assert ("documents", world.school.pk) in calls
