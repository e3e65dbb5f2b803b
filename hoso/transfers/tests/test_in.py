"""GIVEN an application to transfer in WHEN the principal decides and the clerk places the
student THEN deadlines follow the working days of the school's calendar, the national code is
reused (never a duplicate student), and a signed transcript of the other school is verified and
imported as history — or refused with nothing imported."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from hoso.core.clock import VN_TZ
from hoso.core.errors import DomainError
from hoso.organisation.models import GradeLevel, Holiday, Level, SchoolClass
from hoso.students.models import Enrolment, Student
from hoso.testing.factories import make_school, make_year, small_school
from hoso.transcripts.actions import read_pdf
from hoso.transfers import actions
from hoso.transfers.errors import TransferError
from hoso.transfers.models import PriorRecord, Transfer
from hoso.transfers.tests.helpers import out_and_issue

pytestmark = pytest.mark.django_db

DOCS = ["application", "transcript", "referral"]


def _in(world, *, code="0123456789", pid="", documents=DOCS, **kw) -> Transfer:
    values = {
        "actor": world.actor("clerk"),
        "student_code": code,
        "personal_id": pid,
        "family_name": "Phạm",
        "middle_name": "Minh",
        "given_name": "Khoa",
        "gender": "M",
        "birth_date": date(2014, 6, 1),
        "grade": 6,
        "other_school_name": "Trường THCS Lê Lợi",
        "other_school_code": "31000999",
        "other_province": "Thành phố Hải Phòng",
        "filed_on": date(2026, 11, 18),
        "documents": documents,
    }
    return actions.transfer_in_create(**(values | kw))


def _accept_and_place(world, transfer, school_class=None):
    transfer = actions.transfer_decide(
        actor=world.actor("principal"), transfer=transfer, accept=True
    )
    return actions.transfer_place(
        actor=world.actor("clerk"),
        transfer=transfer,
        school_class=school_class or world.class_a,
        start_date=date(2026, 11, 20),
    )


# -------------------------------------------------------------------------------- deadlines


@pytest.mark.clock("2026-12-23")
def test_primary_three_working_days_each_with_the_schools_holidays():
    """TT 28/2020 Đ36: filed Wed 23/12, holiday Thu 24 (school's own) and Fri 1/1 → the answer
    is due Tue 29/12 (Fri 25, Mon 28, Tue 29); consent on Wed 30/12 → placement due Tue 5/1."""
    from hoso.accounts.actor import build_actor
    from hoso.organisation.models import Position, Staff
    from hoso.testing.factories import make_user

    school = make_school(level=Level.PRIMARY)
    year = make_year(school)
    Holiday.objects.create(year=year, name="Nghỉ của trường", start_date=date(2026, 12, 24),
                           end_date=date(2026, 12, 24))  # fmt: skip
    Holiday.objects.create(year=year, name="Tết Dương lịch", start_date=date(2027, 1, 1),
                           end_date=date(2027, 1, 1))  # fmt: skip
    users = {}
    for key, position in (("clerk", Position.CLERK), ("principal", Position.PRINCIPAL)):
        users[key] = make_user(f"{key}-{school.code}")
        Staff.objects.create(school=school, code=f"S-{key}", family_name="Lê", given_name="An",
                             gender="F", position=position, user=users[key])  # fmt: skip
    clerk = build_actor(users["clerk"], school, year)
    principal = build_actor(users["principal"], school, year)
    transfer = actions.transfer_in_create(
        actor=clerk, student_code="9990001", family_name="Lê", given_name="Na", gender="F",
        birth_date=date(2019, 2, 2), grade=2, other_school_name="TH Kim Đồng",
        filed_on=date(2026, 12, 23),
    )  # fmt: skip
    assert transfer.procedure == "primary"
    decide = transfer.steps.get(code="decide")
    assert decide.due_on == date(2026, 12, 29)
    assert transfer.steps.get(code="place").due_on is None
    with time_machine.travel(datetime(2026, 12, 30, 9, tzinfo=VN_TZ), tick=True):
        actions.transfer_decide(actor=principal, transfer=transfer, accept=True)
    assert transfer.steps.get(code="place").due_on == date(2027, 1, 5)


def test_secondary_decision_limit_is_a_school_setting(world):
    """Draft charter (UNCONFIRMED): 5 working days, 8 from another province; the principal may
    change them."""
    same = _in(world, filed_on=date(2026, 11, 18))  # Wed
    assert same.steps.get(code="decide").due_on == date(2026, 11, 25)
    other = _in(world, code="0123456780", other_province="Tỉnh Quảng Ninh")
    assert other.from_other_province
    assert other.steps.get(code="decide").due_on == date(2026, 11, 30)
    # Another province: the locality's referral is on the checklist.
    assert "locality_referral" in other.documents and "locality_referral" not in same.documents
    actions.transfer_settings_update(
        actor=world.actor("principal"), decision_days=2, decision_days_other_province=4,
        handover_days=3,
    )  # fmt: skip
    third = _in(world, code="0123456781")
    assert third.steps.get(code="decide").due_on == date(2026, 11, 20)
    with pytest.raises(PermissionDenied):
        actions.transfer_settings_update(
            actor=world.actor("clerk"), decision_days=2, decision_days_other_province=4,
            handover_days=3,
        )  # fmt: skip


# ------------------------------------------------------------------------------- placement


def test_new_student_is_created_with_the_same_code(world):
    transfer = _accept_and_place(world, _in(world, pid="031214000123"))
    assert transfer.state == Transfer.State.COMPLETED and not transfer.reused_student
    student = Student.objects.get(school=world.school, student_code="0123456789")
    assert student.personal_id == "031214000123"
    enrolment = Enrolment.objects.get(student=student)
    assert enrolment.status == Enrolment.Status.TRANSFERRED_IN
    assert enrolment.school_class == world.class_a and enrolment.start_date == date(2026, 11, 20)


def test_returning_student_reuses_its_row(world):
    """A student who left (transfer out) comes back: the same row, a second enrolment."""
    a = world.student_a
    Enrolment.objects.filter(student=a).update(status="transferred_out", end_date=date(2026, 10, 1))
    before = Student.objects.count()
    transfer = _accept_and_place(world, _in(world, code=a.student_code))
    assert Student.objects.count() == before
    assert transfer.student == a and transfer.reused_student
    statuses = list(Enrolment.objects.filter(student=a).order_by("start_date").values_list(
        "status", flat=True))  # fmt: skip
    assert statuses == ["transferred_out", "transferred_in"]
    # Matched by the personal ID too (code typed differently): still no duplicate.
    Enrolment.objects.filter(student=world.student_b).update(
        status="transferred_out", end_date=date(2026, 10, 1)
    )
    Student.objects.filter(pk=world.student_b.pk).update(personal_id="031214000999")
    again = _accept_and_place(world, _in(world, code="X-OTHER", pid="031214000999"))
    assert again.student_id == world.student_b.pk
    assert Student.objects.count() == before


def test_placement_refusals(world):
    # A student still studying here cannot be placed again.
    t = actions.transfer_decide(
        actor=world.actor("principal"), transfer=_in(world, code=world.student_a.student_code),
        accept=True,
    )  # fmt: skip
    with pytest.raises(DomainError) as exc:
        actions.transfer_place(actor=world.actor("clerk"), transfer=t, school_class=world.class_a,
                               start_date=date(2026, 11, 20))  # fmt: skip
    assert exc.value.code == TransferError.ALREADY_ENROLLED
    # Required documents missing.
    t = actions.transfer_decide(
        actor=world.actor("principal"), transfer=_in(world, code="555", documents=["application"]),
        accept=True,
    )  # fmt: skip
    with pytest.raises(DomainError) as exc:
        actions.transfer_place(actor=world.actor("clerk"), transfer=t, school_class=world.class_a,
                               start_date=date(2026, 11, 20))  # fmt: skip
    assert exc.value.code == TransferError.DOCUMENTS_MISSING
    # A class of another grade: refused; a class of grade 6: placed.
    t = actions.transfer_documents_set(actor=world.actor("clerk"), transfer=t, documents=DOCS)
    grade7 = GradeLevel.objects.create(school=world.school, number=7, level=Level.LOWER_SECONDARY)
    seventh = SchoolClass.objects.create(year=world.year, grade=grade7, name="7A1")
    with pytest.raises(DomainError) as exc:
        actions.transfer_place(actor=world.actor("clerk"), transfer=t, school_class=seventh,
                               start_date=date(2026, 11, 20))  # fmt: skip
    assert exc.value.code == TransferError.BAD_CLASS
    other = SchoolClass.objects.create(year=world.year, grade=world.class_a.grade, name="6A9")
    assert (
        actions.transfer_place(
            actor=world.actor("clerk"),
            transfer=t,
            school_class=other,
            start_date=date(2026, 11, 20),
        ).placed_class
        == other
    )
    # Refusal needs a reason.
    with pytest.raises(DomainError) as exc:
        actions.transfer_decide(actor=world.actor("principal"), transfer=_in(world, code="556"),
                                accept=False)  # fmt: skip
    assert exc.value.code == TransferError.REASON_REQUIRED


def test_only_the_principal_decides_and_teachers_record_nothing(world):
    t = _in(world)
    for role in ("clerk", "vice", "homeroom"):
        with pytest.raises(PermissionDenied):
            actions.transfer_decide(actor=world.actor(role), transfer=t, accept=True)
    for role in ("homeroom", "subject", "principal", "parent", "inspector"):
        with pytest.raises(PermissionDenied):
            _in(world, actor=world.actor(role), code=f"R{role}")


# ------------------------------------------------------------------------ verified history


def _upload(blob: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("hoc-ba.pdf", blob, content_type="application/pdf")


def test_verified_transcript_of_the_other_school_is_imported(world, signers):
    out = out_and_issue(world)
    pdf = read_pdf(out.transcript)
    other = small_school("B")
    a = world.student_a
    t = _in(other, code=a.student_code, family_name=a.family_name, given_name=a.given_name)
    record = actions.transfer_import_transcript(
        actor=other.actor("clerk"), transfer=t, upload=_upload(pdf)
    )
    assert record.year_name == "2026-2027" and record.class_name == "6A1"
    assert record.school_name == world.school.name
    assert record.transcript_code == out.transcript.code
    assert record.data_hash == out.transcript.data_hash
    assert [s["role"] for s in record.signers][-1] == "Chữ ký số của nhà trường"
    placed = _accept_and_place(other, t)
    record.refresh_from_db()
    assert record.student == placed.student
    assert placed.student.school == other.school and placed.student.student_code == a.student_code
    # The same file twice: refused, nothing doubled.
    with pytest.raises(DomainError):
        actions.transfer_import_transcript(
            actor=other.actor("clerk"), transfer=t, upload=_upload(pdf)
        )
    assert PriorRecord.objects.count() == 1


def test_tampered_or_foreign_transcripts_are_refused(world, signers):
    out = out_and_issue(world)
    pdf = read_pdf(out.transcript)
    other = small_school("B")
    t = _in(other, code=world.student_a.student_code)
    clerk = other.actor("clerk")
    # One changed byte inside the signed range.
    at = pdf.index(b"/Type /Page") if b"/Type /Page" in pdf else len(pdf) // 3
    tampered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]
    with pytest.raises(DomainError) as exc:
        actions.transfer_import_transcript(actor=clerk, transfer=t, upload=_upload(tampered))
    assert exc.value.code == TransferError.NOT_VERIFIED
    assert "Không nhập dữ liệu nào" in exc.value.message
    # Bytes appended after the last signature.
    with pytest.raises(DomainError) as exc:
        actions.transfer_import_transcript(
            actor=clerk, transfer=t, upload=_upload(pdf + b"\n%% appended\n")
        )
    assert exc.value.code == TransferError.NOT_VERIFIED
    # Not a PDF at all.
    with pytest.raises(DomainError) as exc:
        actions.transfer_import_transcript(actor=clerk, transfer=t, upload=_upload(b"hello"))
    assert exc.value.code == TransferError.UPLOAD_NOT_PDF
    # Authentic, but another student's.
    t2 = _in(other, code="7777777777")
    with pytest.raises(DomainError) as exc:
        actions.transfer_import_transcript(actor=clerk, transfer=t2, upload=_upload(pdf))
    assert exc.value.code == TransferError.OTHER_STUDENT
    assert not PriorRecord.objects.exists()
