"""The assignment table's downloadable template (mẫu Excel phân công chuyên môn): a row per
class of the year, a column per subject offered, the GVCN column; a cell of a subject the
class's grade does not study is greyed."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from hoso.imports.cells import sheet_title
from hoso.imports.workbook import book_bytes, guide_sheet, merged_title
from hoso.organisation.assignments.importing.table import YearTable

INSTRUCTIONS = (
    "HƯỚNG DẪN NHẬP BẢNG PHÂN CÔNG CHUYÊN MÔN",
    "",
    "1. Dạng bảng (trang “Phân công”): mỗi lớp một dòng, mỗi môn một cột; ghi họ và tên giáo "
    "viên dạy môn đó ở lớp đó. Cột GVCN: giáo viên chủ nhiệm. Ô xám: khối đó không học môn đó.",
    "2. Dạng dọc cũng được nhận: các cột Lớp, Môn, Giáo viên, Học kỳ — mỗi ô phân công một dòng.",
    "3. Tên giáo viên ghi đầy đủ như trong sổ cán bộ (không phân biệt hoa thường, có dấu hay "
    "không). Hai người trùng tên: ghi mã cán bộ thay cho tên.",
    "4. Ô để trống: giữ nguyên phân công hiện có. Muốn bỏ phân công, sửa trên bảng phân công.",
    "5. Học kỳ: khi tải lên, chọn cả năm (mặc định) hoặc một học kỳ; ở dạng dọc, cột Học kỳ "
    "(1, 2 hoặc để trống) ghi riêng cho từng dòng. Học kỳ đã kết thúc trước ngày áp dụng giữ "
    "nguyên người đã dạy.",
    "6. Phân công có hiệu lực từ ngày áp dụng chọn khi tải lên; lịch sử phân công được giữ.",
    "7. Không ai tự phân công cho chính mình: dòng phân công người tải tệp bị báo lỗi.",
    "8. Tất cả hoặc không: còn một ô lỗi thì chưa ô nào được ghi. Lỗi báo theo dòng và cột.",
)


def build_template(*, table: YearTable, school_name: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title("Phân công")
    headers = ["STT", "Lớp", "GVCN", *(s.name for s in table.subjects)]
    last = get_column_letter(len(headers))
    merged_title(
        sheet,
        row=1,
        last_column=last,
        text=f"BẢNG PHÂN CÔNG CHUYÊN MÔN — NĂM HỌC {table.year.name} — {school_name}",
    )
    header_fill = PatternFill("solid", fgColor="DDE6F3")
    grey = PatternFill("solid", fgColor="D9D9D9")
    for index, title in enumerate(headers, start=1):
        cell = sheet.cell(row=2, column=index, value=title)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = 6 if index == 1 else 20
    sheet.column_dimensions["B"].width = 9
    for number, school_class in enumerate(table.classes, start=1):
        row = 2 + number
        sheet.cell(row=row, column=1, value=number)
        sheet.cell(row=row, column=2, value=school_class.name).font = Font(bold=True)
        for offset, subject in enumerate(table.subjects):
            if not table.offered_in(subject, school_class):
                sheet.cell(row=row, column=4 + offset).fill = grey
    sheet.freeze_panes = "D3"
    guide_sheet(book, INSTRUCTIONS)
    return book_bytes(book)
