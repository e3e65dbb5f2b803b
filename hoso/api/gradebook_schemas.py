"""Input and output shapes of the grade-book API (/api/v1/gradebook)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema
from pydantic import StrictFloat, StrictInt, StrictStr

from hoso.api.schemas import ErrorOut

# --- references -----------------------------------------------------------------------------


class SheetClassRef(Schema):
    id: int
    name: str
    grade: int


class SheetSubjectRef(Schema):
    id: int
    code: str
    name: str
    assessment: str = Field(description="score = cho điểm, comment = nhận xét (Đ/CĐ), both.")


class SheetTermRef(Schema):
    id: int
    number: int = Field(description="1 = học kì I, 2 = học kì II.")


# --- list of sheets -------------------------------------------------------------------------


class SheetBriefOut(Schema):
    school_class: SheetClassRef
    subject: SheetSubjectRef
    term: SheetTermRef
    teacher: str = Field(description="Giáo viên bộ môn được phân công nhập điểm.")
    is_mine: bool = Field(description="Người gọi là giáo viên được phân công (được nhập điểm).")
    url: str = Field(description="Đường dẫn API của sổ điểm này.")


# --- one sheet ------------------------------------------------------------------------------


class ColumnOut(Schema):
    key: str = Field(description="TX1..TXn, GK, CK (THCS/THPT); MUC_*, KT_*, NX_* (tiểu học).")
    label: str
    kind: str = Field(description="score | comment (Đ/CĐ) | level (T/H/C) | test | text.")
    hint: str = Field(description="Cách nhập, tiếng Việt.")
    choices: list[str] = Field(description="Giá trị được phép với cột mức / Đ–CĐ.")
    required: bool
    periodic: bool = Field(description="Đánh giá định kỳ (có ngày kiểm tra, hạn 14 ngày).")
    checkpoint: str
    test_date: date | None
    finalised: bool = Field(description="Giáo viên đã chốt: không sửa được nữa, trừ đơn sửa điểm.")
    finalised_at: datetime | None
    locked: bool = Field(description="Sổ đã khóa ở cột này.")
    lock: str | None = Field(None, description="Phạm vi khóa sổ, nếu có.")


class CellOut(Schema):
    value: str = Field(
        description="Giá trị chuẩn: điểm có dấu chấm ('8.5'), 'D'/'CD', 'T'/'H'/'C'."
    )
    text: str = Field("", description="Nhận xét (cột NX_*).")
    version: int = Field(description="Gửi lại khi sửa để không ghi đè lần lưu của người khác.")


class StudentRef(Schema):
    id: int
    student_code: str
    full_name: str


class RowOut(Schema):
    student: StudentRef
    active: bool = Field(description="Đang học ở lớp (chưa chuyển đi, thôi học).")
    status: str
    cells: dict[str, CellOut] = Field(description="Theo mã cột; ô trống không có mặt.")
    result: str | None = Field(description="Kết quả học kì của môn theo bộ quy tắc, nếu đủ.")
    errors: list[str] = Field(description="Vì sao chưa tính được kết quả (tiếng Việt).")


class SheetOut(Schema):
    school_class: SheetClassRef
    subject: SheetSubjectRef
    term: SheetTermRef
    ruleset: str
    can_edit: bool = Field(description="Người gọi được nhập điểm ở sổ này (chưa xét chốt/khóa).")
    columns: list[ColumnOut]
    rows: list[RowOut]


# --- writes ---------------------------------------------------------------------------------


class CellIn(Schema):
    student: int = Field(description="Mã (id) học sinh trong lớp.")
    column: str = Field(min_length=1, max_length=16, description="Mã cột, ví dụ TX1, GK, CK.")
    value: StrictStr | StrictInt | StrictFloat | None = Field(
        None,
        description="'8,5' hoặc '8.5', 'Đ'/'CĐ', 'T'/'H'/'C', nhận xét; rỗng hoặc null = xóa.",
    )
    version: int | None = Field(
        None,
        ge=0,
        description=(
            "Phiên bản đã đọc (0 = ô đang trống). Nếu ô đã được lưu ở nơi khác sau đó, trả 409."
        ),
    )
    assessed_on: date | None = Field(None, description="Ngày đánh giá (mặc định: hôm nay).")


class CellSavedOut(Schema):
    student: int
    column: str
    value: str
    text: str
    version: int = Field(description="0 khi ô đã bị xóa hoặc chưa từng có.")
    changed: bool = Field(description="false nếu giá trị gửi lên trùng giá trị đang lưu.")
    result: str | None = Field(description="Kết quả học kì của học sinh ở môn này sau khi lưu.")
    errors: list[str]


class ConflictOut(ErrorOut):
    current: CellOut | None = Field(
        None, description="Giá trị đang lưu (null nếu ô đã bị xóa) để tải lại."
    )


class FinaliseIn(Schema):
    columns: list[str] = Field(
        default_factory=list,
        max_length=32,
        description="Các cột cần chốt; rỗng = mọi cột chưa chốt của sổ.",
    )


class FinaliseOut(Schema):
    finalised: list[str] = Field(description="Các cột vừa được chốt trong lần gọi này.")
    columns: list[ColumnOut]


class CorrectionIn(Schema):
    school_class: int = Field(description="Mã (id) lớp.")
    subject: int = Field(description="Mã (id) môn học.")
    term: int = Field(description="Mã (id) học kì.")
    student: int | None = Field(None, description="Học sinh (một ô); bỏ trống khi dùng items.")
    column: str | None = Field(None, max_length=16, description="Cột (một ô).")
    new_value: str = Field(
        "",
        max_length=2000,
        description="Giá trị đề nghị sửa thành; với cột nhận xét là lời nhận xét mới "
        "(để trống để xóa).",
    )
    items: str = Field(
        "",
        max_length=200000,
        description="Nhiều ô của cùng một sổ trong một đơn: JSON "
        '[{"student": id, "column": "GK", "new_value": "8"}, …] (thay cho student, column, '
        "new_value). Một ô bị từ chối thì cả đơn không gửi; lỗi nêu từng dòng (1, 2, …).",
    )
    reason: str = Field(min_length=1, max_length=2000, description="Lý do đề nghị sửa điểm.")


class CorrectionItemOut(Schema):
    row: int = Field(description="Dòng trong đơn và trong biên bản.")
    student: int
    column: str
    old_value: str
    new_value: str
    old_text: str
    new_text: str


class CorrectionOut(Schema):
    id: int
    state: str = Field(description="requested → approved/rejected → applied; cancelled.")
    state_label: str
    student: int | None = Field(description="Học sinh của đơn một ô (null khi đơn có nhiều ô).")
    column: str = Field(description="Cột của đơn một ô ('' khi đơn có nhiều ô).")
    old_value: str = Field(description="Kết quả lúc làm đơn ('' nếu ô trống).")
    new_value: str
    old_text: str = Field(description="Nhận xét lúc làm đơn (cột nhận xét).")
    new_text: str = Field(description="Nhận xét đề nghị sửa thành (cột nhận xét).")
    items: list[CorrectionItemOut] = Field(description="Mọi ô của đơn, theo thứ tự dòng.")
    requested_at: datetime
    evidence: list[str] = Field(description="Tên các tệp minh chứng đã lưu.")
