"""The printed documents and the Excel exports of completion and graduation.

PDFs go through printing's Typst layout of tabular books (``book.typ``: national header, title,
information lines, tables, notes, signatures; fonts pinned by path): the primary completion
list, list 1 / list 2 of a round, the council's minutes (biên bản), the proposal (tờ trình) to
the superior body, and the diploma-issue book (sổ cấp phát văn bằng, A4 landscape). Excel:
the same lists, one sheet each (openpyxl)."""

from __future__ import annotations

import io

from hoso.core.text import nfc
from hoso.graduation import conditions, selectors
from hoso.graduation.models import CouncilMember, DiplomaBook, DiplomaEntry, GraduationRound
from hoso.organisation.models import Gender
from hoso.printing.documents.books import column_spec
from hoso.printing.documents.common import fmt_date, header, person_name, principal_of
from hoso.printing.render import render_pdf


def _gender(code: str) -> str:
    return Gender(code).label if code in Gender.values else ""


def _slot(caption: str, name: str = "", note: str = "(Ký, ghi rõ họ tên)") -> dict:
    return {"slot": caption.lower(), "caption": caption, "note": note, "name": nfc(name)}


def _principal_slot(school) -> dict:
    return _slot(nfc(school.head_title).upper(), person_name(principal_of(school)))


def _book(data: dict) -> bytes:
    return render_pdf("book.typ", data)


# ------------------------------------------------------------------------ primary completion

COMPLETION_COLUMNS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Lớp", "Kết quả giáo dục"]


def completion_rows(rows, *, with_reason: bool) -> list[list[str]]:
    return [
        [
            str(i),
            person_name(r.student),
            fmt_date(r.student.birth_date),
            _gender(r.student.gender),
            nfc(r.school_class.name),
            r.result,
            *([r.reason] if with_reason else []),
        ]
        for i, r in enumerate(rows, start=1)
    ]


def primary_completion_pdf(listing: selectors.CompletionList) -> bytes:
    year = listing.year
    school = year.school
    cols = [
        column_spec("STT", "auto", "center"),
        column_spec("Họ và tên", "2fr", "left"),
        column_spec("Ngày sinh", "auto", "center"),
        column_spec("Giới tính", "auto", "center"),
        column_spec("Lớp", "auto", "center"),
        column_spec("Kết quả giáo dục", "1.2fr", "left"),
    ]
    return _book(
        {
            "landscape": False,
            "font_size": 10,
            "title": "DANH SÁCH HỌC SINH HOÀN THÀNH CHƯƠNG TRÌNH TIỂU HỌC",
            "subtitle": f"Năm học {year.name}",
            "header": header(school),
            "info": [],
            "sections": [
                {
                    "heading": f"Học sinh hoàn thành chương trình tiểu học ({len(listing.completed)})",
                    "columns": cols,
                    "rows": completion_rows(listing.completed, with_reason=False),
                    "empty": "Chưa có học sinh.",
                },
                {
                    "heading": "Học sinh chưa hoàn thành chương trình tiểu học "
                    f"({len(listing.not_completed)})",
                    "columns": [*cols, column_spec("Lý do", "2fr", "left")],
                    "rows": completion_rows(listing.not_completed, with_reason=True),
                    "empty": "Không có học sinh.",
                },
            ],
            "notes": [
                "Theo kết quả cả năm đã được hiệu trưởng phê duyệt (Thông tư 27/2020/TT-BGDĐT); "
                "học bạ của học sinh hoàn thành ghi “Hoàn thành chương trình tiểu học”."
            ],
            "signatures": [_principal_slot(school)],
        }
    )


# ------------------------------------------------------------------------ rounds


def _reason(c, key: str) -> str:
    return (c.conditions.get(key) or {}).get("reason", "")


def list_rows(cands, *, with_reasons: bool) -> list[list[str]]:
    out = []
    for i, c in enumerate(cands, start=1):
        age = (c.conditions.get("age") or {}).get("age")
        absences = (c.conditions.get("programme") or {}).get("absences")
        row = [
            str(i),
            person_name(c.student),
            fmt_date(c.student.birth_date),
            _gender(c.student.gender),
            nfc(c.student.birth_place),
            nfc(c.school_class.name),
            "" if age is None else str(age),
            "" if absences is None else str(absences),
        ]
        if with_reasons:
            row += [_reason(c, "age"), _reason(c, "programme"), _reason(c, "dossier")]
        else:  # list 1: an age exception is said (who accepted it is in the audit trail)
            row.append(f"Ngoại lệ về tuổi: {nfc(c.age_exception)}" if c.age_exception else "")
        out.append(row)
    return out


LIST_COLUMNS = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Nơi sinh",
    "Lớp",
    "Tuổi",
    "Số buổi nghỉ",
]
REASON_COLUMNS = [conditions.CONDITION_LABELS[k] for k in ("age", "programme", "dossier")]


def _list_cols(with_reasons: bool) -> list[dict]:
    cols = [
        column_spec("STT", "auto", "center"),
        column_spec("Họ và tên", "1.6fr", "left"),
        column_spec("Ngày sinh", "auto", "center"),
        column_spec("Giới tính", "auto", "center"),
        column_spec("Nơi sinh", "1fr", "left"),
        column_spec("Lớp", "auto", "center"),
        column_spec("Tuổi", "auto", "center"),
        column_spec("Số buổi nghỉ", "auto", "center"),
    ]
    if with_reasons:
        cols += [column_spec(label, "1.4fr", "left") for label in REASON_COLUMNS]
    else:
        cols.append(column_spec("Ghi chú", "1.2fr", "left"))
    return cols


def _list_sections(lists: selectors.RoundLists) -> list[dict]:
    return [
        {
            "heading": "Danh sách 1: học sinh đủ điều kiện công nhận tốt nghiệp "
            f"({len(lists.eligible)})",
            "columns": _list_cols(False),
            "rows": list_rows(lists.eligible, with_reasons=False),
            "empty": "Không có học sinh.",
        },
        {
            "heading": "Danh sách 2: học sinh không đủ điều kiện công nhận tốt nghiệp "
            f"({len(lists.not_eligible)}), lý do theo từng điều kiện",
            "columns": _list_cols(True),
            "rows": list_rows(lists.not_eligible, with_reasons=True),
            "empty": "Không có học sinh.",
        },
    ]


def _round_title(rnd: GraduationRound) -> str:
    return f"Năm học {rnd.year.name} — đợt {rnd.number}"


def round_lists_pdf(rnd: GraduationRound, lists: selectors.RoundLists) -> bytes:
    school = rnd.school
    return _book(
        {
            "landscape": True,
            "font_size": 9,
            "title": "DANH SÁCH XÉT CÔNG NHẬN TỐT NGHIỆP TRUNG HỌC CƠ SỞ",
            "subtitle": _round_title(rnd),
            "header": header(school, date=rnd.review_date),
            "info": [],
            "sections": _list_sections(lists),
            "notes": [
                "Xét theo Thông tư 31/2023/TT-BGDĐT (Điều 4: độ tuổi, hoàn thành "
                "chương trình THCS, hồ sơ dự xét)."
            ],
            "signatures": [_principal_slot(school)],
        }
    )


def _chair_and_secretary(members) -> tuple[str, str]:
    chair = next((m for m in members if m.role == CouncilMember.Role.CHAIR), None)
    secretary = next((m for m in members if m.role == CouncilMember.Role.SECRETARY), None)
    return (
        person_name(chair.staff) if chair else "",
        person_name(secretary.staff) if secretary else "",
    )


def minutes_pdf(rnd: GraduationRound, lists: selectors.RoundLists) -> bytes:
    """Biên bản họp hội đồng xét công nhận tốt nghiệp THCS."""
    school = rnd.school
    members = list(selectors.council(rnd))
    chair, secretary = _chair_and_secretary(members)
    total = len(lists.eligible) + len(lists.not_eligible)
    member_rows = [
        [str(i), person_name(m.staff), m.get_kind_display(), m.get_role_display()]
        for i, m in enumerate(members, start=1)
    ]
    notes = [
        f"Hội đồng đã xét {total} học sinh lớp 9: {len(lists.eligible)} học sinh đủ điều kiện "
        f"công nhận tốt nghiệp (danh sách 1), {len(lists.not_eligible)} học sinh không đủ điều "
        "kiện (danh sách 2).",
    ]
    if rnd.minutes_note:
        notes.append(f"Ý kiến, kết luận của hội đồng: {nfc(rnd.minutes_note)}")
    notes.append(
        f"Hội đồng thống nhất đề nghị {nfc(selectors.authority_title(school))} công nhận tốt "
        "nghiệp trung học cơ sở cho các học sinh trong danh sách 1."
    )
    return _book(
        {
            "landscape": True,
            "font_size": 9.5,
            "title": "BIÊN BẢN HỌP HỘI ĐỒNG XÉT CÔNG NHẬN TỐT NGHIỆP TRUNG HỌC CƠ SỞ",
            "subtitle": _round_title(rnd),
            "header": header(school, date=rnd.review_date),
            "info": [
                ["Ngày họp", fmt_date(rnd.review_date)],
                ["Địa điểm", nfc(school.name)],
                ["Quyết định thành lập hội đồng", nfc(rnd.council_decision)],
                ["Số thành viên", str(len(members))],
                ["Chủ tịch hội đồng", chair],
                ["Thư ký", secretary],
            ],
            "sections": [
                {
                    "heading": "Thành phần hội đồng",
                    "columns": [
                        column_spec("STT", "auto", "center"),
                        column_spec("Họ và tên", "2fr", "left"),
                        column_spec("Thành phần", "2fr", "left"),
                        column_spec("Nhiệm vụ", "1fr", "left"),
                    ],
                    "rows": member_rows,
                    "empty": "Chưa có thành viên.",
                },
                *_list_sections(lists),
            ],
            "notes": notes,
            "signatures": [_slot("THƯ KÝ", secretary), _slot("CHỦ TỊCH HỘI ĐỒNG", chair)],
        }
    )


def proposal_pdf(rnd: GraduationRound, lists: selectors.RoundLists) -> bytes:
    """Tờ trình đề nghị công nhận tốt nghiệp THCS, to the school's superior body."""
    school = rnd.school
    authority = nfc(rnd.authority or selectors.authority_title(school))
    return _book(
        {
            "landscape": False,
            "font_size": 10,
            "title": "TỜ TRÌNH",
            "subtitle": f"Về việc đề nghị công nhận tốt nghiệp trung học cơ sở năm học "
            f"{rnd.year.name} (đợt {rnd.number})",
            "header": header(school, date=rnd.proposal_date),
            "info": [
                ["Số", nfc(rnd.proposal_number)],
                ["Kính gửi", authority],
            ],
            "sections": [
                {
                    "heading": f"Danh sách học sinh đề nghị công nhận tốt nghiệp "
                    f"({len(lists.eligible)})",
                    "columns": _list_cols(False),
                    "rows": list_rows(lists.eligible, with_reasons=False),
                    "empty": "Không có học sinh.",
                }
            ],
            "notes": [
                f"Căn cứ Thông tư 31/2023/TT-BGDĐT và kết quả họp hội đồng xét công nhận tốt "
                f"nghiệp ngày {fmt_date(rnd.review_date)}, {nfc(school.name)} kính đề nghị "
                f"{authority} xem xét, công nhận tốt nghiệp trung học cơ sở cho "
                f"{len(lists.eligible)} học sinh có tên trong danh sách."
            ],
            "signatures": [_principal_slot(school)],
        }
    )


# ------------------------------------------------------------------------ diploma-issue book

BOOK_COLUMNS = [
    ("Số TT", "auto", "center"),
    ("Họ và tên người được cấp", "1.6fr", "left"),
    ("Ngày sinh", "auto", "center"),
    ("Nơi sinh", "1fr", "left"),
    ("Giới tính", "auto", "center"),
    ("Dân tộc", "auto", "center"),
    ("Lớp", "auto", "center"),
    ("Số, ngày quyết định công nhận", "1.2fr", "left"),
    ("Số hiệu văn bằng", "1fr", "left"),
    ("Số vào sổ cấp bằng", "1fr", "left"),
    ("Ngày nhận", "auto", "center"),
    ("Người nhận (ký, ghi rõ họ tên)", "1.4fr", "left"),
    ("Ghi chú", "1fr", "left"),
]


def book_rows(entries, classes: dict[int, str]) -> list[list[str]]:
    rows = []
    for e in entries:
        s = e.student
        decision = ""
        if e.round is not None and e.round.decision_number:
            decision = f"{e.round.decision_number} ngày {fmt_date(e.round.decision_date)}"
        receiver = (
            f"Nhận thay: {nfc(e.authorised_name)}, CCCD {e.authorised_id_number}"
            if e.receiver == DiplomaEntry.Receiver.AUTHORISED
            else ("Người được cấp" if e.received_on else "")
        )
        note = nfc(e.note)
        if e.voided:
            note = f"ĐÃ HỦY DÒNG: {nfc(e.void_reason)}" + (f"; {note}" if note else "")
        rows.append(
            [
                str(e.entry_number),
                person_name(s),
                fmt_date(s.birth_date),
                nfc(s.birth_place),
                _gender(s.gender),
                nfc(s.ethnicity),
                classes.get(s.pk, ""),
                decision,
                nfc(e.serial_number),
                nfc(e.register_number),
                fmt_date(e.received_on),
                receiver,
                note,
            ]
        )
    return rows


def diploma_book_pdf(book: DiplomaBook, entries, classes: dict[int, str]) -> bytes:
    school = book.school
    return _book(
        {
            "landscape": True,
            "font_size": 8.5,
            "title": "SỔ CẤP PHÁT VĂN BẰNG TỐT NGHIỆP TRUNG HỌC CƠ SỞ",
            "subtitle": f"Quyển số {book.number} — năm học {book.year.name}",
            "header": header(school),
            "info": [],
            "sections": [
                {
                    "columns": [column_spec(*c) for c in BOOK_COLUMNS],
                    "rows": book_rows(entries, classes),
                    "empty": "Sổ chưa có dòng nào.",
                }
            ],
            "notes": [
                f"Tổng số: {sum(1 for e in entries if not e.voided)} văn bằng "
                f"({sum(1 for e in entries if e.voided)} dòng đã hủy, số thứ tự không dùng lại). "
                "Sổ lưu trữ vĩnh viễn."
            ],
            "signatures": [_principal_slot(school)],
        }
    )


# ------------------------------------------------------------------------ Excel


def workbook(sheets: list[tuple[str, list[str], list[list[str]]]]) -> bytes:
    """One sheet per (title, header, rows); bold header, frozen first row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for title, head, rows in sheets:
        ws = wb.create_sheet(title=title[:31])
        ws.append(head)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
        ws.freeze_panes = "A2"
        for i, label in enumerate(head, start=1):
            width = max([len(label)] + [len(str(r[i - 1])) for r in rows if len(r) >= i])
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, width + 2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def primary_completion_xlsx(listing: selectors.CompletionList) -> bytes:
    return workbook(
        [
            (
                "Hoàn thành CT tiểu học",
                COMPLETION_COLUMNS,
                completion_rows(listing.completed, with_reason=False),
            ),
            (
                "Chưa hoàn thành",
                [*COMPLETION_COLUMNS, "Lý do"],
                completion_rows(listing.not_completed, with_reason=True),
            ),
        ]
    )


def round_lists_xlsx(lists: selectors.RoundLists) -> bytes:
    return workbook(
        [
            (
                "Danh sách 1 - đủ điều kiện",
                [*LIST_COLUMNS, "Ghi chú"],
                list_rows(lists.eligible, with_reasons=False),
            ),
            (
                "Danh sách 2 - không đủ",
                [*LIST_COLUMNS, *REASON_COLUMNS],
                list_rows(lists.not_eligible, with_reasons=True),
            ),
        ]
    )
