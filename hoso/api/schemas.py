"""Input and output shapes of the JSON API. Every response is one of these, never a raw model."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

PERSONAL = (
    "Dữ liệu cá nhân: chỉ trả về cho người được sửa hồ sơ học sinh này (giáo viên chủ nhiệm "
    "lớp, văn thư, phó hiệu trưởng), cho vai trò toàn trường và cho phụ huynh của chính học "
    "sinh; người khác nhận null. Personal data, returned only to those who may edit this "
    "student, school-wide roles and the student's own guardians; null otherwise."
)


class ErrorOut(Schema):
    code: str = Field(description="Mã lỗi ổn định, để chương trình xử lý (stable error code).")
    detail: str = Field(description="Thông báo tiếng Việt cho người dùng.")
    field: str | None = Field(None, description="Trường dữ liệu gây lỗi, nếu có.")


class ValidationErrorOut(ErrorOut):
    errors: list[dict[str, Any]] = Field(default_factory=list)


# What any operation may answer besides its own results: no or a bad token (401), not allowed
# (403), out of scope (404), a body over the limit (413, core/guard.py), input that breaks the
# schema, holds a control character or is too long (422). Writes may also be refused (400).
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut, 422: ValidationErrorOut}
WRITE_ERRORS = {400: ErrorOut, **ERRORS}


# --- /me ------------------------------------------------------------------------------------


class UserOut(Schema):
    id: int
    username: str
    display_name: str


class SchoolRef(Schema):
    id: int
    name: str
    short_name: str = ""


class YearRef(Schema):
    id: int
    name: str
    is_closed: bool


class RoleOut(Schema):
    code: str
    label: str = Field(description="Tên vai trò tiếng Việt.")
    acting_as: str = Field("", description="Có khi vai trò được ủy quyền: 'thay <người>'.")


class MeOut(Schema):
    user: UserOut
    display_name: str
    school: SchoolRef | None
    year: YearRef | None
    roles: list[RoleOut]
    schools: list[SchoolRef] = Field(description="Các trường người này thuộc về.")
    years: list[YearRef] = Field(description="Các năm học của trường đang chọn.")


# --- classes --------------------------------------------------------------------------------


class ClassOut(Schema):
    id: int
    name: str
    grade: int
    year: str
    homeroom_teacher: str | None
    student_count: int = Field(description="Số học sinh đang học (chưa chuyển đi, bỏ học).")


class TeachingOut(Schema):
    subject: str
    teacher: str
    term: int


class ClassDetailOut(ClassOut):
    sessions_per_day: int
    can_edit_students: bool
    teaching: list[TeachingOut]


class ClassRef(Schema):
    id: int
    name: str


# --- students -------------------------------------------------------------------------------


class GuardianOut(Schema):
    full_name: str
    relation: str
    relation_label: str
    phone: str | None = Field(None, description="Số điện thoại. " + PERSONAL)


class RosterStudentOut(Schema):
    id: int
    student_code: str
    full_name: str
    family_name: str
    middle_name: str
    given_name: str
    gender: str = Field(description="M = Nam, F = Nữ.")
    birth_date: date
    status: str = Field(description="Trạng thái trong lớp: studying, transferred_in, ...")
    status_label: str
    register_number: int | None = Field(description="Số đăng bộ.")
    personal_id: str | None = Field(None, description="Mã định danh cá nhân. " + PERSONAL)
    guardians: list[GuardianOut]
    left: bool = Field(
        False, description="Đã rời lớp trong năm học (chuyển đi, chuyển lớp, bỏ học): gạch ngang."
    )
    end_date: date | None = Field(None, description="Ngày rời lớp (ngày đầu không còn ở lớp).")
    note: str = Field("", description="Lý do, ghi chú.")


class EnrolmentOut(Schema):
    """One step of a student's path: a class of a year, from a date, until a date."""

    id: int
    year: str
    school_class: ClassRef
    status: str = Field(
        description="studying, transferred_in, transferred_out, dropped_out, class_changed."
    )
    status_label: str
    start_date: date
    end_date: date | None = Field(description="Ngày rời lớp; null: đang học.")
    outcome: str = Field(description="Kết quả cuối năm: promoted, repeating, completed hoặc ''.")
    note: str


class MoveIn(Schema):
    """Chuyển lớp (a class of the same grade and year) or trở lại học (a class of the grade the
    student left), from ``on``, with a reason."""

    school_class: int = Field(description="Mã (id) lớp đến.")
    on: date = Field(description="Ngày bắt đầu học ở lớp đến.")
    reason: str = Field("", max_length=250, description="Lý do.")


class StudentBriefOut(Schema):
    id: int
    student_code: str
    full_name: str
    gender: str
    birth_date: date
    current_class: ClassRef | None


class StudentOut(Schema):
    id: int
    student_code: str
    full_name: str
    family_name: str
    middle_name: str
    given_name: str
    gender: str
    gender_label: str
    birth_date: date
    birth_place: str
    ethnicity: str
    nationality: str
    current_class: ClassRef | None
    enrolment_status: str | None
    register_number: int | None
    personal_id: str | None = Field(None, description="Mã định danh cá nhân. " + PERSONAL)
    address: str | None = Field(None, description="Nơi ở hiện nay. " + PERSONAL)
    has_disability: bool | None = Field(None, description="Khuyết tật. " + PERSONAL)
    disability_note: str | None = Field(None, description="Dạng khuyết tật. " + PERSONAL)
    guardians: list[GuardianOut]
    can_edit: bool


class StudentPatchIn(Schema):
    """Only the fields sent are changed; null or absent means 'unchanged'. "" clears a field."""

    student_code: str | None = Field(None, min_length=1, max_length=20)
    personal_id: str | None = Field(None, max_length=12)
    family_name: str | None = Field(None, min_length=1, max_length=60)
    middle_name: str | None = Field(None, max_length=60)
    given_name: str | None = Field(None, min_length=1, max_length=40)
    gender: Literal["M", "F"] | None = None
    birth_date: date | None = None
    birth_place: str | None = Field(None, max_length=200)
    ethnicity: str | None = Field(None, max_length=40)
    nationality: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=300)
    has_disability: bool | None = None
    disability_note: str | None = Field(None, max_length=200)


# --- staff ----------------------------------------------------------------------------------


class StaffOut(Schema):
    id: int
    code: str
    full_name: str
    gender: str
    position: str
    position_label: str
    department: str | None
    main_subject: str
    employment: str
    is_active: bool


# --- audit ----------------------------------------------------------------------------------


class AuditEventOut(Schema):
    id: int
    seq: int
    at: datetime
    actor_id: int | None
    actor_name: str
    acting_as: str
    ip: str | None
    channel: str
    event_type: str
    target_type: str
    target_id: str
    target_repr: str
    before: Any = None
    after: Any = None


class AuditPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[AuditEventOut]


# --- tokens ---------------------------------------------------------------------------------


class TokenIn(Schema):
    name: str = Field(
        min_length=1, max_length=100, description="Tên gợi nhớ, ví dụ 'Máy chủ SMAS'."
    )
    days: int = Field(90, ge=1, le=365, description="Số ngày hiệu lực (1–365).")


class TokenCreatedOut(Schema):
    id: int
    name: str
    prefix: str
    expires_at: datetime
    token: str = Field(description="Mã truy cập — chỉ hiển thị một lần, hãy lưu lại ngay.")
