"""The class list's downloadable template (mẫu Excel danh sách lớp), written with openpyxl."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from hoso.imports.cells import sheet_title
from hoso.imports.workbook import book_bytes, guide_sheet, merged_title

TEMPLATE_BLANK_ROWS = 60

# The downloadable template: header text, field, column width, text-formatted.
TEMPLATE_COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    ("STT", "sequence", 6, False),
    ("Mã học sinh", "student_code", 16, True),
    ("Họ và tên", "full_name", 28, False),
    ("Ngày sinh", "birth_date", 13, True),
    ("Giới tính", "gender", 10, False),
    ("Nơi sinh", "birth_place", 22, False),
    ("Dân tộc", "ethnicity", 10, False),
    ("Quốc tịch", "nationality", 12, False),
    ("Mã định danh cá nhân", "personal_id", 18, True),
    ("Địa chỉ", "address", 34, False),
    ("Khuyết tật", "has_disability", 11, False),
    ("Họ tên cha", "father_name", 24, False),
    ("SĐT cha", "father_phone", 13, True),
    ("Nghề nghiệp cha", "father_occupation", 16, False),
    ("Họ tên mẹ", "mother_name", 24, False),
    ("SĐT mẹ", "mother_phone", 13, True),
    ("Nghề nghiệp mẹ", "mother_occupation", 16, False),
    ("Họ tên người giám hộ", "guardian_name", 24, False),
    ("SĐT người giám hộ", "guardian_phone", 13, True),
)


INSTRUCTIONS = (
    "HƯỚNG DẪN NHẬP DANH SÁCH HỌC SINH",
    "",
    "1. Nhập mỗi học sinh trên một dòng của trang “Danh sách lớp”, bắt đầu từ dòng 3. "
    "Không đổi tên, không xóa và không đổi thứ tự các cột tiêu đề ở dòng 2.",
    "2. Bắt buộc: Mã học sinh, Họ và tên, Ngày sinh, Giới tính. Các cột khác có thể để trống.",
    "3. Ngày sinh ghi dạng ngày/tháng/năm, ví dụ 05/09/2015.",
    "4. Giới tính chọn Nam hoặc Nữ.",
    "5. Mã định danh cá nhân gồm 12 chữ số; số điện thoại gồm 10 chữ số, bắt đầu bằng 0. "
    "Các cột này đã để dạng chữ để giữ số 0 ở đầu.",
    "6. Khuyết tật: ghi x nếu học sinh khuyết tật (hoặc ghi dạng khuyết tật), để trống nếu không.",
    "7. Dân tộc để trống sẽ ghi là Kinh; Quốc tịch để trống sẽ ghi là Việt Nam.",
    "8. Mẫu này chỉ để thêm học sinh MỚI. Dòng có Mã học sinh đã có trong trường bị báo lỗi; "
    "muốn sửa thông tin học sinh đã có, hãy sửa trong hồ sơ học sinh.",
    "9. Nhập theo nguyên tắc TẤT CẢ HOẶC KHÔNG: nếu còn một dòng lỗi thì chưa dòng nào được ghi. "
    "Hệ thống báo lỗi theo dòng và cột; sửa tệp rồi tải lên lại.",
    "10. Tệp xuất từ CSDL ngành, vnEdu, SMAS cũng tải lên được: hệ thống sẽ hỏi ghép cột "
    "và lưu cách ghép để dùng lại lần sau.",
)


def build_template(*, class_name: str, year_name: str, school_name: str, grade: int) -> bytes:
    """The downloadable .xlsx for adding new students to one class."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(f"Danh sách lớp {class_name}")
    last = get_column_letter(len(TEMPLATE_COLUMNS))
    merged_title(
        sheet,
        row=1,
        last_column=last,
        text=f"DANH SÁCH HỌC SINH LỚP {class_name} (KHỐI {grade}) — NĂM HỌC {year_name} — "
        f"{school_name}",
    )
    required = {"student_code", "full_name", "birth_date", "gender"}
    header_fill = PatternFill("solid", fgColor="DDE6F3")
    required_fill = PatternFill("solid", fgColor="F9D9A6")
    first_data, last_data = 3, 2 + TEMPLATE_BLANK_ROWS
    for index, (title, name, width, as_text) in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=2, column=index, value=title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = required_fill if name in required else header_fill
        sheet.column_dimensions[letter].width = width
        if as_text:
            for row in range(first_data, last_data + 1):
                sheet.cell(row=row, column=index).number_format = "@"
    for row in range(first_data, last_data + 1):
        sheet.cell(row=row, column=1, value=row - first_data + 1)
    sheet.freeze_panes = "C3"
    column = {name: get_column_letter(i) for i, (_, name, _, _) in enumerate(TEMPLATE_COLUMNS, 1)}

    def cells(name: str) -> str:
        return f"{column[name]}{first_data}:{column[name]}{last_data}"

    gender = DataValidation(
        type="list",
        formula1='"Nam,Nữ"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Giới tính",
        error="Chọn Nam hoặc Nữ.",
    )
    gender.add(cells("gender"))
    birth = DataValidation(
        allow_blank=True,
        showInputMessage=True,
        promptTitle="Ngày sinh",
        prompt="Ghi dạng ngày/tháng/năm, ví dụ 05/09/2015.",
    )
    birth.add(cells("birth_date"))
    pid = DataValidation(
        type="textLength",
        operator="equal",
        formula1="12",
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        promptTitle="Mã định danh cá nhân",
        prompt="12 chữ số, giữ cả số 0 ở đầu.",
        errorTitle="Mã định danh cá nhân",
        error="Mã định danh cá nhân phải gồm đúng 12 chữ số.",
    )
    pid.add(cells("personal_id"))
    disability = DataValidation(
        allow_blank=True,
        showInputMessage=True,
        promptTitle="Khuyết tật",
        prompt="Ghi x (hoặc dạng khuyết tật) nếu có; để trống nếu không.",
    )
    disability.add(cells("has_disability"))
    for validation in (gender, birth, pid, disability):
        sheet.add_data_validation(validation)

    guide_sheet(book, INSTRUCTIONS)
    return book_bytes(book)
