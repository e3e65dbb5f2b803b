"""The grade sheet's template (mẫu Excel sổ điểm): the sheet filled with the stored results,
read-only columns greyed and locked, and a very hidden sheet ``hoso_meta`` with the sheet's
identity (class, subject, term ids), its header row and the column of every field — so an
uploaded template is matched back without asking anything."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter

from hoso.core.text import nfc
from hoso.gradebook.entry.columns import COMMENT_RESULT, LEVEL, SCORE, TEST, TEXT, Column
from hoso.gradebook.excel.recognition import NOTE_HEADER, TEMPLATE_IDENTITY, sheet_key
from hoso.gradebook.excel.rows import COMMENT_SHOWN
from hoso.imports.cells import sheet_title
from hoso.imports.errors import ImportFileError
from hoso.imports.headers import headers_of
from hoso.imports.importer import Layout
from hoso.imports.limits import Limits
from hoso.imports.reading import SheetData, read_sheet_named
from hoso.imports.workbook import book_bytes, guide_sheet, merged_title

META_SHEET = "hoso_meta"
META_FORMAT = "hoso.gradebook.excel/1"
HEADER_ROW = 7  # rows 1–5: title block; row 6: what the grey cells mean
FIRST_DATA_ROW = HEADER_ROW + 1

# --- The metadata sheet ---------------------------------------------------------------------------


def read_meta(data: bytes, limits: Limits | None = None) -> dict | None:
    """The template's identity from its hidden sheet, or None (another file, or damaged). The
    file goes through the bounded reader; the metadata cell may be longer than a data cell."""
    limits = replace(limits or Limits(), max_cell_chars=32767)
    try:
        sheet = read_sheet_named(data, META_SHEET, limits)
        meta = json.loads(sheet.rows[0]["cells"][0]) if sheet and sheet.rows else None
    except (ImportFileError, ValueError, TypeError, IndexError, KeyError):
        return None
    if not isinstance(meta, dict) or meta.get("format") != META_FORMAT:
        return None
    return meta


def meta_matches(meta: dict, *, class_id: int, subject_id: int, term_id: int) -> bool:
    return (meta.get("class"), meta.get("subject"), meta.get("term")) == (
        class_id,
        subject_id,
        term_id,
    )


def layout_from_meta(meta: dict, sheets: list[SheetData]) -> Layout | None:
    """Where an uploaded template holds its data, if its headers are still where the template
    put them (else None: the file is read like any other)."""
    sheet = next((s for s in sheets if s.name == nfc(meta.get("sheet", ""))), None)
    if sheet is None:
        sheet = sheets[0] if len(sheets) and sheets[0].rows else None
    if sheet is None:
        return None
    header_row = meta.get("header_row")
    row = next((r for r in sheet.rows if r["row"] == header_row), None)
    if row is None:
        return None
    expected = meta.get("headers") or []
    headers = headers_of(row, max(sheet.width, len(expected)))
    if [sheet_key(h) for h in headers[: len(expected)]] != [sheet_key(h) for h in expected]:
        return None
    try:
        mapping = {int(k): str(v) for k, v in (meta.get("mapping") or {}).items()}
    except (TypeError, ValueError):
        return None
    return Layout(sheet, header_row, headers, mapping, "template")


def template_value(column: Column, value: str, text: str) -> Any:
    """A stored result as the template writes it (numbers as numbers)."""
    if column.kind == TEXT:
        return text or None
    if not value:
        return None
    if column.kind == SCORE:
        return float(value)
    if column.kind == TEST:
        return int(value)
    return COMMENT_SHOWN.get(value, value)


# --- The template ---------------------------------------------------------------------------------


@dataclass
class TemplateRow:
    code: str
    name: str
    birth_date: date | None
    values: dict[str, tuple[str, str]]  # column key -> (value, text)
    active: bool = True
    note: str = ""


@dataclass
class TemplateSpec:
    school_name: str
    class_name: str
    subject_name: str
    term_name: str
    year_name: str
    teacher_name: str
    ruleset_title: str
    columns: list[Column]
    rows: list[TemplateRow]
    readonly: dict[str, str]  # column key -> why it cannot be changed ('đã chốt', 'sổ đã khóa')
    meta: dict  # class, subject, term ids (and names, for messages)


_WIDTHS = {SCORE: 9, TEST: 9, COMMENT_RESULT: 9, LEVEL: 9, TEXT: 40}

INSTRUCTIONS = (
    "HƯỚNG DẪN NHẬP KẾT QUẢ ĐÁNH GIÁ TỪ EXCEL",
    "",
    "1. Trang đầu là sổ điểm của lớp, môn và học kỳ ghi ở tiêu đề, đã điền sẵn kết quả đang có "
    "trong hệ thống. Chỉ nhập vào các ô kết quả nền trắng; các ô nền xám chỉ để xem.",
    "2. Không đổi tên trang, không thêm, xóa hay đổi thứ tự cột và dòng; không sửa mã học sinh, "
    "họ tên, ngày sinh. Hệ thống nhận ra học sinh theo mã học sinh.",
    "3. Điểm số: từ 0 đến 10, tối đa một chữ số thập phân (ví dụ 8 hoặc 8,5). "
    "Điểm bài kiểm tra định kỳ ở tiểu học: số nguyên từ 0 đến 10.",
    "4. Môn đánh giá bằng nhận xét: chọn Đ (Đạt) hoặc CĐ (Chưa đạt). "
    "Mức đạt được ở tiểu học: T (Hoàn thành tốt), H (Hoàn thành), C (Chưa hoàn thành).",
    "5. Ô để trống: giữ nguyên kết quả đã có trong hệ thống. Muốn xóa kết quả đã nhập, khi tải "
    "lên hãy chọn “Ô trống trong tệp sẽ xóa kết quả đã nhập”.",
    "6. Cột đã chốt hoặc sổ đã khóa (nền xám) không sửa được bằng tệp này: muốn sửa phải làm "
    "đơn đề nghị sửa điểm.",
    "7. Nhập theo nguyên tắc TẤT CẢ HOẶC KHÔNG: sau khi tải lên, hệ thống cho xem trước những ô "
    "thay đổi. Nếu còn một lỗi thì chưa ô nào được ghi; hệ thống báo lỗi theo dòng và cột, "
    "bạn sửa tệp rồi tải lên lại.",
    "8. Mỗi thay đổi được ghi vào nhật ký như khi nhập trên màn hình sổ điểm.",
    "9. Tệp xuất từ CSDL ngành, vnEdu, SMAS cũng tải lên được: hệ thống sẽ hỏi ghép cột một lần "
    "và lưu cách ghép để dùng lại cho các lần sau.",
)


def template_filename(class_name: str, subject_code: str, term_number: int) -> str:
    from hoso.core.text import fold

    slug = re.sub(r"[^a-z0-9]+", "-", fold(f"{subject_code} {class_name}")).strip("-")
    return f"so-diem-{slug}-hk{term_number}.xlsx"


def build_template(spec: TemplateSpec) -> bytes:
    """The .xlsx of one sheet, filled with the stored results (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(f"{spec.subject_name} - {spec.class_name}")
    identity = list(TEMPLATE_IDENTITY)
    width = len(identity) + len(spec.columns) + 1
    last_letter = get_column_letter(width)
    grey = PatternFill("solid", fgColor="E3E5E8")
    header_fill = PatternFill("solid", fgColor="DDE6F3")
    thin = Side(style="thin", color="9AA3AE")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    unlocked = Protection(locked=False)

    title = (
        nfc(spec.school_name),
        nfc(f"BẢNG KẾT QUẢ ĐÁNH GIÁ — MÔN {spec.subject_name.upper()} — LỚP {spec.class_name}"),
        nfc(f"{spec.term_name} · Năm học {spec.year_name}"),
        nfc(f"Giáo viên bộ môn: {spec.teacher_name or '(chưa phân công)'}"),
        nfc(f"Quy định đánh giá: {spec.ruleset_title}"),
    )
    for number, line in enumerate(title, start=1):
        merged_title(
            sheet,
            row=number,
            last_column=last_letter,
            text=line,
            size=13 if number == 2 else 11,
            bold=number <= 2,
        )
    if spec.readonly:
        legend = "Ô nền xám chỉ để xem: " + "; ".join(
            f"{c.label} — {spec.readonly[c.key]}" for c in spec.columns if c.key in spec.readonly
        )
    else:
        legend = "Nhập kết quả vào các ô nền trắng; ô nền xám chỉ để xem."
    sheet.cell(row=HEADER_ROW - 1, column=1, value=nfc(legend)).font = Font(italic=True)
    sheet.merge_cells(f"A{HEADER_ROW - 1}:{last_letter}{HEADER_ROW - 1}")

    headers = [t for t, _ in identity] + [c.label for c in spec.columns] + [NOTE_HEADER]
    mapping = {i: name for i, (_, name) in enumerate(identity)}
    for offset, column in enumerate(spec.columns):
        mapping[len(identity) + offset] = column.key
    from hoso.gradebook.entry.selectors import KIND_HINTS

    for index, text in enumerate(headers, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        cell.fill = header_fill
        target = mapping.get(index - 1)
        if target in spec.readonly:
            cell.fill = grey
        column = next((c for c in spec.columns if c.key == target), None)
        if column is not None:
            hint = KIND_HINTS[column.kind]
            if target in spec.readonly:
                hint += f". Chỉ xem: {spec.readonly[target]}."
            cell.comment = Comment(nfc(hint), "HoSo")
    for letter, w in zip("ABCD", (6, 14, 26, 12), strict=True):
        sheet.column_dimensions[letter].width = w
    for offset, column in enumerate(spec.columns):
        sheet.column_dimensions[get_column_letter(len(identity) + offset + 1)].width = _WIDTHS[
            column.kind
        ]
    sheet.column_dimensions[last_letter].width = 22

    last_row = FIRST_DATA_ROW + max(len(spec.rows), 1) - 1
    for n, row in enumerate(spec.rows):
        r = FIRST_DATA_ROW + n
        sheet.cell(row=r, column=1, value=n + 1)
        code = sheet.cell(row=r, column=2, value=row.code)
        code.number_format = "@"
        sheet.cell(row=r, column=3, value=nfc(row.name))
        birth = sheet.cell(row=r, column=4, value=row.birth_date)
        birth.number_format = "DD/MM/YYYY"
        for offset, column in enumerate(spec.columns):
            value, text = row.values.get(column.key, ("", ""))
            cell = sheet.cell(
                row=r,
                column=len(identity) + offset + 1,
                value=template_value(column, value, text),
            )
            if column.kind == SCORE:
                cell.number_format = "0.0"
            elif column.kind == TEST:
                cell.number_format = "0"
            elif column.kind == TEXT:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(horizontal="center")
            if column.key in spec.readonly or not row.active:
                cell.fill = grey
            else:
                cell.protection = unlocked
        sheet.cell(row=r, column=width, value=row.note or None)
        for c in range(1, width + 1):
            sheet.cell(row=r, column=c).border = border
            if not row.active:
                sheet.cell(row=r, column=c).fill = grey

    for offset, column in enumerate(spec.columns):
        letter = get_column_letter(len(identity) + offset + 1)
        cells = f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}"
        validation = _validation(column, DataValidation)
        if validation is not None:
            validation.add(cells)
            sheet.add_data_validation(validation)

    sheet.freeze_panes = f"E{FIRST_DATA_ROW}"
    sheet.protection.sheet = True  # no password: it only shows what is read-only
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    lines = list(INSTRUCTIONS) + ["", "CÁC CỘT CỦA SỔ ĐIỂM NÀY"]
    for column in spec.columns:
        line = f"• {column.label}: {KIND_HINTS[column.kind]}"
        if not column.required and column.kind != TEXT:
            line += " (không bắt buộc)"
        if column.key in spec.readonly:
            line += f" — chỉ xem: {spec.readonly[column.key]}"
        lines.append(line)
    guide_sheet(book, lines)

    meta_sheet = book.create_sheet(META_SHEET)
    meta = {
        **spec.meta,
        "format": META_FORMAT,
        "sheet": sheet.title,
        "header_row": HEADER_ROW,
        "headers": headers,
        "mapping": {str(k): v for k, v in mapping.items()},
    }
    meta_sheet["A1"] = json.dumps(meta, ensure_ascii=False)
    meta_sheet.sheet_state = "veryHidden"
    book.active = 0
    return book_bytes(book)


def _validation(column: Column, DataValidation):  # noqa: N803 - the openpyxl class
    common = {"allow_blank": True, "showErrorMessage": True, "showInputMessage": True}
    if column.kind == SCORE:
        return DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="10",
            promptTitle=column.label,
            prompt="Điểm từ 0 đến 10, tối đa một chữ số thập phân.",
            errorTitle=column.label,
            error="Điểm phải từ 0 đến 10 (tối đa một chữ số thập phân).",
            **common,
        )
    if column.kind == TEST:
        return DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2="10",
            promptTitle=column.label,
            prompt="Điểm nguyên từ 0 đến 10.",
            errorTitle=column.label,
            error="Điểm bài kiểm tra phải là số nguyên từ 0 đến 10.",
            **common,
        )
    if column.kind == COMMENT_RESULT:
        return DataValidation(
            type="list",
            formula1='"Đ,CĐ"',
            promptTitle=column.label,
            prompt="Đ (Đạt) hoặc CĐ (Chưa đạt).",
            errorTitle=column.label,
            error="Chọn Đ (Đạt) hoặc CĐ (Chưa đạt).",
            **common,
        )
    if column.kind == LEVEL:
        return DataValidation(
            type="list",
            formula1='"T,H,C"',
            promptTitle=column.label,
            prompt="T (Hoàn thành tốt), H (Hoàn thành), C (Chưa hoàn thành).",
            errorTitle=column.label,
            error="Chọn T, H hoặc C.",
            **common,
        )
    return None
