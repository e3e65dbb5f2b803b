"""The staff list's downloadable template (mẫu Excel danh sách cán bộ), written with openpyxl:
every register field an import gives, Vietnamese headers, lists for the choices."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from hoso.imports.cells import sheet_title
from hoso.imports.workbook import book_bytes, guide_sheet, merged_title
from hoso.organisation.models import Gender, Position, Staff
from hoso.organisation.staff.fields import BY_NAME, PERSONAL
from hoso.organisation.staff.positions import Tier, tier_of

TEMPLATE_BLANK_ROWS = 80
TEXT_COLUMNS = {"code", "id_number", "phone", "rank_code", "standard_rating_year", "username"}
DATE_COLUMNS = {"birth_date", "start_date", "school_start_date", "party_joined_on"}
# (header, field, width): the headers are the register's labels, so they are recognised.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("STT", "sequence", 6),
    ("Mã cán bộ", "code", 14),
    ("Họ và tên", "full_name", 26),
    ("Ngày sinh", "birth_date", 12),
    ("Giới tính", "gender", 9),
    ("Dân tộc", "ethnicity", 10),
    ("Tôn giáo", "religion", 10),
    ("Số định danh cá nhân", "id_number", 16),
    ("Quê quán", "hometown", 20),
    ("Chỗ ở hiện nay", "address", 26),
    ("Điện thoại", "phone", 13),
    ("Thư điện tử", "email", 24),
    ("Chức vụ", "position", 16),
    ("Tổ", "department", 18),
    ("Loại hình", "employment", 20),
    ("Vị trí việc làm", "job_position", 18),
    ("Môn giảng dạy chính", "main_subject", 16),
    ("Ngày vào ngành", "start_date", 13),
    ("Ngày về trường", "school_start_date", 13),
    ("Hạng chức danh nghề nghiệp", "professional_rank", 20),
    ("Mã số chức danh", "rank_code", 13),
    ("Bậc lương", "salary_step", 9),
    ("Hệ số lương", "salary_coefficient", 10),
    ("Trình độ chuyên môn", "qualification", 18),
    ("Chuyên ngành", "major", 16),
    ("Lý luận chính trị", "political_theory", 14),
    ("Ngoại ngữ", "foreign_language", 12),
    ("Tin học", "it_skill", 12),
    ("Đảng viên", "party_member", 9),
    ("Ngày vào Đảng", "party_joined_on", 13),
    ("Đánh giá chuẩn nghề nghiệp", "standard_rating", 14),
    ("Năm đánh giá chuẩn", "standard_rating_year", 12),
    ("Xếp loại viên chức", "civil_servant_rating", 14),
    ("Khen thưởng", "awards", 24),
    ("Kỷ luật", "discipline", 20),
    ("Tên đăng nhập", "username", 16),
    ("Ghi chú", "note", 20),
)
REQUIRED = {"code", "full_name", "gender"}


def importable_positions() -> list[str]:
    """The positions an import gives: those of the last tier (leaders and administrative
    positions are given on the person's page, by the principal or a vice principal)."""
    return [label for code, label in Position.choices if tier_of(code) == Tier.OTHER]


def instructions(personal: bool) -> tuple[str, ...]:
    lines = [
        "HƯỚNG DẪN NHẬP DANH SÁCH CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN",
        "",
        "1. Mỗi người một dòng trên trang “Danh sách cán bộ”, từ dòng 3. Không đổi tiêu đề ở dòng 2.",
        "2. Bắt buộc: Mã cán bộ (mã trên CSDL ngành), Họ và tên, Giới tính (Nam hoặc Nữ).",
        "3. Ngày ghi dạng ngày/tháng/năm, ví dụ 05/09/1985. Số định danh 12 chữ số, điện thoại "
        "10 chữ số bắt đầu bằng 0 (các cột này để dạng chữ để giữ số 0 ở đầu).",
        "4. Chức vụ để trống là Giáo viên. Tệp nhập được các chức vụ: "
        + ", ".join(importable_positions())
        + ". Hiệu trưởng, Phó hiệu trưởng, Văn thư, Quản trị viên KHÔNG nhập từ tệp: không ai "
        "tự trao quyền cho mình. Người giữ các chức vụ này do Hiệu trưởng (hoặc Phó hiệu trưởng) "
        "bổ nhiệm trên trang hồ sơ cán bộ; dòng ghi các chức vụ đó bị báo lỗi.",
        "5. Tổ ghi đúng tên tổ của trường (ví dụ Tổ Toán – Tin). Loại hình: Viên chức (biên chế), "
        "Hợp đồng lao động hoặc Thỉnh giảng; để trống là viên chức.",
        "6. Mỗi người mới được tạo tài khoản (tên đăng nhập để trống: hệ thống đề xuất). "
        "Mật khẩu dùng một lần hiện MỘT lần cho người bấm ghi, sau khi ghi xong.",
        "7. Người đã có trong sổ (cùng mã cán bộ, cùng số định danh, hoặc cùng họ tên và ngày "
        "sinh) được bỏ qua, không sửa gì: sửa hồ sơ người đã có trên trang hồ sơ cán bộ.",
        "8. Tất cả hoặc không: còn một dòng lỗi thì chưa ai được ghi. Lỗi báo theo dòng và cột.",
        "9. Tệp xuất từ CSDL ngành cũng tải lên được: hệ thống hỏi ghép cột một lần và lưu cách "
        "ghép cho lần sau.",
    ]
    if not personal:
        lines.append(
            "10. Số định danh, bậc lương, hệ số lương, kỷ luật là dữ liệu cá nhân: chỉ Hiệu "
            "trưởng, Phó hiệu trưởng và văn thư ghi; tệp của bạn có các cột này thì chúng được "
            "bỏ qua."
        )
    return tuple(lines)


def build_template(*, school_name: str, departments: list[str], personal: bool) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = [c for c in COLUMNS if personal or c[1] not in PERSONAL]
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title("Danh sách cán bộ")
    last = get_column_letter(len(columns))
    merged_title(
        sheet,
        row=1,
        last_column=last,
        text=f"DANH SÁCH CÁN BỘ, GIÁO VIÊN, NHÂN VIÊN — {school_name}",
    )
    first, end = 3, 2 + TEMPLATE_BLANK_ROWS
    column: dict[str, str] = {}
    for index, (title, name, width) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        column[name] = letter
        cell = sheet.cell(row=2, column=index, value=title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        colour = "F9D9A6" if name in REQUIRED else "DDE6F3"
        cell.fill = PatternFill("solid", fgColor=colour)
        sheet.column_dimensions[letter].width = width
        if name in TEXT_COLUMNS or name in DATE_COLUMNS:
            for row in range(first, end + 1):
                sheet.cell(row=row, column=index).number_format = "@"
    for row in range(first, end + 1):
        sheet.cell(row=row, column=1, value=row - first + 1)
    sheet.freeze_panes = "D3"

    def listed(name: str, options: list[str], title: str) -> None:
        text = ",".join(options)
        if not options or len(text) > 250 or any("," in o or '"' in o for o in options):
            return  # Excel's limit for an inline list; a comma would split an option
        rule = DataValidation(
            type="list",
            formula1=f'"{text}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error=f"Chọn một trong: {', '.join(options)}.",
        )
        rule.add(f"{column[name]}{first}:{column[name]}{end}")
        sheet.add_data_validation(rule)

    listed("gender", [label for _c, label in Gender.choices], "Giới tính")
    listed("position", importable_positions(), "Chức vụ")
    listed("employment", [label for _c, label in Staff.Employment.choices], "Loại hình")
    listed("department", departments, "Tổ")
    listed("standard_rating", [label for _c, label in BY_NAME["standard_rating"].choices], "Chuẩn")
    listed("party_member", ["Có"], "Đảng viên")

    guide_sheet(book, instructions(personal))
    return book_bytes(book)
