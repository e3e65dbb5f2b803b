"""The class books printed from the grade book: the class assessment book (sổ theo dõi và đánh
giá học sinh theo lớp) per term or year, one subject's grade sheet, the primary class summary
table (bảng tổng hợp kết quả đánh giá giáo dục của lớp) at a checkpoint, and the approved lists
(promotion, titles, re-tests, summer training, repeat) of a school year.

The class book and the sheets print the grade book as it stands (the book itself; each period's
state is printed with it); the lists print only results the principal has approved."""

from __future__ import annotations

from hoso.assessment.rules import capabilities_for
from hoso.core.errors import DomainError
from hoso.core.text import in_sentence, nfc
from hoso.gradebook.entry.selectors import class_cells
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.results.absences import pk_counts
from hoso.gradebook.results.compute import (
    CHECKPOINT_LABELS,
    DECISION_LABELS,
    LEVEL_LABELS,
    OVERALL_LABELS,
    TERM1,
    TERM2,
    TRAIT_CODES,
    TRAIT_LEVEL_SHORT,
    TRAIT_NAMES,
    YEAR,
    class_ruleset,
    offerings_by_grade,
    period_label,
    school_lists,
    title_label,
)
from hoso.gradebook.results.models import ClassResult, HomeroomInput, StudentResult
from hoso.organisation.assignments.selectors import sheet_teachers
from hoso.organisation.models import Subject
from hoso.printing.documents.common import (
    fmt_date,
    header,
    homeroom_of,
    person_name,
    principal_of,
    score_text,
    signatures,
)
from hoso.printing.errors import PrintingError
from hoso.printing.render import is_landscape, render_pdf
from hoso.students.selectors import class_members

STATE_LABELS = dict(ClassResult.State.choices)
PRIMARY_SHORT = {"T": "T", "H": "H", "C": "C"}


def class_students(school_class) -> list:
    """Everyone who was in the class this year, in Vietnamese alphabetical order: the members
    now and those who left during the year (``class_leavers``: printed struck through)."""
    return [e.student for e in class_members(school_class)]


def class_leavers(school_class) -> dict[int, str]:
    """Student id → "Chuyển đi 12/01/2027 — lý do" for those who left the class this year."""
    return {e.student_id: e.leaving_label for e in class_members(school_class) if e.left}


def strike_left(sections: list[dict], students: list, left: dict[int, str]) -> None:
    """Mark the rows of the students who left (one row per student, in ``students`` order):
    red strike-through in the print (``book.typ``), the date and reason after the name."""
    if not left:
        return
    struck = [i for i, st in enumerate(students) if st.pk in left]
    for section in sections:
        if len(section["rows"]) != len(students):
            continue
        section["struck"] = struck
        for i in struck:
            row = section["rows"][i]
            row[1] = f"{row[1]} ({left[students[i].pk]})"


def members_count(students: list, left: dict[int, str]) -> str:
    """Sĩ số: the members now, and who left in brackets."""
    now = len(students) - len(left)
    return f"{now} (đã rời lớp: {len(left)})" if left else str(now)


def column_spec(label, width="auto", align="center", group=None, rotate=False) -> dict:
    out = {"label": label, "width": width, "align": align}
    if group:
        out["group"] = group
    if rotate:
        out["rotate"] = True
    return out


def _cells(school_class, term) -> dict[tuple[int, int, str], str]:
    """(student id, subject id, column) → value of one term of the class (``class_cells``: what
    was entered in the class, and the members' cells brought from a former class)."""
    return {
        (s, subj, col): v
        for s, subj, col, v in class_cells(school_class, term).values_list(
            "student_id", "subject_id", "column", "value"
        )
    }


def _results(school_class, period: str) -> tuple[dict[int, dict], str]:
    rows, state, _ = _results_with_date(school_class, period)
    return rows, state


def _results_with_date(school_class, period: str):
    """(student id → result data, the period's state label, approval time or None)."""
    cr = ClassResult.objects.filter(school_class=school_class, period=period).first()
    if cr is None:
        return {}, "Chưa tính kết quả", None
    rows = {sr.student_id: sr.data for sr in StudentResult.objects.filter(class_result=cr)}
    approved = cr.approved_at if cr.state == ClassResult.State.APPROVED else None
    return rows, STATE_LABELS.get(cr.state, cr.state), approved


def _class_info(school_class) -> list[list[str]]:
    homeroom = homeroom_of(school_class)
    return [
        ["Lớp", nfc(school_class.name)],
        ["Năm học", school_class.year.name],
        ["Giáo viên chủ nhiệm", person_name(homeroom)],
        ["Sĩ số", ""],
    ]


def _term_of(school_class, number: int):
    return school_class.year.terms.get(number=number)


def _sheet_section(school_class, subject, term, students, cells, results, *, teacher="") -> dict:
    sheet = load_sheet(school_class, subject, term)
    columns = [c for c in sheet.columns if c.kind != "text"]
    period = TERM1 if term.number == 1 else TERM2
    term_result = sheet.capabilities.subject_term_result
    # The assessment columns as wide as their headings ("ĐTBmhk" ran over a 1fr cell of the
    # portrait sheet), the name taking the rest of the line.
    cols = [column_spec("STT"), column_spec("Họ và tên", "1fr", "left")]
    cols += [column_spec(c.label, "auto") for c in columns]
    if term_result:
        heading = sheet.capabilities.term_result_heading(subject.assessment)
        cols.append(column_spec(heading, "auto"))
    rows = []
    for i, st in enumerate(students, start=1):
        row = [str(i), person_name(st)]
        row += [score_text(cells.get((st.pk, subject.pk, c.key), "")) for c in columns]
        if term_result:
            item = ((results.get(st.pk) or {}).get("subjects") or {}).get(subject.code) or {}
            row.append(score_text(item.get(period)))
        rows.append(row)
    heading = f"Môn: {nfc(subject.name)} — {term_label(term.number)}"
    if teacher:
        heading += f" — Giáo viên: {teacher}"
    return {"heading": heading, "columns": cols, "rows": rows}


def term_label(number: int) -> str:
    return "Học kỳ I" if number == 1 else "Học kỳ II"


def _teachers(school_class, term) -> dict[int, str]:
    """Subject id → the teacher of the term's sheet on the year's reference day."""
    return {
        subject_id: person_name(teacher)
        for (subject_id, _term), teacher in sheet_teachers(
            school_class=school_class, term=term
        ).items()
    }


def class_book_data(*, school_class, period: str) -> dict:
    """Sổ theo dõi và đánh giá học sinh (theo lớp): for a term, one table per subject (every
    assessment column and the term average) and the class summary (training, learning,
    absences); for the year, the subject averages of both terms and the year."""
    if period not in (TERM1, TERM2, YEAR):
        raise DomainError(PrintingError.BAD_SCOPE, "Giai đoạn không hợp lệ.")
    school = school_class.year.school
    ruleset = class_ruleset(school_class)
    rules = capabilities_for(ruleset)
    students = class_students(school_class)
    subjects = offerings_by_grade([school_class.grade_id]).get(school_class.grade_id, [])
    subject_objs = {s.pk: s for s in Subject.objects.filter(pk__in=[s.id for s in subjects])}
    results, state, approved_at = _results_with_date(school_class, period)
    sections = []
    if period in (TERM1, TERM2):
        term = _term_of(school_class, 1 if period == TERM1 else 2)
        cells = _cells(school_class, term)
        teachers = _teachers(school_class, term)
        for spec in subjects:
            section = _sheet_section(
                school_class,
                subject_objs[spec.id],
                term,
                students,
                cells,
                results,
                teacher=teachers.get(spec.id, ""),
            )
            sections.append(section)  # packed: a subject starts where the previous one ends
    else:
        for spec in subjects:
            cols = [column_spec("STT"), column_spec("Họ và tên", "3fr", "left")]
            keys = rules.periods
            cols += [column_spec(period_label(k, ruleset), "1fr") for k in keys]
            rows = []
            for i, st in enumerate(students, start=1):
                item = ((results.get(st.pk) or {}).get("subjects") or {}).get(spec.code) or {}
                if rules.by_checkpoints:  # a level for the year, none for term 1
                    rows.append([str(i), person_name(st), "", score_text(item.get("level"))])
                else:
                    rows.append([str(i), person_name(st)] + [score_text(item.get(k)) for k in keys])
            sections.append(
                {
                    "heading": (
                        f"Môn: {nfc(spec.name)} — {rules.subject_result_caption(spec.assessment)}"
                    ),
                    "columns": cols,
                    "rows": rows,
                }
            )
    sections.append(_summary_section(school_class, students, results, period, rules.by_checkpoints))
    left = class_leavers(school_class)
    strike_left(sections, students, left)
    info = _class_info(school_class)
    info[3][1] = members_count(students, left)
    label = period_label(period, ruleset)
    return {
        "kind": "class_book",
        "landscape": is_landscape("class_book"),
        "title": "SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH",
        "subtitle": f"Lớp {nfc(school_class.name)} — {label} — Năm học {school_class.year.name}",
        "header": header(school, date=approved_at),
        "info": info,
        "sections": sections,
        "notes": [f"Tình trạng kết quả {in_sentence(label)}: {state}."],
        "signatures": signatures(
            "class_book",
            {
                "homeroom": info[2][1],
                "principal": person_name(principal_of(school)),
            },
            head_title=school.head_title,
        ),
    }


def absence_splits(school_class, students, period: str) -> dict[int, tuple[int, int]]:
    """Per student, (P, K) of the period's absences when they come from attendance (the
    school's source is "daily"); empty for typed totals."""
    numbers = {TERM1: (1,), TERM2: (2,)}.get(period, (1, 2))
    out = {}
    for hi in HomeroomInput.objects.filter(
        year=school_class.year_id, student_id__in=[s.pk for s in students]
    ):
        counts = pk_counts(hi, numbers)
        if counts is not None:
            out[hi.student_id] = counts
    return out


def _summary_section(school_class, students, results, period, by_checkpoints) -> dict:
    cols = [column_spec("STT"), column_spec("Họ và tên", "3fr", "left")]
    splits = absence_splits(school_class, students, period)
    if by_checkpoints:
        cols += [column_spec("Kết quả giáo dục", "1.5fr"), column_spec("Khen thưởng", "1.5fr")]
    else:
        cols += [
            column_spec("Rèn luyện", "1fr"),
            column_spec("Học tập", "1fr"),
            column_spec("Số buổi nghỉ", "1fr"),
        ]
        if splits:
            cols += [column_spec("Nghỉ có phép", "0.8fr"), column_spec("Nghỉ không phép", "0.8fr")]
        cols += [
            column_spec("Danh hiệu", "1.3fr"),
            column_spec("Kết quả xét lên lớp", "1.6fr"),
        ]
    rows = []
    ruleset = class_ruleset(school_class)
    for i, st in enumerate(students, start=1):
        data = results.get(st.pk) or {}
        if by_checkpoints:
            rows.append(
                [
                    str(i),
                    person_name(st),
                    OVERALL_LABELS.get(data.get("overall") or "", ""),
                    title_label(data.get("title"), ruleset),
                ]
            )
            continue
        key = period if period in (TERM1, TERM2) else "year"
        training = (data.get("training") or {}).get(key)
        learning = (data.get("learning") or {}).get(key)
        absences = data.get("absences")
        split = [str(n) for n in splits[st.pk]] if st.pk in splits else ["", ""]
        rows.append(
            [
                str(i),
                person_name(st),
                LEVEL_LABELS.get(training or "", ""),
                LEVEL_LABELS.get(learning or "", ""),
                "" if absences is None else str(absences),
                *(split if splits else []),
                title_label(data.get("title"), ruleset),
                DECISION_LABELS.get(data.get("decision") or "", ""),
            ]
        )
    return {
        "heading": "Tổng hợp kết quả đánh giá của lớp",
        "columns": cols,
        "rows": rows,
        "pagebreak": True,
    }


def render_class_book(data: dict) -> bytes:
    return render_pdf("book.typ", data)


# ---------------------------------------------------------------------------- grade sheet


def gradebook_sheet_data(*, school_class, subject, term) -> dict:
    """Bảng điểm môn học: one subject teacher's sheet of a class and term."""
    school = school_class.year.school
    students = class_students(school_class)
    period = TERM1 if term.number == 1 else TERM2
    results, state = _results(school_class, period)
    teacher = _teachers(school_class, term).get(subject.pk, "")
    section = _sheet_section(
        school_class, subject, term, students, _cells(school_class, term), results
    )
    section.pop("heading")
    left = class_leavers(school_class)
    strike_left([section], students, left)
    return {
        "kind": "gradebook_sheet",
        "landscape": is_landscape("gradebook_sheet"),
        "title": "BẢNG ĐIỂM MÔN HỌC",
        "subtitle": f"Môn {nfc(subject.name)} — Lớp {nfc(school_class.name)} — "
        f"{term_label(term.number)} — Năm học {school_class.year.name}",
        "header": header(school),
        "info": [
            ["Giáo viên bộ môn", teacher],
            ["Sĩ số", members_count(students, left)],
        ],
        "sections": [section],
        "notes": [f"Tình trạng kết quả {in_sentence(term_label(term.number))}: {state}."],
        "signatures": signatures("gradebook_sheet", {"teacher": teacher}),
    }


def render_gradebook_sheet(data: dict) -> bytes:
    return render_pdf("book.typ", data)


# -------------------------------------------------------------------- primary class summary

SUMMARY_CHECKPOINTS = ("mid1", "end1", "mid2", "end2")


def class_summary_data(*, school_class, checkpoint: str) -> dict:
    """Bảng tổng hợp kết quả đánh giá giáo dục của lớp (TT27, primary) at a checkpoint: per
    subject the level (T/H/C) and the periodic test score, per quality and competency the level
    (T/Đ/C); at the end of the year the result of education, the award and completion."""
    if checkpoint not in SUMMARY_CHECKPOINTS:
        raise DomainError(PrintingError.BAD_SCOPE, "Thời điểm đánh giá không hợp lệ.")
    ruleset = class_ruleset(school_class)
    if not capabilities_for(ruleset).trait_checkpoints:
        raise DomainError(
            PrintingError.BAD_SCOPE, "Bảng tổng hợp chỉ dành cho lớp tiểu học (Thông tư 27)."
        )
    school = school_class.year.school
    students = class_students(school_class)
    term = _term_of(school_class, 1 if checkpoint in ("mid1", "end1") else 2)
    cells = _cells(school_class, term)
    subjects = offerings_by_grade([school_class.grade_id]).get(school_class.grade_id, [])
    inputs = {
        hi.student_id: hi
        for hi in HomeroomInput.objects.filter(
            year=school_class.year, student_id__in=[s.pk for s in students]
        )
    }
    year_results, state = _results(school_class, YEAR) if checkpoint == "end2" else ({}, "")
    # Narrow level columns sharing the width, their names printed bottom-to-top: ten subjects,
    # five qualities and ten competencies fit across a landscape page.
    cols = [column_spec("STT"), column_spec("Họ và tên", "118pt", "left")]
    for spec in subjects:
        if spec.tested:
            cols.append(column_spec("Mức", "1fr", group=nfc(spec.name), rotate=True))
            cols.append(column_spec("Điểm KTĐK", "1fr", group=nfc(spec.name), rotate=True))
        else:
            cols.append(column_spec(nfc(spec.name), "1fr", rotate=True))
    for kind, group in (("qualities", "Phẩm chất"), ("competencies", "Năng lực")):
        for code in TRAIT_CODES[kind]:
            name = _short_trait(TRAIT_NAMES[kind][code])
            cols.append(column_spec(name, "1fr", group=group, rotate=True))
    # The absences of the term (end of term I) or of the year, with P / K from attendance.
    absence_numbers = {"end1": (1,), "end2": (1, 2)}.get(checkpoint, ())
    splits = (
        absence_splits(school_class, students, TERM1 if checkpoint == "end1" else YEAR)
        if absence_numbers
        else {}
    )
    if absence_numbers:
        cols.append(column_spec("Số buổi nghỉ", "1fr", rotate=True))
        if splits:
            cols.append(column_spec("Nghỉ có phép", "1fr", rotate=True))
            cols.append(column_spec("Nghỉ không phép", "1fr", rotate=True))
    if checkpoint == "end2":
        cols += [
            column_spec("Kết quả giáo dục", "1fr", rotate=True),
            column_spec("Khen thưởng", "62pt"),
            column_spec("Hoàn thành chương trình", "1fr", rotate=True),
        ]
    rows = []
    for i, st in enumerate(students, start=1):
        row = [str(i), person_name(st)]
        for spec in subjects:
            row.append(PRIMARY_SHORT.get(cells.get((st.pk, spec.id, f"MUC_{checkpoint}"), ""), ""))
            if spec.tested:
                row.append(cells.get((st.pk, spec.id, f"KT_{checkpoint}"), ""))
        hi = inputs.get(st.pk)
        for kind in ("qualities", "competencies"):
            stored = ((getattr(hi, kind, None) or {}) if hi else {}).get(checkpoint) or {}
            row += [TRAIT_LEVEL_SHORT.get(stored.get(code) or "", "") for code in TRAIT_CODES[kind]]
        if absence_numbers:
            values = [
                getattr(hi, f"absences_term{n}", None) if hi else None for n in absence_numbers
            ]
            row.append("" if None in values else str(sum(values)))
            if splits:
                row += [str(n) for n in splits[st.pk]] if st.pk in splits else ["", ""]
        if checkpoint == "end2":
            data = year_results.get(st.pk) or {}
            completed = data.get("completed")
            row += [
                {"HTXS": "HTXS", "HTT": "HTT", "HT": "HT", "CHT": "CHT"}.get(
                    data.get("overall") or "", ""
                ),
                title_label(data.get("title"), ruleset),
                "Có" if completed is True else "Chưa" if completed is False else "",
            ]
        rows.append(row)
    section = {"columns": cols, "rows": rows}
    strike_left([section], students, class_leavers(school_class))
    notes = [
        "Môn học: T = Hoàn thành tốt, H = Hoàn thành, C = Chưa hoàn thành. Phẩm chất, năng lực: "
        "T = Tốt, Đ = Đạt, C = Cần cố gắng."
    ]
    if checkpoint == "end2":
        notes.append(
            "Kết quả giáo dục: HTXS = Hoàn thành xuất sắc, HTT = Hoàn thành tốt, HT = Hoàn thành, "
            f"CHT = Chưa hoàn thành. Tình trạng kết quả cuối năm: {state}."
        )
    return {
        "kind": "class_summary",
        "landscape": is_landscape("class_summary"),
        "font_size": 7.5,
        "title": "BẢNG TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ GIÁO DỤC CỦA LỚP",
        "subtitle": f"Lớp {nfc(school_class.name)} — {CHECKPOINT_LABELS[checkpoint]} — "
        f"Năm học {school_class.year.name}",
        "header": header(school),
        "info": [],
        "sections": [section],
        "notes": notes,
        "signatures": signatures(
            "class_summary",
            {
                "homeroom": person_name(homeroom_of(school_class)),
                "principal": person_name(principal_of(school)),
            },
            head_title=school.head_title,
        ),
    }


def _short_trait(name: str) -> str:
    """Column headers of the qualities/competencies, capitalised ("tự chủ và tự học" →
    "Tự chủ và tự học")."""
    text = nfc(name)
    return text[:1].upper() + text[1:]


def render_class_summary(data: dict) -> bytes:
    return render_pdf("book.typ", data)


# --------------------------------------------------------------------------- approved lists

LIST_TITLES = {
    "promotion": "DANH SÁCH HỌC SINH ĐƯỢC LÊN LỚP",
    "titles": "DANH SÁCH HỌC SINH ĐƯỢC KHEN THƯỞNG",
    "retest": "DANH SÁCH HỌC SINH KIỂM TRA LẠI",
    "summer": "DANH SÁCH HỌC SINH RÈN LUYỆN TRONG KỲ NGHỈ HÈ",
    "repeat": "DANH SÁCH HỌC SINH Ở LẠI LỚP",
}


def approved_list_data(*, year, list_name: str, period: str = YEAR) -> dict:
    """One of the principal's lists for the whole school, from approved class results only
    (classes not approved yet are named in a note)."""
    if list_name not in LIST_TITLES:
        raise DomainError(PrintingError.BAD_SCOPE, "Không có danh sách này.")
    school = year.school
    entries = school_lists(year, period)
    cols = [
        column_spec("STT"),
        column_spec("Họ và tên", "3fr", "left"),
        column_spec("Ngày sinh", "1.2fr"),
        column_spec("Lớp", "auto"),
        column_spec("Kết quả học tập / giáo dục", "1.4fr"),
        column_spec("Rèn luyện", "1fr"),
    ]
    # The promotion and repeat lists show the year's absences (with P / K from attendance).
    with_absences = list_name in ("promotion", "repeat")
    if with_absences:
        cols.append(column_spec("Số buổi nghỉ", "1.2fr"))
        inputs = {
            hi.student_id: hi
            for hi in HomeroomInput.objects.filter(year=year).only(
                "student_id", "excused_term1", "excused_term2", "unexcused_term1", "unexcused_term2"
            )
        }
    cols.append(column_spec("Ghi chú", "2.2fr", "left"))
    names = dict(Subject.objects.filter(school=school).values_list("code", "name"))
    rows, waiting, approved_at = [], [], []
    n = 0
    for entry in entries:
        if entry.class_result is None or entry.class_result.state != ClassResult.State.APPROVED:
            waiting.append(nfc(entry.school_class.name))
            continue
        if entry.class_result.approved_at:
            approved_at.append(entry.class_result.approved_at)
        by_checkpoints = entry.rules.by_checkpoints
        for row in entry.lists.get(list_name, []):
            n += 1
            d = row.data
            if by_checkpoints:
                learning, training = OVERALL_LABELS.get(d.get("overall") or "", ""), ""
            else:
                learning = LEVEL_LABELS.get((d.get("learning") or {}).get("year") or "", "")
                training = LEVEL_LABELS.get((d.get("training") or {}).get("year") or "", "")
            rows.append(
                [
                    str(n),
                    person_name(row.student),
                    fmt_date(row.student.birth_date),
                    nfc(entry.school_class.name),
                    learning,
                    training,
                    *(
                        [absences_text(d.get("absences"), inputs.get(row.student.pk))]
                        if with_absences
                        else []
                    ),
                    _list_note(list_name, d, entry.ruleset, names),
                ]
            )
    notes = [f"Tổng số: {n} học sinh."]
    if waiting:
        notes.append(
            "Các lớp chưa được phê duyệt kết quả (chưa có trong danh sách): "
            + ", ".join(waiting)
            + "."
        )
    return {
        "kind": "approved_list",
        "landscape": False,
        "title": LIST_TITLES[list_name],
        "subtitle": f"{period_label(period)} — Năm học {year.name}",
        # dated the day the last class included was approved (a blank line when none is)
        "header": header(school, date=max(approved_at) if approved_at else None),
        "info": [],
        "sections": [{"columns": cols, "rows": rows, "empty": "Không có học sinh nào."}],
        "notes": notes,
        "signatures": signatures(
            "approved_list",
            {"principal": person_name(principal_of(school))},
            head_title=school.head_title,
        ),
    }


def absences_text(total, hi) -> str:
    """ "46 (P 20, K 26)" — the year's absences, with the split when it comes from attendance."""
    if total is None:
        return ""
    counts = pk_counts(hi, (1, 2))
    return f"{total} (P {counts[0]}, K {counts[1]})" if counts else str(total)


def _list_note(list_name: str, d: dict, ruleset: str, names: dict[str, str]) -> str:
    if list_name == "titles":
        return title_label(d.get("title"), ruleset)
    if list_name == "retest":
        return "Môn: " + ", ".join(nfc(names.get(c, c)) for c in d.get("retest_subjects") or [])
    if list_name in ("summer", "repeat", "promotion"):
        return DECISION_LABELS.get(d.get("final_decision") or d.get("decision") or "", "")
    return ""


def render_approved_list(data: dict) -> bytes:
    return render_pdf("book.typ", data)
