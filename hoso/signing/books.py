"""What each book's signed document contains and who signs it, read from hoso/gradebook.

- ``grade_sheet_spec``: a subject teacher's sheet (class × subject × term), once the teacher has
  confirmed it (Signoff "sheet" whose hash matches the data); signed by that teacher.
- ``class_book_spec``: the class at term end, once the homeroom teacher confirmed the class;
  signed by the homeroom teacher, then the principal.
- ``correction_minute_spec``: an applied correction (biên bản sửa điểm); signed by its three
  parties in order: the requesting teacher, the witness, the homeroom teacher.
"""

from __future__ import annotations

from hoso.core import files
from hoso.core.errors import DomainError
from hoso.gradebook.corrections.models import CorrectionRequest
from hoso.gradebook.entry.selectors import class_cells
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.results.absences import pk_counts
from hoso.gradebook.results.compute import offerings_by_grade
from hoso.gradebook.results.models import HomeroomInput
from hoso.gradebook.signoff.actions import class_hash, sheet_hash
from hoso.gradebook.signoff.models import Signoff
from hoso.organisation.assignments.selectors import (
    homeroom_teacher_of,
    sheet_teachers,
    teacher_of,
)
from hoso.organisation.models import Position, Staff
from hoso.signing.documents import DocumentSpec, Signer, canonical_hash
from hoso.signing.errors import SigningErrorCode
from hoso.signing.models import DocumentKind
from hoso.students.models import Student
from hoso.students.selectors import class_members


def _staff_name(staff) -> str:
    return staff.full_name if staff is not None else ""


def _user_staff(school, user) -> Staff | None:
    if user is None:
        return None
    return Staff.objects.filter(school=school, user=user).first()


def _signer_for_user(school, user, *, slot, caption, role_label) -> Signer:
    staff = _user_staff(school, user)
    name = _staff_name(staff) or (user.get_full_name() if user else "")
    return Signer(slot, caption, role_label, user.pk if user else None, name)


def _signer_for_staff(staff, *, slot, caption, role_label) -> Signer:
    return Signer(slot, caption, role_label, staff.user_id if staff else None, _staff_name(staff))


def _students(school_class) -> list[tuple[Student, str]]:
    """Everyone who was in the class this year, in name order, with "" for the members now and
    the date and reason for those who left (kept in the signed copy, as in the printed book)."""
    return [(e.student, e.leaving_label if e.left else "") for e in class_members(school_class)]


def _name(student: Student, left: str) -> str:
    return f"{student.full_name} (đã rời lớp: {left})" if left else student.full_name


def _principal(school) -> Staff | None:
    return (
        Staff.objects.filter(
            school=school, position=Position.PRINCIPAL, is_active=True, user__isnull=False
        )
        .order_by("pk")
        .first()
    )


def _homeroom(school_class) -> Staff | None:
    return homeroom_teacher_of(school_class)


def _missing_signer(signers: list[Signer]) -> None:
    for s in signers:
        if s.user_id is None:
            raise DomainError(
                SigningErrorCode.NOT_READY,
                f"Chưa có người ký ở vị trí “{s.role_label}” (chưa phân công hoặc chưa có tài khoản).",
            )


def _number(value: str) -> str:
    return value.replace(".", ",") if value else ""


def grade_sheet_spec(school_class, subject, term) -> DocumentSpec:
    school = school_class.year.school
    digest = sheet_hash(school_class, subject, term)
    signoff = Signoff.objects.filter(
        kind=Signoff.Kind.SHEET, school_class=school_class, subject=subject, term=term
    ).first()
    if signoff is None or signoff.data_hash != digest:
        raise DomainError(
            SigningErrorCode.NOT_READY,
            "Giáo viên bộ môn chưa xác nhận cột điểm này (hoặc dữ liệu đã thay đổi sau khi xác "
            "nhận): hãy chốt và xác nhận trước khi ký số.",
        )
    teacher = teacher_of(school_class=school_class, subject=subject, term=term)
    signers = [
        _signer_for_staff(
            teacher, slot="teacher", caption="GIÁO VIÊN BỘ MÔN", role_label="Giáo viên bộ môn"
        )
    ]
    _missing_signer(signers)
    sheet = load_sheet(school_class, subject, term)
    columns = list(sheet.columns)
    cells = {
        (sid, col): (value or text)
        for sid, col, value, text in class_cells(school_class, term, subject).values_list(
            "student_id", "column", "value", "text"
        )
    }
    rows = []
    for i, (student, left) in enumerate(_students(school_class), start=1):
        rows.append(
            [str(i), _name(student, left)]
            + [_number(str(cells.get((student.pk, c.key), ""))) for c in columns]
        )
    title = f"Bảng điểm môn {subject.name}"
    return DocumentSpec(
        school=school,
        kind=DocumentKind.GRADE_SHEET,
        subject_key=f"grade_sheet:class={school_class.pk}:subject={subject.pk}:term={term.pk}",
        object_type="gradebook.sheet",
        object_id=f"{school_class.pk}-{subject.pk}-{term.pk}",
        title=f"{title} — lớp {school_class.name}, học kỳ {term.number}",
        data_hash=digest,
        ruleset_version=sheet.ruleset,
        signers=signers,
        copy_data={
            "subtitle": [
                f"Lớp {school_class.name} — Học kỳ {term.number} — {school_class.year}".replace(
                    "Năm học Năm học", "Năm học"
                ),
                f"Giáo viên bộ môn: {signers[0].name}",
            ],
            "tables": [
                {
                    "caption": "",
                    "headers": ["STT", "Họ và tên"] + [c.label for c in columns],
                    "rows": rows,
                }
            ],
            "notes": [
                f"Giáo viên xác nhận cột điểm lúc "
                f"{signoff.at.astimezone(_tz()):%H:%M ngày %d/%m/%Y}."
            ],
        },
        printing=(
            "hoso.printing.documents.gradebook_sheet",
            "render_gradebook_sheet",
            {"school_class": school_class, "subject": subject, "term": term},
        ),
        layout="gradebook_sheet",
        landscape=len(columns) > 10,
    )


def _tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Ho_Chi_Minh")


def class_book_spec(school_class, term) -> DocumentSpec:
    school = school_class.year.school
    subjects = offerings_by_grade([school_class.grade_id]).get(school_class.grade_id, [])
    digest = class_hash(school_class, term, subjects)
    signoff = Signoff.objects.filter(
        kind=Signoff.Kind.CLASS, school_class=school_class, subject__isnull=True, term=term
    ).first()
    if signoff is None or signoff.data_hash != digest:
        raise DomainError(
            SigningErrorCode.NOT_READY,
            "Giáo viên chủ nhiệm chưa xác nhận lớp cho học kỳ này (hoặc dữ liệu đã thay đổi sau "
            "khi xác nhận): hãy xác nhận trước khi ký số.",
        )
    signers = [
        _signer_for_staff(
            _homeroom(school_class),
            slot="homeroom",
            caption="GIÁO VIÊN CHỦ NHIỆM",
            role_label="Giáo viên chủ nhiệm",
        ),
        _signer_for_staff(
            _principal(school), slot="principal", caption="HIỆU TRƯỞNG", role_label="Hiệu trưởng"
        ),
    ]
    _missing_signer(signers)
    sheet_signoffs = {
        s.subject_id: s
        for s in Signoff.objects.filter(
            kind=Signoff.Kind.SHEET, school_class=school_class, term=term
        ).select_related("by")
    }
    teachers = {
        subject_id: teacher.full_name
        for (subject_id, _term), teacher in sheet_teachers(
            school_class=school_class, term=term
        ).items()
    }
    subject_rows = []
    for s in subjects:
        so = sheet_signoffs.get(s.id)
        subject_rows.append(
            [
                s.name,
                teachers.get(s.id, ""),
                f"{so.at.astimezone(_tz()):%d/%m/%Y}" if so else "chưa xác nhận",
            ]
        )
    students = _students(school_class)
    inputs = {
        hi.student_id: hi
        for hi in HomeroomInput.objects.filter(
            year=school_class.year_id, student_id__in=[s.pk for s, _ in students]
        )
    }
    n = term.number
    # P / K columns when the absences come from attendance (any student has the split).
    split = any(pk_counts(hi, (n,)) is not None for hi in inputs.values())
    student_rows = []
    for i, (st, left) in enumerate(students, start=1):
        hi = inputs.get(st.pk)
        student_rows.append(
            [
                str(i),
                _name(st, left),
                (getattr(hi, f"training_term{n}", "") or "") if hi else "",
                str(getattr(hi, f"absences_term{n}", "") or 0) if hi else "0",
                *([str(x) for x in pk_counts(hi, (n,)) or ("", "")] if split else []),
            ]
        )
    return DocumentSpec(
        school=school,
        kind=DocumentKind.CLASS_BOOK,
        subject_key=f"class_book:class={school_class.pk}:term={term.pk}",
        object_type="gradebook.classterm",
        object_id=f"{school_class.pk}-{term.pk}",
        title=f"Sổ theo dõi và đánh giá học sinh — lớp {school_class.name}, học kỳ {term.number}",
        data_hash=digest,
        signers=signers,
        copy_data={
            "subtitle": [f"Lớp {school_class.name} — Học kỳ {term.number}"],
            "tables": [
                {
                    "caption": "Các môn học",
                    "headers": ["Môn học", "Giáo viên bộ môn", "Xác nhận cột điểm"],
                    "rows": subject_rows,
                },
                {
                    "caption": "Học sinh",
                    "headers": ["STT", "Họ và tên", "Rèn luyện", "Số buổi nghỉ"]
                    + (["Nghỉ có phép (P)", "Nghỉ không phép (K)"] if split else []),
                    "rows": student_rows,
                },
            ],
            "notes": [
                f"Giáo viên chủ nhiệm xác nhận lớp lúc "
                f"{signoff.at.astimezone(_tz()):%H:%M ngày %d/%m/%Y}."
            ],
        },
        printing=(
            "hoso.printing.documents.class_book",
            "render_class_book",
            {"school_class": school_class, "term": term},
        ),
        layout="class_book",
    )


def correction_minute_spec(correction: CorrectionRequest) -> DocumentSpec:
    if correction.state != CorrectionRequest.State.APPLIED:
        raise DomainError(
            SigningErrorCode.NOT_READY,
            "Chỉ ký biên bản sau khi việc sửa điểm đã được xác nhận và thực hiện.",
        )
    school = correction.school
    signers = [
        _signer_for_user(
            school,
            correction.requested_by,
            slot="requester",
            caption="NGƯỜI ĐỀ NGHỊ",
            role_label="Giáo viên bộ môn (người đề nghị)",
        ),
        _signer_for_user(
            school,
            correction.witness,
            slot="witness",
            caption="NGƯỜI CHỨNG KIẾN",
            role_label="Người chứng kiến",
        ),
        _signer_for_user(
            school,
            correction.homeroom,
            slot="homeroom",
            caption="GIÁO VIÊN CHỦ NHIỆM",
            role_label="Giáo viên chủ nhiệm",
        ),
    ]
    _missing_signer(signers)
    one = correction.single
    # A single cell keeps the data (and so the hash) it had before several-cell requests.
    cells = (
        {
            "student": one.student_id,
            "column": one.column,
            "old": [one.old_value, one.old_text],
            "new": [one.new_value, one.new_text],
        }
        if one is not None
        else {
            "items": [
                {
                    "row": i.row,
                    "student": i.student_id,
                    "column": i.column,
                    "old": [i.old_value, i.old_text],
                    "new": [i.new_value, i.new_text],
                }
                for i in correction.cells
            ]
        }
    )
    data = cells | {
        "minute": correction.minute_number,
        "class": correction.school_class_id,
        "subject": correction.subject_id,
        "term": correction.term_id,
        "reason": correction.reason,
        "parties": [s.user_id for s in signers],
        "decided_by": correction.decided_by_id,
        "applied_at": correction.applied_at,
    }
    decided = _signer_for_user(
        school, correction.decided_by, slot="principal", caption="", role_label=""
    ).name
    rows = [
        ["Biên bản số", correction.minute_number],
        ["Lớp", correction.school_class.name],
        ["Môn học", correction.subject.name],
        ["Học kỳ", str(correction.term.number)],
    ]
    for i in correction.cells:  # every change: old → new per student
        old = i.old_value or i.old_text or "(trống)"
        new = i.new_value or i.new_text
        rows.append(
            [
                f"Dòng {i.row}",
                f"{i.student.full_name}, cột {i.column}: {_number(old)} → {_number(new)}",
            ]
        )
    rows += [
        ["Lý do", correction.reason],
        ["Người duyệt", decided],
        [
            "Thời điểm sửa",
            f"{correction.applied_at.astimezone(_tz()):%H:%M ngày %d/%m/%Y}"
            if correction.applied_at
            else "",
        ],
    ]
    return DocumentSpec(
        school=school,
        kind=DocumentKind.CORRECTION_MINUTE,
        subject_key=f"correction_minute:{correction.pk}",
        object_type="gradebook.correctionrequest",
        object_id=str(correction.pk),
        title=f"Biên bản sửa điểm số {correction.minute_number}",
        data_hash=canonical_hash(data),
        signers=signers,
        copy_data={
            "subtitle": [f"Năm học {correction.year.name}"],
            "tables": [{"caption": "", "headers": ["Nội dung", "Chi tiết"], "rows": rows}],
            "notes": [],
        },
        printing=(
            "hoso.printing.documents.correction_minute",
            "render_correction_minute",
            {"correction": correction},
        ),
        layout="correction_minute",
    )


def spec_for_document(document) -> DocumentSpec:
    """The spec of ``document``'s subject as the data is now (NOT_READY when unconfirmed)."""
    from hoso.organisation.models import SchoolClass, Subject, Term

    if document.kind == DocumentKind.RECORD:
        from hoso.records.models import Obligation

        return record_spec(
            Obligation.objects.get(pk=int(document.object_id), school=document.school_id)
        )
    if document.kind == DocumentKind.CORRECTION_MINUTE:
        correction = CorrectionRequest.objects.select_related(
            "school", "student", "school_class", "subject", "term", "year"
        ).get(pk=int(document.object_id), school=document.school_id)
        return correction_minute_spec(correction)
    parts = [int(p) for p in document.object_id.split("-")]
    school_class = SchoolClass.objects.select_related("year__school").get(
        pk=parts[0], year__school=document.school_id
    )
    if document.kind == DocumentKind.GRADE_SHEET:
        subject = Subject.objects.get(pk=parts[1], school=document.school_id)
        term = Term.objects.get(pk=parts[2], year=school_class.year)
        return grade_sheet_spec(school_class, subject, term)
    if document.kind == DocumentKind.CLASS_BOOK:
        term = Term.objects.get(pk=parts[1], year=school_class.year)
        return class_book_spec(school_class, term)
    raise DomainError(SigningErrorCode.BAD_INPUT, "Loại văn bản không hỗ trợ ký lại.")


def record_spec(obligation) -> DocumentSpec:
    """An approved record (hồ sơ) whose last file is a PDF: signed by its owner, then by the
    person who approved it (records issue). The PDF is signed as uploaded."""
    from hoso.records.models import Decision, ObligationState

    if obligation.state != ObligationState.APPROVED:
        raise DomainError(SigningErrorCode.NOT_READY, "Chỉ ký số hồ sơ đã được duyệt.")
    submission = obligation.submissions.order_by("-version").first()
    if submission is None:
        raise DomainError(SigningErrorCode.NOT_READY, "Hồ sơ chưa có tệp nào.")
    with submission.file.open("rb") as fh:
        pdf = fh.read()
    if not files.is_pdf(pdf):
        raise DomainError(
            SigningErrorCode.NOT_READY,
            "Chỉ ký số được hồ sơ dạng PDF; tệp này không phải PDF.",
        )
    school = obligation.school
    approval = (
        Decision.objects.filter(obligation=obligation, kind=Decision.Kind.APPROVE)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    signers = []
    owner = obligation.owner_staff
    if owner is not None and owner.user_id:
        signers.append(
            _signer_for_staff(
                owner, slot="owner", caption="NGƯỜI LẬP", role_label="Người lập hồ sơ"
            )
        )
    if approval is not None and approval.actor_id not in {s.user_id for s in signers}:
        signers.append(
            _signer_for_user(
                school,
                approval.actor,
                slot="approver",
                caption="NGƯỜI DUYỆT",
                role_label="Người duyệt hồ sơ",
            )
        )
    if not signers:
        raise DomainError(SigningErrorCode.NOT_READY, "Hồ sơ này không có người ký.")
    return DocumentSpec(
        school=school,
        kind=DocumentKind.RECORD,
        subject_key=f"record:{obligation.pk}",
        object_type="records.obligation",
        object_id=str(obligation.pk),
        title=f"{obligation.record_type} — {obligation.period_label}",
        data_hash=submission.sha256,
        signers=signers,
        copy_data={},
        source_pdf=pdf,
    )
