"""The printed registers of Appendix IV (NĐ 30/2020 Đ16, Đ22: a register kept in the system is
printed with every column of the book and bound): Sổ đăng ký văn bản đi, Sổ đăng ký văn bản
đến, Sổ theo dõi giải quyết văn bản đến — A4 landscape through the printing package's Typst
book template (``book.typ``), and the same rows as an Excel workbook (openpyxl).

The cover lines of the register ("Năm …, Từ ngày … đến ngày …, Từ số … đến số …") are printed as
the information lines above the table.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.db.models import Prefetch

from hoso.core.text import nfc
from hoso.correspondence.models import (
    IncomingAssignee,
    IncomingDocument,
    IncomingProgress,
    OutgoingDocument,
    Register,
    Urgency,
)
from hoso.printing.documents.books import column_spec
from hoso.printing.documents.common import fmt_date, header
from hoso.printing.render import render_pdf


@dataclass(frozen=True)
class RegisterBook:
    key: str  # URL slug
    title: str
    columns: tuple[tuple[str, str, str], ...]  # (label, width, align)


OUTGOING_BOOK = RegisterBook(
    "di",
    "SỔ ĐĂNG KÝ VĂN BẢN ĐI",
    (
        ("Số, ký hiệu văn bản", "auto", "left"),
        ("Ngày tháng văn bản", "auto", "center"),
        ("Tên loại và trích yếu nội dung văn bản", "3fr", "left"),
        ("Người ký", "1.2fr", "left"),
        ("Nơi nhận văn bản", "2fr", "left"),
        ("Đơn vị, người nhận bản lưu", "1fr", "left"),
        ("Số lượng bản", "auto", "center"),
        ("Ngày chuyển", "auto", "center"),
        ("Ký nhận", "1fr", "left"),
        ("Ghi chú", "1fr", "left"),
    ),
)
INCOMING_BOOK = RegisterBook(
    "den",
    "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN",
    (
        ("Ngày đến", "auto", "center"),
        ("Số đến", "auto", "center"),
        ("Tác giả", "1.5fr", "left"),
        ("Số, ký hiệu văn bản", "auto", "left"),
        ("Ngày tháng văn bản", "auto", "center"),
        ("Tên loại và trích yếu nội dung văn bản", "3fr", "left"),
        ("Đơn vị hoặc người nhận", "1.5fr", "left"),
        ("Ngày chuyển", "auto", "center"),
        ("Ký nhận", "1fr", "left"),
        ("Ghi chú", "1fr", "left"),
    ),
)
FOLLOW_UP_BOOK = RegisterBook(
    "theo-doi",
    "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN",
    (
        ("Số đến", "auto", "center"),
        ("Tên loại, số, ký hiệu, ngày tháng và tên cơ quan ban hành văn bản", "3fr", "left"),
        ("Đơn vị hoặc người nhận", "1.5fr", "left"),
        ("Thời hạn giải quyết", "auto", "center"),
        ("Tiến độ giải quyết", "2fr", "left"),
        ("Số, ký hiệu văn bản trả lời", "auto", "left"),
        ("Ghi chú", "1fr", "left"),
    ),
)
BOOKS = {b.key: b for b in (OUTGOING_BOOK, INCOMING_BOOK, FOLLOW_UP_BOOK)}


def _outgoing_rows(qs) -> list[list[str]]:
    rows = []
    for d in qs:
        rows.append(
            [
                d.symbol,
                fmt_date(d.document_date),
                f"{d.doc_type.name}: {d.summary}",
                f"{d.signer_title} — {d.signer_name}".strip(" —"),
                "; ".join(line.strip(" -;") for line in d.recipients.splitlines()),
                "Văn thư (Lưu: VT)",
                str(d.copies),
                fmt_date(d.issued_at),
                "",
                "Chưa phát hành" if d.issued_at is None else "",
            ]
        )
    return rows


def _people(doc) -> str:
    return "; ".join(
        f"{a.get_role_display()}: {nfc(a.user.display_name)}" for a in doc.assignees.all()
    )


def _incoming_rows(qs) -> list[list[str]]:
    rows = []
    for d in qs:
        acks = [
            f"{nfc(a.user.display_name)} {fmt_date(a.acknowledged_at)}"
            for a in d.assignees.all()
            if a.acknowledged_at
        ]
        rows.append(
            [
                fmt_date(d.received_on),
                str(d.number),
                d.author,
                d.their_symbol,
                fmt_date(d.their_date),
                f"{d.type_name}: {d.summary}",
                _people(d),
                fmt_date(d.directed_at),
                "; ".join(acks),
                Urgency(d.urgency).label if d.urgency != Urgency.NORMAL else "",
            ]
        )
    return rows


def _follow_up_rows(qs) -> list[list[str]]:
    rows = []
    for d in qs:
        notes = [p.text for p in d.progress.all()]
        rows.append(
            [
                str(d.number),
                ", ".join(
                    x
                    for x in (
                        d.type_name,
                        d.their_symbol,
                        fmt_date(d.their_date),
                        d.author,
                    )
                    if x
                ),
                _people(d),
                fmt_date(d.deadline),
                "; ".join(notes[-3:]) + ("; đã xong" if d.state == "done" else ""),
                d.reply.symbol if d.reply_id else "",
                d.get_state_display() if d.state != "done" else "",
            ]
        )
    return rows


def register_data(*, school, book: RegisterBook, year: int, confidential: bool = False) -> dict:
    """Rows and cover of one register of ``school`` for calendar ``year`` (a few queries)."""
    if book is OUTGOING_BOOK:
        register = Register.OUTGOING_CONFIDENTIAL if confidential else Register.OUTGOING
        qs = (
            OutgoingDocument.objects.filter(
                school=school, register=register, year=year, number__isnull=False
            )
            .select_related("doc_type")
            .order_by("number")
        )
        rows = _outgoing_rows(qs)
        numbers = [r[0] for r in rows]
        dates = [r[1] for r in rows]
    else:
        register = Register.INCOMING_CONFIDENTIAL if confidential else Register.INCOMING
        qs = (
            IncomingDocument.objects.filter(school=school, register=register, year=year)
            .select_related("reply")
            .prefetch_related(
                Prefetch("assignees", IncomingAssignee.objects.select_related("user")),
                Prefetch("progress", IncomingProgress.objects.order_by("at", "pk")),
            )
            .order_by("number")
        )
        rows = _incoming_rows(qs) if book is INCOMING_BOOK else _follow_up_rows(qs)
        numbers = [r[1] if book is INCOMING_BOOK else r[0] for r in rows]
        dates = [fmt_date(d.received_on) for d in qs]
    cover = [
        ["Năm", str(year)],
        ["Từ ngày … đến ngày …", f"{dates[0]} – {dates[-1]}" if dates else "—"],
        ["Từ số … đến số …", f"{numbers[0]} – {numbers[-1]}" if numbers else "—"],
    ]
    title = book.title + (" (MẬT)" if confidential else "")
    return {
        "kind": f"correspondence_{book.key}",
        "landscape": True,
        "font_size": 8,
        "title": title,
        "subtitle": f"Năm {year}",
        "header": header(school),
        "info": cover,
        "sections": [
            {
                "columns": [
                    column_spec(label, width, align) for label, width, align in book.columns
                ],
                "rows": rows,
                "struck": [],
                "empty": "Sổ chưa có văn bản nào.",
            }
        ],
        "notes": [f"Tổng số: {len(rows)} văn bản."],
        "signatures": [
            {
                "slot": "clerk",
                "caption": "NGƯỜI LẬP SỔ (VĂN THƯ)",
                "note": "(Ký, ghi rõ họ tên)",
                "name": "",
            },
            {
                "slot": "principal",
                "caption": nfc(school.head_title).upper(),
                "note": "(Ký, ghi rõ họ tên, đóng dấu)",
                "name": "",
            },
        ],
    }


def render_register(data: dict) -> bytes:
    return render_pdf("book.typ", data)


def register_excel(data: dict) -> bytes:
    """The same register as an .xlsx workbook: cover lines, header row, rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Sổ"
    ws.append([data["title"]])
    ws["A1"].font = Font(bold=True, size=13)
    for label, value in data["info"]:
        ws.append([label, value])
    ws.append([])
    section = data["sections"][0]
    ws.append([c["label"] if isinstance(c, dict) else str(c) for c in section["columns"]])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in section["rows"]:
        ws.append(row)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
