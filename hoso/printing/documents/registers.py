"""The school's registers: the enrolment register (sổ đăng bộ) of a school year and the staff
register (sổ danh bạ / sổ quản lý cán bộ, giáo viên, nhân viên)."""

from __future__ import annotations

from hoso.core.text import nfc
from hoso.organisation.models import Gender
from hoso.printing.documents.books import column_spec
from hoso.printing.documents.common import fmt_date, header, person_name, principal_of, signatures
from hoso.printing.render import is_landscape, render_pdf
from hoso.students.models import Enrolment, RegisterEntry, StudentGuardian

STATUS_LABELS = dict(Enrolment.Status.choices)
LEFT_SCHOOL = (Enrolment.Status.TRANSFERRED_OUT, Enrolment.Status.DROPPED_OUT)


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
    struck = []  # left the school this year (transfer out, dropout): kept, struck through in red
    for i, s in enumerate(rows_src):
        entry = entries.get(s.pk)
        history = enrolments[s.pk]
        if history[-1].status in LEFT_SCHOOL:
            struck.append(i)
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
        column_spec("Số ĐB", "auto"),
        column_spec("Họ và tên", "2fr", "left"),
        column_spec("Ngày sinh", "auto"),
        column_spec("Giới tính", "auto"),
        column_spec("Nơi sinh", "1.3fr", "left"),
        column_spec("Dân tộc", "auto"),
        column_spec("Cha, mẹ hoặc người giám hộ", "2fr", "left"),
        column_spec("Nơi ở hiện nay", "2fr", "left"),
        column_spec("Ngày vào trường", "auto"),
        column_spec("Lớp", "auto"),
        column_spec("Chuyển đến, chuyển đi, ghi chú", "1.5fr", "left"),
    ]
    return {
        "kind": "enrolment_register",
        "landscape": is_landscape("enrolment_register"),
        "font_size": 8.5,
        "title": "SỔ ĐĂNG BỘ",
        "subtitle": f"Năm học {year.name}",
        "header": header(school),
        "info": [],
        "sections": [
            {"columns": cols, "rows": rows, "struck": struck, "empty": "Chưa có học sinh."}
        ],
        "notes": [
            f"Tổng số: {len(rows)} học sinh"
            + (f", trong đó {len(struck)} đã rời trường (gạch ngang)." if struck else ".")
        ],
        "signatures": signatures(
            "enrolment_register",
            {"principal": person_name(principal_of(school))},
            head_title=school.head_title,
        ),
    }


def render_enrolment_register(data: dict) -> bytes:
    return render_pdf("book.typ", data)


def staff_register_data(*, school, year, edition=None) -> dict:
    """Sổ quản lý cán bộ, giáo viên, nhân viên: an edition the clerk took (its frozen data), or
    the register as it stands; with its history — the people who left during the year with date
    and reason, and the change log since the previous edition. Landscape A4, in four parts (the
    register has more fields than one row holds). Holds personal data: only the roles entitled
    to it print (hoso.organisation.staff.policies)."""
    from hoso.organisation.staff.register import register_data
    from hoso.organisation.staff.selectors import last_change_id, latest_edition

    if edition is not None:
        data, year_name = edition.data, edition.year.name
        info = [
            ["Bản sổ", f"{data['kind_label']} (số {edition.number})"],
            ["Lập lúc", f"{data['taken_at']}, người lập: {data['taken_by']}"],
        ]
        since = (
            f"bản số {data['previous']['number']}"
            if data.get("previous")
            else "khi bắt đầu dùng sổ"
        )
        when = edition.taken_at
    else:
        previous = latest_edition(school)
        data = register_data(
            school=school,
            year=year,
            since_change_id=previous.last_change_id if previous else 0,
            until_change_id=last_change_id(school),
        )
        year_name = year.name
        info = [["Bản sổ", "Hiện tại (chưa chốt thành bản sổ)"], ["In lúc", _now_text()]]
        since = f"bản số {previous.number}" if previous else "khi bắt đầu dùng sổ"
        when = None
    people = data["active"]

    def v(row, *names, sep=" / "):
        return sep.join(row["values"][n] for n in names if row["values"].get(n))

    part_one = [
        [
            str(i),
            f"{nfc(r['name'])}\n{r['code']}",
            v(r, "birth_date", "gender", sep="\n"),
            v(r, "ethnicity", "religion"),
            r["values"].get("id_number", ""),
            nfc(r["values"]["hometown"]),
            nfc(r["values"]["address"]),
            r["values"]["phone"],
            v(r, "position", "department", sep="\n"),
            v(r, "job_position", "employment", sep="\n"),
            v(r, "start_date", "school_start_date", sep="\n"),
            r.get("leaving", ""),
        ]
        for i, r in enumerate(people, start=1)
    ]
    part_two = [
        [
            str(i),
            nfc(r["name"]),
            v(r, "professional_rank", "rank_code", sep="\n"),
            v(r, "salary_step", "salary_coefficient"),
            v(r, "qualification", "major", sep="\n"),
            r["values"]["political_theory"],
            v(r, "foreign_language", "it_skill", sep="\n"),
            r["values"]["party_member"],
            r["values"]["main_subject"],
            v(r, "standard_rating", "civil_servant_rating", sep="\n"),
            nfc(r["values"]["awards"]),
            nfc(r["values"].get("discipline", "")),
            nfc(r["values"]["note"]),
        ]
        for i, r in enumerate(people, start=1)
    ]
    ended = [
        [
            str(i),
            nfc(r["name"]),
            r["code"],
            r["birth_date"],
            r["position"],
            r["end_date"],
            r["end_reason"],
        ]
        for i, r in enumerate(data["ended"], start=1)
    ]
    changes = [
        [
            str(i),
            c["date"],
            nfc(c["name"]),
            c["kind"] + (f"\n{nfc(c['note'])}" if c["note"] else ""),
            _change_text(c),
            c["who"],
        ]
        for i, c in enumerate(data["changes"], start=1)
    ]
    sections = [
        {
            "heading": "Phần I. Thông tin cá nhân và công tác",
            "columns": [
                column_spec("STT"),
                column_spec("Họ và tên, mã cán bộ", "1.6fr", "left"),
                column_spec("Ngày sinh, giới tính", "auto"),
                column_spec("Dân tộc / tôn giáo", "0.8fr"),
                column_spec("Số định danh cá nhân", "auto"),
                column_spec("Quê quán", "1.2fr", "left"),
                column_spec("Chỗ ở hiện nay", "1.4fr", "left"),
                column_spec("Điện thoại", "auto"),
                column_spec("Chức vụ, tổ", "1.2fr", "left"),
                column_spec("Vị trí việc làm, loại hình", "1.3fr", "left"),
                column_spec("Vào ngành, về trường", "auto"),
                column_spec("Ghi chú", "0.8fr", "left"),
            ],
            "rows": part_one,
            "empty": "Chưa có cán bộ nào.",
        },
        {
            "heading": "Phần II. Chức danh, lương, trình độ, đánh giá",
            "pagebreak": True,
            "columns": [
                column_spec("STT"),
                column_spec("Họ và tên", "1.5fr", "left"),
                column_spec("Hạng, mã số chức danh", "1fr", "left"),
                column_spec("Bậc / hệ số lương", "auto"),
                column_spec("Trình độ, chuyên ngành", "1.3fr", "left"),
                column_spec("Lý luận chính trị", "0.8fr"),
                column_spec("Ngoại ngữ, tin học", "0.9fr", "left"),
                column_spec("Đảng viên", "auto"),
                column_spec("Môn dạy", "0.8fr", "left"),
                column_spec("Chuẩn nghề nghiệp, xếp loại viên chức", "1.2fr", "left"),
                column_spec("Khen thưởng", "1.3fr", "left"),
                column_spec("Kỷ luật", "1fr", "left"),
                column_spec("Ghi chú", "0.8fr", "left"),
            ],
            "rows": part_two,
            "empty": "Chưa có cán bộ nào.",
        },
        {
            "heading": f"Phần III. Thôi công tác trong năm học {year_name}",
            "pagebreak": True,
            "columns": [
                column_spec("STT"),
                column_spec("Họ và tên", "2fr", "left"),
                column_spec("Mã cán bộ", "auto"),
                column_spec("Ngày sinh", "auto"),
                column_spec("Chức vụ", "1.3fr", "left"),
                column_spec("Ngày thôi công tác", "auto"),
                column_spec("Lý do", "1.3fr", "left"),
            ],
            "rows": ended,
            "empty": "Không có ai thôi công tác trong năm học.",
        },
        {
            "heading": f"Phần IV. Theo dõi thay đổi (từ {since})",
            "columns": [
                column_spec("STT"),
                column_spec("Ngày", "auto"),
                column_spec("Họ và tên", "1.3fr", "left"),
                column_spec("Nội dung", "1.2fr", "left"),
                column_spec("Thay đổi (trước → sau)", "3.5fr", "left"),
                column_spec("Người ghi", "1fr", "left"),
            ],
            "rows": changes,
            "empty": "Không có thay đổi nào.",
        },
    ]
    return {
        "kind": "staff_register",
        "landscape": is_landscape("staff_register"),
        "font_size": 8,
        "title": "SỔ QUẢN LÝ CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN",
        "subtitle": f"Năm học {year_name}",
        "header": header(school, date=when),
        "info": info,
        "sections": sections,
        "notes": [
            f"Tổng số: {len(part_one)} người đang công tác; {len(ended)} người thôi công tác "
            f"trong năm học; {len(changes)} thay đổi từ {since}."
        ],
        "signatures": signatures(
            "staff_register",
            {"principal": person_name(principal_of(school))},
            head_title=school.head_title,
        ),
    }


def _change_text(change: dict) -> str:
    from hoso.organisation.staff.register import change_lines

    return change["kind"] if change["created"] else "\n".join(change_lines(change["items"]))


def _now_text() -> str:
    from hoso.core import clock

    return f"{clock.local_now():%H:%M %d/%m/%Y}"


def render_staff_register(data: dict) -> bytes:
    return render_pdf("book.typ", data)
