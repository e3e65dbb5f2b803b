"""Schools (the tenant), years, terms, checkpoints, grades, classes, subjects, departments, staff."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from hoso.core import clock
from hoso.core.text import fold, full_name, name_sort_string


class Level(models.TextChoices):
    PRIMARY = "primary", "Tiểu học"
    LOWER_SECONDARY = "lower_secondary", "Trung học cơ sở"
    UPPER_SECONDARY = "upper_secondary", "Trung học phổ thông"
    CONTINUING = "continuing", "Giáo dục thường xuyên"


LEVEL_GRADES = {
    Level.PRIMARY: range(1, 6),
    Level.LOWER_SECONDARY: range(6, 10),
    Level.UPPER_SECONDARY: range(10, 13),
    Level.CONTINUING: range(6, 13),
}


class SuperiorKind(models.TextChoices):
    """The body a school answers to. There is no district office since 1 July 2025 (two-level
    local government): primary and lower-secondary schools answer to the commune People's
    Committee for most tasks, upper-secondary schools and GDTX centres to the provincial
    department (WAVE2 §0). Data, never a hard-coded "Phòng"."""

    PROVINCE = "province", "Sở Giáo dục và Đào tạo"
    COMMUNE = "commune", "Ủy ban nhân dân cấp xã"


class School(models.Model):
    """Trường / trung tâm GDTX — the tenant. Every other row belongs to one school."""

    code = models.CharField("mã trường", max_length=20, unique=True)
    name = models.CharField("tên trường", max_length=200)
    short_name = models.CharField("tên ngắn", max_length=80, blank=True)
    levels = models.JSONField("cấp học", default=list)  # list of Level values
    address = models.CharField("địa chỉ", max_length=300, blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    email = models.EmailField(blank=True)
    # The superior body (cơ quan quản lý trực tiếp): its kind and its full name, e.g.
    # "Ủy ban nhân dân phường Hải An" or "Sở Giáo dục và Đào tạo thành phố Hải Phòng".
    superior_kind = models.CharField(
        "loại cơ quan quản lý", max_length=10, choices=SuperiorKind.choices
    )
    office_name = models.CharField("cơ quan quản lý trực tiếp", max_length=200)
    province = models.CharField("tỉnh/thành phố", max_length=80, blank=True)
    commune = models.CharField("xã/phường/đặc khu", max_length=80, blank=True)
    head_title = models.CharField(
        "chức danh người đứng đầu",
        max_length=20,
        choices=[("Hiệu trưởng", "Hiệu trưởng"), ("Giám đốc", "Giám đốc")],
        default="Hiệu trưởng",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_centre(self) -> bool:
        return self.head_title == "Giám đốc"


class SchoolYear(models.Model):
    """Năm học "2024-2025". A closed year is read-only (checked by every action)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="years")
    name = models.CharField(max_length=9)  # "2026-2027"
    start_date = models.DateField()
    end_date = models.DateField()
    is_closed = models.BooleanField("đã khóa năm học", default=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A closed year reopened by the principal for a stated purpose until this moment
    # (YearReopening keeps every reopening); ``reopen_scope`` names the areas it reopens.
    reopened_until = models.DateTimeField(null=True, blank=True)
    reopen_scope = models.JSONField(default=list, blank=True)
    # The principal confirms the year's calendar and programme the administrator prepared.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The rule set in force for this year, per level: {"lower_secondary": "TT22_2021"}.
    # Stored, not derived, so a closed year keeps the rules it was assessed under.
    rulesets = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["school_id", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="schoolyear_unique_name"),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="schoolyear_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"Năm học {self.name}"

    def weeks(self) -> list[tuple[int, date, date]]:
        """School weeks (tuần học): week 1 starts on the Monday of the first day's week."""
        monday = self.start_date - timedelta(days=self.start_date.weekday())
        out = []
        number = 1
        while monday <= self.end_date:
            out.append((number, monday, monday + timedelta(days=6)))
            monday += timedelta(days=7)
            number += 1
        return out

    def is_reopened(self, now=None) -> bool:
        """A closed year inside a reopening window the principal gave."""
        return bool(
            self.is_closed
            and self.reopened_until is not None
            and (now or clock.now()) < self.reopened_until
        )

    def writable_for(self, area: str, now=None) -> bool:
        """May ``area`` (transcripts, results, gradebook, records, students, organisation) be
        written in this year? An open year: yes; a closed one: only inside a reopening window
        that names the area."""
        if not self.is_closed:
            return True
        return self.is_reopened(now) and area in (self.reopen_scope or [])

    def week_of(self, day: date) -> int | None:
        if not (self.start_date <= day <= self.end_date):
            return None
        first_monday = self.start_date - timedelta(days=self.start_date.weekday())
        return (day - first_monday).days // 7 + 1


class YearReopening(models.Model):
    """The principal reopens a closed year, with a reason, for a stated purpose and time
    (finishing last year's transcripts, say). Kept for ever; audited."""

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="reopenings")
    reason = models.CharField("lý do", max_length=500)
    purpose = models.CharField("mục đích", max_length=300)
    scope = models.JSONField(default=list)  # areas reopened: ["transcripts", "results", ...]
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    until = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["year_id", "-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__gt=models.F("opened_at")), name="yearreopening_dates"
            ),
        ]


class Holiday(models.Model):
    """A day or days off in the school's calendar (Tết, national holidays, the school's own)."""

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="holidays")
    name = models.CharField("tên", max_length=120)
    start_date = models.DateField("từ ngày")
    end_date = models.DateField("đến ngày")

    class Meta:
        ordering = ["year_id", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="holiday_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    class Number(models.IntegerChoices):
        ONE = 1, "Học kỳ I"
        TWO = 2, "Học kỳ II"

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(choices=Number.choices)
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["year_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="term_unique_number"),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="term_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.get_number_display()


class Checkpoint(models.Model):
    """The four assessment points: giữa kỳ I, cuối kỳ I, giữa kỳ II, cuối năm."""

    class Kind(models.TextChoices):
        MID_TERM_1 = "mid1", "Giữa học kỳ I"
        END_TERM_1 = "end1", "Cuối học kỳ I"
        MID_TERM_2 = "mid2", "Giữa học kỳ II"
        END_OF_YEAR = "end2", "Cuối năm học"

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="checkpoints")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    date = models.DateField()

    class Meta:
        ordering = ["year_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind"], name="checkpoint_unique_kind"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class GradeLevel(models.Model):
    """Khối lớp."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="grades")
    number = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=20, choices=Level.choices)

    class Meta:
        ordering = ["school_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="grade_unique_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=12), name="grade_number_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Khối {self.number}"


class SchoolClass(models.Model):
    """Lớp học in one school year."""

    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="classes")
    grade = models.ForeignKey(GradeLevel, on_delete=models.PROTECT, related_name="classes")
    name = models.CharField("tên lớp", max_length=20)
    sessions_per_day = models.PositiveSmallIntegerField(default=2)
    # The class of the year before whose students moved up into this one (year rollover).
    previous_class = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_classes"
    )

    class Meta:
        ordering = ["year_id", "grade__number", "name"]
        verbose_name = "lớp"
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="class_unique_name_per_year"),
        ]

    def __str__(self) -> str:
        return f"Lớp {self.name}"

    @property
    def school_id(self) -> int:
        return self.grade.school_id


class Subject(models.Model):
    """Môn học / hoạt động giáo dục in a school's catalogue for one level."""

    class Assessment(models.TextChoices):
        SCORE = "score", "Đánh giá bằng điểm số"
        COMMENT = "comment", "Đánh giá bằng nhận xét"
        SCORE_AND_COMMENT = "both", "Nhận xét kết hợp điểm số"  # primary subjects with tests

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="subjects")
    level = models.CharField(max_length=20, choices=Level.choices)
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    assessment = models.CharField(max_length=10, choices=Assessment.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["school_id", "level", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "level", "code"], name="subject_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class SubjectOffering(models.Model):
    """A subject taught in one grade, with its periods per year (số tiết/năm)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="offerings")
    grade = models.ForeignKey(GradeLevel, on_delete=models.CASCADE, related_name="offerings")
    periods_per_year = models.PositiveSmallIntegerField()
    # Primary (TT27 Điều 7): grades 4–5 also test Tiếng Việt and Toán at mid-term.
    midterm_test = models.BooleanField("kiểm tra định kỳ giữa kỳ", default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "grade"], name="offering_unique"),
        ]


class Department(models.Model):
    """Tổ chuyên môn or tổ văn phòng, with its head and deputy."""

    class Kind(models.TextChoices):
        SUBJECT = "subject", "Tổ chuyên môn"
        OFFICE = "office", "Tổ văn phòng"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SUBJECT)
    head = models.ForeignKey(
        "Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="heads"
    )
    deputy = models.ForeignKey(
        "Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="deputies"
    )

    class Meta:
        ordering = ["school_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.TextChoices):
    """Chức vụ / vị trí việc làm. Roles are derived from these and from assignments."""

    PRINCIPAL = "principal", "Hiệu trưởng"
    VICE_PRINCIPAL = "vice_principal", "Phó hiệu trưởng"
    TEACHER = "teacher", "Giáo viên"
    CLERK = "clerk", "Văn thư"
    ACCOUNTANT = "accountant", "Kế toán"
    ADMINISTRATOR = "administrator", "Quản trị viên"
    MEDICAL = "medical", "Nhân viên y tế"
    LIBRARIAN = "librarian", "Nhân viên thư viện"
    DOI_LEADER = "doi_leader", "Tổng phụ trách Đội"


class Gender(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


class Staff(models.Model):
    """Cán bộ, giáo viên, nhân viên — the fields of the staff register (sổ quản lý CB-GV-NV)."""

    class Employment(models.TextChoices):
        PERMANENT = "permanent", "Viên chức (biên chế)"
        CONTRACT = "contract", "Hợp đồng lao động"
        GUEST = "guest", "Thỉnh giảng"

    class EndReason(models.TextChoices):
        TRANSFERRED = "transferred", "Chuyển công tác"
        RETIRED = "retired", "Nghỉ hưu"
        RESIGNED = "resigned", "Thôi việc"
        CONTRACT_ENDED = "contract_ended", "Hết hợp đồng"
        DECEASED = "deceased", "Từ trần"
        OTHER = "other", "Lý do khác"

    class StandardRating(models.TextChoices):
        """Chuẩn nghề nghiệp giáo viên (TT 20/2018): Tốt > Khá > Đạt > Chưa đạt."""

        EXCELLENT = "tot", "Tốt"
        GOOD = "kha", "Khá"
        PASS = "dat", "Đạt"
        FAIL = "chua_dat", "Chưa đạt"

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="staff")
    # One account per person; a person working in two schools has a Staff row in each.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_profiles",
    )
    code = models.CharField("mã cán bộ", max_length=30)
    family_name = models.CharField("họ", max_length=60)
    middle_name = models.CharField("tên đệm", max_length=60, blank=True)
    given_name = models.CharField("tên", max_length=40)
    gender = models.CharField("giới tính", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    ethnicity = models.CharField("dân tộc", max_length=40, default="Kinh")
    id_number = models.CharField("số CCCD", max_length=12, blank=True)
    qualification = models.CharField("trình độ chuyên môn", max_length=120, blank=True)
    main_subject = models.CharField("môn giảng dạy chính", max_length=120, blank=True)
    position = models.CharField("chức vụ", max_length=20, choices=Position.choices)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    employment = models.CharField(
        "loại hình", max_length=10, choices=Employment.choices, default=Employment.PERMANENT
    )
    start_date = models.DateField("ngày vào ngành", null=True, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField("đang công tác", default=True)
    # The rest of the staff register (sổ quản lý CB-GV-NV; WAVE2 §9.1, content of TT 42/2021).
    religion = models.CharField("tôn giáo", max_length=40, blank=True)
    hometown = models.CharField("quê quán", max_length=200, blank=True)
    address = models.CharField("chỗ ở hiện nay", max_length=300, blank=True)
    school_start_date = models.DateField("ngày về trường", null=True, blank=True)
    job_position = models.CharField("vị trí việc làm", max_length=120, blank=True)
    professional_rank = models.CharField("hạng chức danh nghề nghiệp", max_length=120, blank=True)
    rank_code = models.CharField("mã số chức danh", max_length=20, blank=True)
    salary_step = models.PositiveSmallIntegerField("bậc lương", null=True, blank=True)
    salary_coefficient = models.DecimalField(
        "hệ số lương", max_digits=4, decimal_places=2, null=True, blank=True
    )
    major = models.CharField("chuyên ngành", max_length=120, blank=True)
    political_theory = models.CharField("lý luận chính trị", max_length=60, blank=True)
    foreign_language = models.CharField("ngoại ngữ", max_length=80, blank=True)
    it_skill = models.CharField("tin học", max_length=80, blank=True)
    party_member = models.BooleanField("đảng viên", default=False)
    party_joined_on = models.DateField("ngày vào Đảng", null=True, blank=True)
    standard_rating = models.CharField(
        "đánh giá chuẩn nghề nghiệp", max_length=10, choices=StandardRating.choices, blank=True
    )
    standard_rating_year = models.CharField("năm đánh giá chuẩn", max_length=9, blank=True)
    civil_servant_rating = models.CharField("xếp loại viên chức", max_length=80, blank=True)
    awards = models.TextField("khen thưởng", max_length=2000, blank=True)
    discipline = models.TextField("kỷ luật", max_length=1000, blank=True)
    end_date = models.DateField("ngày thôi công tác tại trường", null=True, blank=True)
    end_reason = models.CharField(
        "lý do thôi công tác", max_length=20, choices=EndReason.choices, blank=True
    )
    note = models.CharField("ghi chú", max_length=500, blank=True)
    sort_name = models.CharField(max_length=1500, editable=False, db_index=True)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        ordering = ["school_id", "sort_name"]
        verbose_name = "cán bộ"
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="staff_unique_code"),
            models.UniqueConstraint(fields=["school", "user"], name="staff_unique_user"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return full_name(self.family_name, self.middle_name, self.given_name)

    def refresh_name_keys(self) -> None:
        self.sort_name = name_sort_string(self.family_name, self.middle_name, self.given_name)[
            :1500
        ]
        self.search_name = fold(self.full_name)


class AssignmentQuerySet(models.QuerySet):
    """Rows of a dated assignment (teaching or homeroom)."""

    def in_force(self, day: date) -> AssignmentQuerySet:
        """The rows in force on ``day`` (no start = from the beginning, no end = open-ended)."""
        return self.filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=day),
            Q(ends_on__isnull=True) | Q(ends_on__gte=day),
        )

    def open_ended(self) -> AssignmentQuerySet:
        return self.filter(ends_on__isnull=True)


def dated_constraints(*, fields: list[str], one_open: str, dates: str) -> list:
    """At most one open-ended row per ``fields``; an end never before the start."""
    return [
        models.UniqueConstraint(fields=fields, condition=Q(ends_on__isnull=True), name=one_open),
        models.CheckConstraint(
            condition=Q(starts_on__isnull=True)
            | Q(ends_on__isnull=True)
            | Q(ends_on__gte=models.F("starts_on")),
            name=dates,
        ),
    ]


class DatedAssignment(models.Model):
    """An assignment in force from ``starts_on`` to ``ends_on`` (both days included).

    No start means from the beginning (of the year); no end means until changed. A change during
    the year ends the row the day before and starts a new one, so the rows of one cell (or one
    class's homeroom) never overlap and the history stays: who, from when to when, who changed
    it, why. Only the actions of ``organisation/assignments`` write them (ADR 0004)."""

    starts_on = models.DateField("từ ngày", null=True, blank=True)
    ends_on = models.DateField("đến hết ngày", null=True, blank=True)
    reason = models.CharField("lý do", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(null=True, blank=True)
    # Set when the row is cut short (a replacement from a date, the end of the assignment).
    end_reason = models.CharField("lý do kết thúc", max_length=300, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_in_force(self, day: date) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


class TeachingAssignment(DatedAssignment):
    """Phân công giảng dạy: teacher × class × subject × term, from a date to a date.

    One owner per grade-book column on any day: at most one open-ended row per (class, subject,
    term), and the actions never let two rows of one cell overlap."""

    teacher = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="teaching")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="teaching")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="teaching")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="teaching")

    class Meta:
        # One teacher per (class, subject, term) at a time: the grade book needs one owner per
        # column. Two editors of one cell: the second insert fails here.
        constraints = dated_constraints(
            fields=["school_class", "subject", "term"],
            one_open="teaching_one_open_owner",
            dates="teaching_dates",
        )

    def __str__(self) -> str:
        return f"{self.teacher} — {self.subject} — {self.school_class} — {self.term}"


class HomeroomAssignment(DatedAssignment):
    """Giáo viên chủ nhiệm of a class, from a date to a date (one at a time per class)."""

    teacher = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="homerooms")
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.CASCADE, related_name="homeroom_assignments"
    )

    class Meta:
        constraints = dated_constraints(
            fields=["school_class"], one_open="homeroom_one_open", dates="homeroom_dates"
        )

    def __str__(self) -> str:
        return f"GVCN {self.school_class}: {self.teacher}"


class AssignmentApproval(models.Model):
    """The principal approves the year's assignment table (bảng phân công chuyên môn) as it
    stands; ``digest`` tells later whether the table changed since. Kept for ever."""

    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()
    note = models.CharField("ghi chú", max_length=500, blank=True)
    digest = models.CharField(max_length=64)
    summary = models.JSONField(default=dict)  # counts at approval: cells, homerooms, teachers

    class Meta:
        ordering = ["year_id", "-approved_at"]


class StaffPosition(models.Model):
    """A further position held besides the main one (an IT teacher who is also administrator)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="extra_positions")
    position = models.CharField(max_length=20, choices=Position.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "position"], name="staffposition_unique"),
        ]


# The staff register's history lives with the staff subpackage (its models belong to this app).
from hoso.organisation.staff.models import StaffChange, StaffRegisterEdition  # noqa: E402, F401
