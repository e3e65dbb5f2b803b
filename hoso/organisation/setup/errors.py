"""Error codes of the school set-up (asserted by tests) with their Vietnamese messages."""

from __future__ import annotations

from enum import StrEnum

from hoso.core.errors import DomainError, PermissionDeniedError


class SetupError(StrEnum):
    NOT_ALLOWED = "setup_not_allowed"
    NOT_PRINCIPAL = "setup_not_principal"
    YEAR_CLOSED = "setup_year_closed"
    NO_YEAR = "setup_no_year"
    REQUIRED = "setup_required"
    TOO_LONG = "setup_too_long"
    INVISIBLE_CHARACTER = "setup_invisible_character"  # bidi override, zero-width (core.text)
    BAD_DATE = "setup_bad_date"
    BAD_NUMBER = "setup_bad_number"
    BAD_EMAIL = "setup_bad_email"
    BAD_PHONE = "setup_bad_phone"
    BAD_SCHOOL_CODE = "setup_bad_school_code"
    SCHOOL_CODE_TAKEN = "setup_school_code_taken"
    BAD_LEVELS = "setup_bad_levels"
    LEVELS_OVERLAP = "setup_levels_overlap"
    LEVEL_IN_USE = "setup_level_in_use"
    BAD_CHOICE = "setup_bad_choice"
    BAD_USERNAME = "setup_bad_username"
    USERNAME_TAKEN = "setup_username_taken"
    BAD_PERSON_NAME = "setup_bad_person_name"
    YEAR_NAME_INVALID = "setup_year_name_invalid"
    YEAR_NAME_TAKEN = "setup_year_name_taken"
    YEAR_NAME_DATES = "setup_year_name_dates"
    YEAR_DATES = "setup_year_dates"
    YEAR_OVERLAP = "setup_year_overlap"
    TERM_DATES = "setup_term_dates"
    TERM_OUTSIDE_YEAR = "setup_term_outside_year"
    TERMS_OVERLAP = "setup_terms_overlap"
    CHECKPOINT_OUTSIDE_TERM = "setup_checkpoint_outside_term"
    CHECKPOINT_ORDER = "setup_checkpoint_order"
    HOLIDAY_DATES = "setup_holiday_dates"
    HOLIDAY_OUTSIDE_YEAR = "setup_holiday_outside_year"
    GRADE_NOT_IN_SCHOOL = "setup_grade_not_in_school"
    CLASS_NAME_TAKEN = "setup_class_name_taken"
    CLASS_COUNT = "setup_class_count"
    CLASS_HAS_STUDENTS = "setup_class_has_students"
    CLASS_IN_USE = "setup_class_in_use"
    SESSIONS = "setup_sessions"
    SUBJECT_CODE_TAKEN = "setup_subject_code_taken"
    BAD_SUBJECT_CODE = "setup_bad_subject_code"
    SUBJECT_IN_USE = "setup_subject_in_use"
    ASSESSMENT_IN_USE = "setup_assessment_in_use"
    OFFERING_IN_USE = "setup_offering_in_use"
    PERIODS = "setup_periods"
    MIDTERM_NOT_APPLICABLE = "setup_midterm_not_applicable"
    NOT_IN_PROGRAMME = "setup_not_in_programme"
    DEPARTMENT_NAME_TAKEN = "setup_department_name_taken"
    DEPARTMENT_NOT_EMPTY = "setup_department_not_empty"
    HEAD_NOT_STAFF = "setup_head_not_staff"
    HEAD_IS_SELF = "setup_head_is_self"
    HEAD_SAME_AS_DEPUTY = "setup_head_same_as_deputy"
    RULESET_INVALID = "setup_ruleset_invalid"
    RULESET_LOCKED = "setup_ruleset_locked"
    INCOMPLETE = "setup_incomplete"
    ALREADY_CONFIRMED = "setup_already_confirmed"


MESSAGES = {
    SetupError.NOT_ALLOWED: "Bạn không có quyền thiết lập trường.",
    SetupError.NOT_PRINCIPAL: (
        "Chỉ hiệu trưởng (giám đốc), hoặc người được hiệu trưởng ủy quyền, xác nhận thiết lập "
        "năm học."
    ),
    SetupError.YEAR_CLOSED: (
        "Năm học {year} đã khóa: không thay đổi được. Hãy chọn hoặc tạo năm học đang mở."
    ),
    SetupError.NO_YEAR: "Trường chưa có năm học: hãy tạo năm học trước.",
    SetupError.REQUIRED: "Hãy nhập {label}.",
    SetupError.TOO_LONG: "{label} dài {length} ký tự, quá giới hạn {limit} ký tự: hãy rút gọn.",
    SetupError.INVISIBLE_CHARACTER: "{problem}",
    SetupError.BAD_DATE: "{label} không phải là ngày hợp lệ (dạng ngày/tháng/năm, ví dụ 05/09/2027).",
    SetupError.BAD_NUMBER: "{label} phải là một số nguyên từ {low} đến {high}.",
    SetupError.BAD_EMAIL: "Địa chỉ thư điện tử “{value}” không hợp lệ.",
    SetupError.BAD_PHONE: (
        "Số điện thoại “{value}” không hợp lệ: chỉ gồm chữ số, dấu cách, dấu chấm, dấu gạch "
        "ngang, dấu + và ngoặc đơn."
    ),
    SetupError.BAD_SCHOOL_CODE: (
        "Mã trường “{value}” không hợp lệ: chỉ gồm chữ cái không dấu, chữ số, dấu gạch ngang "
        "hoặc gạch dưới, tối đa 20 ký tự."
    ),
    SetupError.SCHOOL_CODE_TAKEN: "Đã có trường mã {code}: không tạo trường thứ hai cùng mã.",
    SetupError.BAD_LEVELS: (
        "Cấp học không hợp lệ: hãy chọn một hoặc nhiều cấp trong tiểu học (primary), trung học "
        "cơ sở (lower_secondary), trung học phổ thông (upper_secondary), giáo dục thường xuyên "
        "(continuing)."
    ),
    SetupError.LEVELS_OVERLAP: (
        "Cấp {first} và cấp {second} có chung khối lớp: một trường không thể có cả hai."
    ),
    SetupError.LEVEL_IN_USE: (
        "Không bỏ được cấp {level}: khối {grades} đã có lớp hoặc môn học. Hãy xóa chúng trước."
    ),
    SetupError.BAD_CHOICE: "{label} không hợp lệ.",
    SetupError.BAD_USERNAME: (
        "Tên đăng nhập “{value}” không hợp lệ: 3–80 ký tự gồm chữ cái không dấu, chữ số, dấu "
        "chấm, gạch ngang hoặc gạch dưới, bắt đầu bằng chữ cái hoặc chữ số."
    ),
    SetupError.USERNAME_TAKEN: "Tên đăng nhập {username} đã có người dùng.",
    SetupError.BAD_PERSON_NAME: "Họ và tên phải có ít nhất họ và tên (hai từ), ví dụ “Nguyễn An”.",
    SetupError.YEAR_NAME_INVALID: (
        "Tên năm học phải có dạng “2027-2028” (năm sau hơn năm trước một năm)."
    ),
    SetupError.YEAR_NAME_TAKEN: "Trường đã có năm học {name}.",
    SetupError.YEAR_NAME_DATES: (
        "Năm học {name} phải bắt đầu trong năm {first} và kết thúc trong năm {second}."
    ),
    SetupError.YEAR_DATES: "Ngày kết thúc năm học phải sau ngày bắt đầu.",
    SetupError.YEAR_OVERLAP: (
        "Thời gian năm học trùng với năm học {other} ({start} – {end}) của trường."
    ),
    SetupError.TERM_DATES: "{term}: ngày kết thúc phải sau ngày bắt đầu.",
    SetupError.TERM_OUTSIDE_YEAR: "{term} phải nằm trong năm học ({start} – {end}).",
    SetupError.TERMS_OVERLAP: "Học kỳ II phải bắt đầu sau ngày kết thúc Học kỳ I ({end}).",
    SetupError.CHECKPOINT_OUTSIDE_TERM: "{checkpoint} phải nằm trong {term} ({start} – {end}).",
    SetupError.CHECKPOINT_ORDER: "{first} phải trước {second}.",
    SetupError.HOLIDAY_DATES: "Ngày nghỉ “{name}”: ngày kết thúc không được trước ngày bắt đầu.",
    SetupError.HOLIDAY_OUTSIDE_YEAR: (
        "Ngày nghỉ “{name}” phải nằm trong năm học ({start} – {end})."
    ),
    SetupError.GRADE_NOT_IN_SCHOOL: "Khối {grade} không thuộc các cấp học của trường.",
    SetupError.CLASS_NAME_TAKEN: "Năm học {year} đã có lớp {name}.",
    SetupError.CLASS_COUNT: "Số lớp thêm một lần phải từ 1 đến {limit}.",
    SetupError.CLASS_HAS_STUDENTS: (
        "Lớp {name} đã có {count} học sinh: không xóa được lớp có học sinh."
    ),
    SetupError.CLASS_IN_USE: "Lớp {name} đã có dữ liệu ({what}): không xóa được.",
    SetupError.SESSIONS: "Số buổi học mỗi ngày phải là 1 hoặc 2.",
    SetupError.SUBJECT_CODE_TAKEN: "Cấp {level} đã có môn mã {code}.",
    SetupError.BAD_SUBJECT_CODE: (
        "Mã môn “{value}” không hợp lệ: chỉ gồm chữ cái không dấu, chữ số, gạch ngang hoặc "
        "gạch dưới, tối đa 20 ký tự."
    ),
    SetupError.SUBJECT_IN_USE: "Môn {name} đang được dùng ({what}): không xóa được.",
    SetupError.ASSESSMENT_IN_USE: (
        "Môn {name} đã có kết quả trong sổ điểm ({what}): không đổi được hình thức đánh giá."
    ),
    SetupError.OFFERING_IN_USE: (
        "Môn {name} ở khối {grade} đang được dùng ({what}): không bỏ khỏi khối được."
    ),
    SetupError.PERIODS: "Số tiết/năm của môn {name} phải là số nguyên từ 1 đến 1000.",
    SetupError.MIDTERM_NOT_APPLICABLE: (
        "Kiểm tra định kỳ giữa kỳ chỉ áp dụng cho môn có bài kiểm tra ở tiểu học (môn {name}, "
        "khối {grade} không áp dụng)."
    ),
    SetupError.NOT_IN_PROGRAMME: "Môn mã {code} không có trong chương trình của cấp {level}.",
    SetupError.DEPARTMENT_NAME_TAKEN: "Trường đã có tổ tên “{name}”.",
    SetupError.DEPARTMENT_NOT_EMPTY: (
        "Tổ “{name}” còn {count} thành viên: chỉ xóa được tổ không còn ai."
    ),
    SetupError.HEAD_NOT_STAFF: "Người được chọn không phải cán bộ đang công tác tại trường.",
    SetupError.HEAD_IS_SELF: (
        "Bạn không thể tự chỉ định mình làm tổ trưởng hoặc tổ phó: hãy nhờ người khác trong "
        "ban giám hiệu hoặc quản trị viên."
    ),
    SetupError.HEAD_SAME_AS_DEPUTY: "Tổ trưởng và tổ phó phải là hai người khác nhau.",
    SetupError.RULESET_INVALID: "Bộ quy tắc {code} không áp dụng cho khối {grade}.",
    SetupError.RULESET_LOCKED: (
        "Khối {grade} đã có kết quả đánh giá trong năm học {year} ({what}): không đổi được bộ "
        "quy tắc đánh giá."
    ),
    SetupError.INCOMPLETE: "Chưa xác nhận được: còn thiếu {missing}.",
    SetupError.ALREADY_CONFIRMED: "Thiết lập năm học {year} đã được xác nhận.",
}


def fail(error: SetupError, /, *, field: str | None = None, **kwargs) -> DomainError:
    """``raise fail(SetupError.X, field="name", ...)``: the code's Vietnamese message, the
    keywords filled in; ``field`` names the input to mark."""
    return DomainError(error, MESSAGES[error].format(**kwargs), field=field)


def denied(code: SetupError = SetupError.NOT_ALLOWED) -> PermissionDeniedError:
    return PermissionDeniedError(code, MESSAGES[code])
