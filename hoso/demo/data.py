"""Data for the demo: two schools, their years, programmes, staff plan and name parts.

The years are not fixed: :func:`demo_calendar` derives them from one reference day (the current
year and last year, closed, on the set-up's proposed calendar).

Everything here is plain data; :mod:`hoso.demo.builder` turns it into rows with a seeded random
generator. People's names are composed at random from common Vietnamese name parts, never copied
from real people or from the project's source documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from hoso.accounts.roles import Role
from hoso.organisation import programme
from hoso.organisation.models import Department, Level, Position
from hoso.organisation.setup import calendar

#: Every demo account logs in with this password (shown by ``seed_demo`` and ``demo_logins``).
DEMO_PASSWORD = "HoSo@2026"

#: Seed of the random generator; each school derives its own stream from it and its code.
SEED = 20262027


# --- School years -----------------------------------------------------------------------------


@dataclass
class YearSpec(calendar.Calendar):
    """A demo year: the set-up's calendar, and whether the year is closed."""

    closed: bool = False

    @property
    def first_calendar_year(self) -> int:
        return self.start.year


def demo_start_year(today: date) -> int:
    """The first calendar year of the school year the demo shows as *current* on ``today``.

    From 1 September the new year is current (even on the first days before khai giảng on
    5 September: classes, students and teachers are in place, nothing is assessed yet). From
    January to May it is the year running. **From June to August it is still the year that has
    just ended** (31 May): a school rolls over in August, so the demo in July shows a finished,
    not yet closed year with all its results, and last year's is the closed one before it. This
    differs on purpose from the set-up's :func:`~hoso.organisation.setup.calendar.
    proposed_start_year`, which proposes the *coming* year to a school setting up in summer.
    """
    return today.year if today.month >= 9 else today.year - 1


def year_spec(start_year: int, *, closed: bool) -> YearSpec:
    """A demo year on the set-up's proposed calendar (the one place the usual dates live)."""
    cal = calendar.proposed_calendar(start_year)
    return YearSpec(**vars(cal), closed=closed)


@dataclass(frozen=True)
class DemoCalendar:
    """Every date of the demo, derived from one reference day (``seed_demo --today``)."""

    today: date
    current: YearSpec
    previous: YearSpec
    #: The inspector's access to the lower-secondary school ends after this day (31 August, so
    #: that it spans the summer of the current year).
    inspector_until: date

    @property
    def offset(self) -> int:
        """Calendar years from the data's base year (staff born in 1972–2000 for 2026-2027)."""
        return self.current.first_calendar_year - BASE_YEAR


#: The school year the fixed parts of the data (staff birth years) were written for.
BASE_YEAR = 2026


def demo_calendar(today: date) -> DemoCalendar:
    first = demo_start_year(today)
    return DemoCalendar(
        today=today,
        current=year_spec(first, closed=False),
        previous=year_spec(first - 1, closed=True),
        inspector_until=date(first + 1, 8, 31),
    )


# --- Programme, staff plan ------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectSpec:
    """A subject of the 2018 programme with its periods per year per grade (số tiết/năm)."""

    code: str
    name: str
    assessment: str
    periods: dict[int, int]  # grade -> periods per year; absent grade = not taught there
    taught_by: str  # a TeacherGroup key, or "homeroom" (the class's homeroom teacher)
    midterm_test_grades: tuple[int, ...] = ()  # TT27: also tested at mid-term in these grades


def _demo_subjects(level: str, taught_by: dict[str, str]) -> tuple[SubjectSpec, ...]:
    """The programme's default catalogue of ``level``, each subject with its demo teachers."""
    return tuple(
        SubjectSpec(
            s.code, s.name, s.assessment, dict(s.periods), taught_by[s.code], s.midterm_test_grades
        )
        for s in programme.default_subjects(level)
    )


@dataclass(frozen=True)
class TeacherGroup:
    """Teachers with one main subject. ``department`` may use ``{grade}`` (primary class teachers,
    one per class in class order, belong to the team of their grade)."""

    key: str
    count: int
    main_subject: str
    qualifications: tuple[str, ...]
    department: str
    class_teachers: bool = False


@dataclass(frozen=True)
class OfficeStaffSpec:
    key: str  # also the well-known login key when ``login`` is True
    position: str
    qualification: str
    login: bool = True
    department: str = "office"


@dataclass(frozen=True)
class DepartmentSpec:
    key: str
    name: str
    kind: str
    head: tuple[str, int | str]  # (teacher group, index) or ("office", office staff key)
    deputy: tuple[str, int | str]


@dataclass(frozen=True)
class SchoolSpec:
    code: str
    name: str
    short_name: str
    level: str
    ruleset: str
    superior_kind: str  # SuperiorKind: the commune People's Committee or the province's department
    office_name: str  # the superior body's full name
    province: str
    commune: str
    address: str
    phone: str
    email: str
    mail_domain: str
    staff_code_prefix: str
    user_suffix: str  # appended to generated usernames: "gv.lan.nguyen.nt"
    login_suffix: str  # appended to the well-known usernames: "hieutruong.th"
    grades: tuple[int, ...]
    class_suffixes: tuple[str, ...]  # 6 + "A1" -> "6A1"; 1 + "A" -> "1A"
    sessions_per_day: int
    subjects: tuple[SubjectSpec, ...]
    teacher_groups: tuple[TeacherGroup, ...]
    departments: tuple[DepartmentSpec, ...]
    # Well-known teachers: login key -> (teacher group, index in the group).
    designated: dict[str, tuple[str, int]]
    # The homeroom teacher moves up with the class (THCS) or stays with the grade (primary).
    homeroom_follows_students: bool
    district: str
    wards: tuple[str, ...]
    streets: tuple[str, ...]
    login_labels: dict[str, str] = field(default_factory=dict)

    def class_name(self, grade: int, suffix: str) -> str:
        return f"{grade}{suffix}"


OFFICE_STAFF = (
    OfficeStaffSpec("vanthu", Position.CLERK, "Cao đẳng Văn thư – Lưu trữ"),
    OfficeStaffSpec("ketoan", Position.ACCOUNTANT, "Đại học Kế toán"),
    # Tổ trưởng tổ văn phòng: the school's treasurer (thủ quỹ), an accountant by position.
    OfficeStaffSpec("totruongvp", Position.ACCOUNTANT, "Đại học Tài chính – Ngân hàng"),
    OfficeStaffSpec("yte", Position.MEDICAL, "Cao đẳng Điều dưỡng"),
    OfficeStaffSpec("thuvien", Position.LIBRARIAN, "Cao đẳng Thư viện – Thông tin"),
    # Nhân viên thiết bị – thí nghiệm, counted with the library; deputy of the office team.
    OfficeStaffSpec("thietbi", Position.LIBRARIAN, "Cao đẳng Công nghệ thiết bị trường học", False),
    OfficeStaffSpec("tongphutrach", Position.DOI_LEADER, "Đại học Sư phạm Âm nhạc"),
)

# Leaders' usernames and positions; the second vice principal gets a generated username.
LEADERS = (
    ("hieutruong", Position.PRINCIPAL),
    ("phohieutruong", Position.VICE_PRINCIPAL),
    ("", Position.VICE_PRINCIPAL),
)

#: The well-known logins, in the order they are listed, with the role each must derive.
WELL_KNOWN = (
    ("hieutruong", Role.PRINCIPAL),
    ("phohieutruong", Role.VICE_PRINCIPAL),
    ("totruong", Role.DEPARTMENT_HEAD),
    ("topho", Role.DEPARTMENT_DEPUTY),
    ("totruongvp", Role.OFFICE_HEAD),
    ("gvcn", Role.HOMEROOM_TEACHER),
    ("gvbm", Role.SUBJECT_TEACHER),
    ("vanthu", Role.CLERK),
    ("ketoan", Role.ACCOUNTANT),
    ("quantri", Role.ADMINISTRATOR),
    ("yte", Role.MEDICAL),
    ("thuvien", Role.LIBRARIAN),
    ("tongphutrach", Role.DOI_LEADER),
    ("phuhuynh", Role.PARENT),
)
INSPECTOR_USERNAME = "thanhtra"

_COMMON_LABELS = {
    "hieutruong": "Hiệu trưởng",
    "phohieutruong": "Phó hiệu trưởng",
    "totruongvp": "Tổ trưởng tổ văn phòng (thủ quỹ)",
    "vanthu": "Văn thư",
    "ketoan": "Kế toán",
    "yte": "Nhân viên y tế",
    "thuvien": "Nhân viên thư viện",
    "tongphutrach": "Tổng phụ trách Đội",
}

# The programme (hoso/organisation/programme.py) and who teaches each subject in the demo.
LOWER_SECONDARY_SUBJECTS = _demo_subjects(
    Level.LOWER_SECONDARY,
    {
        "NV": "van",
        "TOAN": "toan",
        "NN1": "anh",
        "GDCD": "gdcd",
        "LSDL": "lsdl",
        "KHTN": "khtn",
        "CN": "cn",
        "TIN": "tin",
        "GDTC": "gdtc",
        "AN": "an",
        "MT": "mt",
        "HDTN": "homeroom",
        "GDDP": "lsdl",
    },
)

_SP = "Đại học Sư phạm"
LOWER_SECONDARY_TEACHERS = (
    TeacherGroup("van", 5, "Ngữ văn", (f"{_SP} Ngữ văn", "Thạc sĩ Văn học Việt Nam"), "van"),
    TeacherGroup("lsdl", 4, "Lịch sử và Địa lí", (f"{_SP} Lịch sử", f"{_SP} Địa lí"), "van"),
    TeacherGroup("gdcd", 2, "Giáo dục công dân", (f"{_SP} Giáo dục chính trị",), "van"),
    TeacherGroup("toan", 5, "Toán", (f"{_SP} Toán", "Thạc sĩ Toán học"), "toan"),
    TeacherGroup("tin", 2, "Tin học", (f"{_SP} Tin học",), "toan"),
    TeacherGroup(
        "khtn",
        6,
        "Khoa học tự nhiên",
        (f"{_SP} Vật lí", f"{_SP} Hóa học", f"{_SP} Sinh học"),
        "khtn",
    ),
    TeacherGroup("cn", 2, "Công nghệ", (f"{_SP} Kĩ thuật công nghiệp",), "khtn"),
    TeacherGroup("anh", 4, "Tiếng Anh", (f"{_SP} Tiếng Anh", "Thạc sĩ Ngôn ngữ Anh"), "nn"),
    TeacherGroup("gdtc", 2, "Giáo dục thể chất", (f"{_SP} Giáo dục thể chất",), "nk"),
    TeacherGroup("an", 1, "Âm nhạc", (f"{_SP} Âm nhạc",), "nk"),
    TeacherGroup("mt", 1, "Mĩ thuật", (f"{_SP} Mĩ thuật",), "nk"),
)

SUBJECT_DEPARTMENT = Department.Kind.SUBJECT
OFFICE_DEPARTMENT = Department.Kind.OFFICE

LOWER_SECONDARY = SchoolSpec(
    code="THCS-NT",
    name="Trường THCS Nguyễn Trãi",
    short_name="THCS Nguyễn Trãi",
    level=Level.LOWER_SECONDARY,
    ruleset="TT22_2021",
    superior_kind="commune",
    office_name="Ủy ban nhân dân phường Hải An",
    province="Thành phố Hải Phòng",
    commune="Phường Hải An",
    address="Số 18 đường Thư Trung, phường Đằng Lâm, quận Hải An, thành phố Hải Phòng",
    phone="0225 3741 286",
    email="thcs.nguyentrai@hoso-demo.example",
    mail_domain="thcs-nguyentrai.example",
    staff_code_prefix="NT",
    user_suffix=".nt",
    login_suffix="",
    grades=(6, 7, 8, 9),
    class_suffixes=("A1", "A2", "A3"),
    sessions_per_day=1,
    subjects=LOWER_SECONDARY_SUBJECTS,
    teacher_groups=LOWER_SECONDARY_TEACHERS,
    departments=(
        DepartmentSpec(
            "van", "Tổ Ngữ văn – Lịch sử – GDCD", SUBJECT_DEPARTMENT, ("van", 1), ("lsdl", 0)
        ),
        DepartmentSpec("toan", "Tổ Toán – Tin", SUBJECT_DEPARTMENT, ("toan", 1), ("toan", 2)),
        DepartmentSpec(
            "khtn", "Tổ Khoa học tự nhiên – Công nghệ", SUBJECT_DEPARTMENT, ("khtn", 0), ("khtn", 1)
        ),
        DepartmentSpec("nn", "Tổ Ngoại ngữ", SUBJECT_DEPARTMENT, ("anh", 0), ("anh", 1)),
        DepartmentSpec("nk", "Tổ Năng khiếu", SUBJECT_DEPARTMENT, ("gdtc", 0), ("mt", 0)),
        DepartmentSpec(
            "office",
            "Tổ văn phòng",
            OFFICE_DEPARTMENT,
            ("office", "totruongvp"),
            ("office", "thietbi"),
        ),
    ),
    designated={
        "gvcn": ("van", 0),  # homeroom teacher of 6A1, teaches Ngữ văn there
        "totruong": ("toan", 1),
        "topho": ("toan", 2),
        "gvbm": ("khtn", 5),
        "quantri": ("tin", 0),
    },
    homeroom_follows_students=True,
    district="quận Hải An",
    wards=("Đằng Lâm", "Đằng Hải", "Nam Hải", "Cát Bi", "Thành Tô", "Tràng Cát", "Đông Hải 1"),
    streets=(
        "Thư Trung",
        "Văn Cao",
        "Ngô Gia Tự",
        "Lê Hồng Phong",
        "Cát Bi",
        "Đằng Hải",
        "Trung Lực",
        "Phương Lưu",
    ),
    login_labels={
        **_COMMON_LABELS,
        "totruong": "Tổ trưởng chuyên môn (Tổ Toán – Tin)",
        "topho": "Tổ phó chuyên môn (Tổ Toán – Tin)",
        "gvcn": "Giáo viên chủ nhiệm lớp 6A1 (dạy Ngữ văn)",
        "gvbm": "Giáo viên bộ môn (Khoa học tự nhiên)",
        "quantri": "Quản trị viên (giáo viên Tin học)",
        "phuhuynh": "Phụ huynh học sinh lớp 6A1",
    },
)

PRIMARY_SUBJECTS = _demo_subjects(
    Level.PRIMARY,
    {
        "TV": "homeroom",
        "TOAN": "homeroom",
        "NN1": "anh",
        "DD": "homeroom",
        "TNXH": "homeroom",
        "LSDL": "lsdl",
        "KH": "kh",
        "THCN": "thcn",
        "GDTC": "gdtc",
        "AN": "an",
        "MT": "mt",
        "HDTN": "homeroom",
    },
)

PRIMARY_TEACHERS = (
    TeacherGroup(
        "lop",
        15,
        "Giáo dục tiểu học (dạy lớp)",
        (f"{_SP} Giáo dục Tiểu học", "Cao đẳng Sư phạm Tiểu học"),
        "khoi{grade}",
        class_teachers=True,
    ),
    TeacherGroup("lsdl", 1, "Lịch sử và Địa lí", (f"{_SP} Lịch sử",), "khoi4"),
    TeacherGroup("kh", 1, "Khoa học", (f"{_SP} Sinh học",), "khoi5"),
    TeacherGroup("anh", 4, "Tiếng Anh", (f"{_SP} Tiếng Anh",), "chuyenbiet"),
    TeacherGroup("thcn", 2, "Tin học và Công nghệ", (f"{_SP} Tin học",), "chuyenbiet"),
    TeacherGroup("gdtc", 3, "Giáo dục thể chất", (f"{_SP} Giáo dục thể chất",), "chuyenbiet"),
    TeacherGroup("an", 2, "Âm nhạc", (f"{_SP} Âm nhạc",), "chuyenbiet"),
    TeacherGroup("mt", 2, "Mĩ thuật", (f"{_SP} Mĩ thuật",), "chuyenbiet"),
)

PRIMARY = SchoolSpec(
    code="TH-CVA",
    name="Trường Tiểu học Chu Văn An",
    short_name="TH Chu Văn An",
    level=Level.PRIMARY,
    ruleset="TT27_2020",
    superior_kind="commune",
    office_name="Ủy ban nhân dân phường Lê Chân",
    province="Thành phố Hải Phòng",
    commune="Phường Lê Chân",
    address="Số 25 phố Hồ Sen, phường Trại Cau, quận Lê Chân, thành phố Hải Phòng",
    phone="0225 3857 419",
    email="th.chuvanan@hoso-demo.example",
    mail_domain="th-chuvanan.example",
    staff_code_prefix="CVA",
    user_suffix=".th",
    login_suffix=".th",
    grades=(1, 2, 3, 4, 5),
    class_suffixes=("A", "B", "C"),
    sessions_per_day=2,
    subjects=PRIMARY_SUBJECTS,
    teacher_groups=PRIMARY_TEACHERS,
    departments=(
        # Class teachers are numbered in class order: 1A, 1B, 1C, 2A, ...
        *(
            DepartmentSpec(
                f"khoi{g}",
                f"Tổ khối {g}",
                SUBJECT_DEPARTMENT,
                ("lop", 3 * (g - 1) + 1),
                ("lop", 3 * (g - 1) + 2),
            )
            for g in range(1, 6)
        ),
        DepartmentSpec(
            "chuyenbiet",
            "Tổ Chuyên biệt (Ngoại ngữ – Tin học – Năng khiếu)",
            SUBJECT_DEPARTMENT,
            ("anh", 0),
            ("gdtc", 0),
        ),
        DepartmentSpec(
            "office",
            "Tổ văn phòng",
            OFFICE_DEPARTMENT,
            ("office", "totruongvp"),
            ("office", "thietbi"),
        ),
    ),
    designated={
        "gvcn": ("lop", 0),  # class teacher of 1A
        "totruong": ("lop", 1),  # class teacher of 1B, head of Tổ khối 1
        "topho": ("lop", 2),  # class teacher of 1C, deputy of Tổ khối 1
        "gvbm": ("anh", 3),
        "quantri": ("thcn", 0),
    },
    homeroom_follows_students=False,
    district="quận Lê Chân",
    wards=("Trại Cau", "Dư Hàng", "Hồ Nam", "An Biên", "Cát Dài", "Niệm Nghĩa", "Lam Sơn"),
    streets=(
        "Hồ Sen",
        "Tô Hiệu",
        "Hai Bà Trưng",
        "Chợ Hàng",
        "Dư Hàng",
        "Nguyễn Văn Linh",
        "Thiên Lôi",
        "Lán Bè",
    ),
    login_labels={
        **_COMMON_LABELS,
        "totruong": "Tổ trưởng chuyên môn (Tổ khối 1, chủ nhiệm lớp 1B)",
        "topho": "Tổ phó chuyên môn (Tổ khối 1, chủ nhiệm lớp 1C)",
        "gvcn": "Giáo viên chủ nhiệm lớp 1A",
        "gvbm": "Giáo viên bộ môn (Tiếng Anh)",
        "quantri": "Quản trị viên (giáo viên Tin học và Công nghệ)",
        "phuhuynh": "Phụ huynh học sinh lớp 1A",
    },
)

SCHOOLS = (LOWER_SECONDARY, PRIMARY)
INSPECTOR_SCHOOL = LOWER_SECONDARY.code
INSPECTOR_LABEL = "Thanh tra (UBND phường Hải An)"


# --- People ------------------------------------------------------------------------------------

# Family names with rough national frequencies (per cent).
FAMILY_NAMES = (
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 4.0),
    ("Huỳnh", 0.8),
    ("Phan", 4.0),
    ("Vũ", 4.0),
    ("Võ", 1.0),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.6),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 0.8),
    ("Đào", 0.8),
    ("Trịnh", 0.6),
    ("Mai", 0.4),
    ("Lương", 0.4),
    ("Cao", 0.4),
)

CHILD_MIDDLE = {
    "M": (
        "Văn", "Đức", "Minh", "Quang", "Gia", "Hoàng", "Tuấn", "Anh", "Bảo", "Thành", "Hữu",
        "Đăng", "Trung", "Công", "Duy", "Nhật", "Hải", "Phúc", "Khánh", "Xuân", "Thế", "Tiến",
    ),
    "F": (
        "Thị", "Ngọc", "Thu", "Minh", "Khánh", "Bảo", "Phương", "Thanh", "Hoài", "Gia", "Hà",
        "Mai", "Diệu", "Tuệ", "Thùy", "Hồng", "Quỳnh", "Thảo", "Như", "Kim", "Hải", "Tường",
    ),
}  # fmt: skip

CHILD_GIVEN = {
    "M": (
        "An", "Anh", "Bách", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Dương", "Đạt", "Đăng",
        "Đức", "Hải", "Hiếu", "Hoàng", "Huy", "Hùng", "Hưng", "Khang", "Khánh", "Khôi", "Kiên",
        "Lâm", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Nguyên", "Nhật", "Phát", "Phong",
        "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thái", "Thắng", "Thành", "Thịnh", "Tiến",
        "Toàn", "Trí", "Trung", "Tú", "Tuấn", "Việt", "Vinh", "Vũ",
    ),
    "F": (
        "An", "Anh", "Ánh", "Chi", "Diệp", "Dung", "Dương", "Giang", "Hà", "Hân", "Hằng",
        "Hiền", "Hoa", "Huyền", "Hương", "Khuê", "Lam", "Lan", "Linh", "Ly", "Mai", "My",
        "Nga", "Ngân", "Ngọc", "Nhi", "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm",
        "Thảo", "Thư", "Thủy", "Trang", "Trâm", "Uyên", "Vân", "Vy", "Yến",
    ),
}  # fmt: skip

ADULT_MIDDLE = {
    "M": (
        ("Văn", 30), ("Đức", 8), ("Minh", 8), ("Quang", 6), ("Hữu", 5), ("Xuân", 4),
        ("Thanh", 4), ("Mạnh", 3), ("Ngọc", 3), ("Công", 4), ("Đình", 5), ("Trọng", 3),
        ("Tiến", 3), ("Hồng", 2), ("Việt", 2),
    ),
    "F": (
        ("Thị", 45), ("Thu", 6), ("Thanh", 6), ("Ngọc", 5), ("Minh", 4), ("Hồng", 4),
        ("Thúy", 3), ("Kim", 3), ("Phương", 3), ("Lan", 2), ("Bích", 2), ("Hải", 2),
        ("Diệu", 1), ("Mai", 2),
    ),
}  # fmt: skip

ADULT_GIVEN = {
    "M": (
        "Bình", "Cường", "Dũng", "Hải", "Hùng", "Hưng", "Khải", "Lâm", "Long", "Mạnh", "Nam",
        "Phong", "Quân", "Sơn", "Thắng", "Thành", "Tiến", "Toàn", "Trung", "Tuấn", "Tùng",
        "Việt", "Vinh", "Hòa", "Hiệp", "Hoàn", "Khoa", "Lợi", "Đông", "Chiến", "Đạt", "Huy",
    ),
    "F": (
        "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Hường", "Lan", "Liên",
        "Loan", "Mai", "Minh", "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Quyên", "Tâm",
        "Thảo", "Thoa", "Thu", "Thủy", "Trang", "Tuyết", "Vân", "Yến", "Dung", "Duyên",
        "Giang", "Huyền", "Xuân", "Linh", "Hậu",
    ),
}  # fmt: skip

# Ethnic groups (dân tộc) of the demo students; the large majority are Kinh.
ETHNICITIES = (
    ("Kinh", 96.0),
    ("Tày", 1.0),
    ("Mường", 0.8),
    ("Hoa", 0.8),
    ("Nùng", 0.6),
    ("Thái", 0.5),
    ("Dao", 0.3),
)

# Place of birth (nơi sinh) and the province code of the personal ID registered there.
BIRTH_PLACES = (
    ("Hải Phòng", "031", 86.0),
    ("Hà Nội", "001", 8.0),
    # Born elsewhere, birth registered where the family lives (Hải Phòng).
    ("Hải Dương", "031", 2.5),
    ("Thái Bình", "031", 2.0),
    ("Quảng Ninh", "031", 1.5),
)

DISABILITIES = (
    "Khuyết tật học tập",
    "Khuyết tật nghe, nói",
    "Khuyết tật vận động",
    "Khuyết tật nhìn",
)

OCCUPATIONS = {
    "M": (
        ("Công nhân", 18), ("Kinh doanh", 12), ("Lái xe", 6), ("Kỹ sư", 8),
        ("Nhân viên văn phòng", 10), ("Công chức", 6), ("Bộ đội", 3), ("Công an", 3),
        ("Buôn bán", 8), ("Thợ điện", 4), ("Thợ xây", 4), ("Làm tự do", 8), ("Giáo viên", 3),
        ("Bác sĩ", 2), ("Thuyền viên", 3), ("Nhân viên cảng", 4),
    ),
    "F": (
        ("Công nhân", 18), ("Kinh doanh", 10), ("Nội trợ", 8), ("Nhân viên văn phòng", 14),
        ("Công chức", 6), ("Buôn bán", 10), ("Giáo viên", 6), ("Điều dưỡng", 3),
        ("Kế toán", 6), ("Thợ may", 4), ("Làm tự do", 8), ("Bác sĩ", 2),
        ("Nhân viên ngân hàng", 3),
    ),
}  # fmt: skip

# Vietnamese mobile network codes (after the leading 0).
MOBILE_PREFIXES = (
    "32", "33", "34", "35", "36", "37", "38", "39", "70", "76", "77", "78", "79",
    "81", "82", "83", "84", "85", "86", "88", "89", "90", "91", "93", "94", "96", "97", "98",
)  # fmt: skip

TRANSFER_ORIGINS = (
    "Hà Nội",
    "tỉnh Hải Dương",
    "tỉnh Quảng Ninh",
    "tỉnh Thái Bình",
    "tỉnh Nam Định",
    "quận Ngô Quyền, Hải Phòng",
    "huyện Thủy Nguyên, Hải Phòng",
)
