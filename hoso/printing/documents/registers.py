"""The school's registers: the enrolment register (sổ đăng bộ) of a school year and the staff
register (sổ danh bạ / sổ quản lý cán bộ, giáo viên, nhân viên)."""

from __future__ import annotations

from hoso.core.text import nfc
from hoso.organisation.models import Gender, Staff
from hoso.printing.documents.books import _col
from hoso.printing.documents.common import fmt_date, header, person_name, principal_of, signatures
from hoso.printing.render import is_landscape, render_pdf
from hoso.students.models import Enrolment, RegisterEntry, StudentGuardian

STATUS_LABELS = dict(Enrolment.Status.choices)


def _gender(code: str) -> str:
    return Gender(code).label if code in Gender.values else ""


def enrolment_register_data(*, year) -> dict:
    """Sổ đăng bộ: every student enrolled in ``year``, by register number, with identity,
    parents, address, date of entry, class and status (transfers with their dates)."""
    school = year.school
    enrolments: dict[int, list[Enrolment]] = {}
    for e in (
        Enrolment.objects.filter(year=year)
        .select_related("school_class")
        .order_by("start_date", "pk")
    ):
        enrolments.setdefault(e.student_id, []).append(e)
    entries = {
        r.student_id: r
        for r in RegisterEntry.objects.filter(student_id__in=list(enrolments)).select_related(
            "student"
        )
    }
    parents: dict[int, list[str]] = {}
    for link in (
        StudentGuardian.objects.filter(student_id__in=list(enrolments))
        .select_related("guardian")
        .order_by("relation", "guardian__full_name")
    ):
        parents.setdefault(link.student_id, []).append(
            f"{StudentGuardian.Relation(link.relation).label}: {nfc(link.guardian.full_name)}"
        )
    from hoso.students.models import Student

    students = Student.objects.filter(pk__in=list(enrolments))
    rows_src = sorted(
        students,
        key=lambda s: (
            entries[s.pk].number if s.pk in entries else 10**9,
            s.sort_name,
            s.student_code,
        ),
    )
    rows = []
    for s in rows_src:
        entry = entries.get(s.pk)
        history = enrolments[s.pk]
        classes = " → ".join(nfc(e.school_class.name) for e in history)
        notes = []
        for e in history:
            if e.status != Enrolment.Status.STUDYING:
                when = fmt_date(e.end_date or e.start_date)
                notes.append(f"{STATUS_LABELS.get(e.status, e.status)} {when}".strip())
            if e.note:
                notes.append(nfc(e.note))
        rows.append(
            [
                str(entry.number) if entry else "",
                person_name(s),
                fmt_date(s.birth_date),
                _gender(s.gender),
                nfc(s.birth_place),
                nfc(s.ethnicity),
                "; ".join(parents.get(s.pk, [])),
                nfc(s.address),
                fmt_date(entry.entered_on) if entry else "",
                classes,
                "; ".join(notes),
            ]
        )
    cols = [
        _col("Số ĐB", "auto"),
        _col("Họ và tên", "2fr", "left"),
        _col("Ngày sinh", "auto"),
        _col("Giới tính", "auto"),
        _col("Nơi sinh", "1.3fr", "left"),
        _col("Dân tộc", "auto"),
        _col("Cha, mẹ hoặc người giám hộ", "2fr", "left"),
        _col("Nơi ở hiện nay", "2fr", "left"),
        _col("Ngày vào trường", "auto"),
        _col("Lớp", "auto"),
        _col("Chuyển đến, chuyển đi, ghi chú", "1.5fr", "left"),
    ]
    return {
        "kind": "enrolment_register",
        "landscape": is_landscape("enrolment_register"),
        "font_size": 8.5,
        "title": "SỔ ĐĂNG BỘ",
        "subtitle": f"Năm học {year.name}",
        "header": header(school),
        "info": [],
        "sections": [{"columns": cols, "rows": rows, "empty": "Chưa có học sinh."}],
        "notes": [f"Tổng số: {len(rows)} học sinh."],
        "signatures": signatures(
            "enrolment_register",
            {"principal": person_name(principal_of(school))},
            head_title=school.head_title,
        ),
    }


def render_enrolment_register(data: dict) -> bytes:
    return render_pdf("book.typ", data)


def staff_register_data(*, school) -> dict:
    """Sổ danh bạ cán bộ, giáo viên, nhân viên: the active staff in alphabetical order (the
    national ID number is not printed: not needed in the register, personal data)."""
    staff = (
        Staff.objects.filter(school=school, is_active=True)
        .select_related("department")
        .order_by("sort_name", "code")
    )
    rows = []
    for i, s in enumerate(staff, start=1):
        rows.append(
            [
                str(i),
                person_name(s),
                fmt_date(s.birth_date),
                _gender(s.gender),
                nfc(s.ethnicity),
                s.get_position_display(),
                nfc(s.department.name) if s.department_id else "",
                nfc(s.qualification),
                nfc(s.main_subject),
                fmt_date(s.start_date),
                s.get_employment_display(),
                s.phone,
            ]
        )
    cols = [
        _col("STT"),
        _col("Họ và tên", "2fr", "left"),
        _col("Ngày sinh", "auto"),
        _col("Giới tính", "auto"),
        _col("Dân tộc", "auto"),
        _col("Chức vụ", "1.3fr", "left"),
        _col("Tổ", "1.3fr", "left"),
        _col("Trình độ chuyên môn", "1.3fr", "left"),
        _col("Môn dạy", "1fr", "left"),
        _col("Ngày vào ngành", "auto"),
        _col("Hình thức", "auto"),
        _col("Điện thoại", "auto"),
    ]
    return {
        "kind": "staff_register",
        "landscape": is_landscape("staff_register"),
        "font_size": 8.5,
        "title": "SỔ DANH BẠ CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN",
        "subtitle": nfc(school.name),
        "header": header(school),
        "info": [],
        "sections": [{"columns": cols, "rows": rows, "empty": "Chưa có cán bộ nào."}],
        "notes": [f"Tổng số: {len(rows)} người."],
        "signatures": signatures(
            "staff_register",
            {"principal": person_name(principal_of(school))},
            head_title=school.head_title,
        ),
    }


def render_staff_register(data: dict) -> bytes:
    return render_pdf("book.typ", data)
