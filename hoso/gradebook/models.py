"""The grade book (sổ điểm / sổ theo dõi và đánh giá học sinh).

One ``Assessment`` row per (student, subject, term, column). Columns come from the school's rule
set (``columns.py``): secondary ``TX1..TXn`` (regular), ``GK`` (mid-term), ``CK`` (end-term);
primary ``MUC_<checkpoint>`` (level), ``KT_<checkpoint>`` (test score), ``NX_<checkpoint>``
(comment). Nothing here changes a value: every write is an action in ``actions.py`` (entry),
``corrections.py`` (the three-party correction) — each audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hoso.core import badges


class Assessment(models.Model):
    """Kết quả đánh giá: one cell of the grade book."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.PROTECT, related_name="assessments"
    )
    subject = models.ForeignKey("organisation.Subject", on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey("organisation.Term", on_delete=models.PROTECT, related_name="+")
    column = models.CharField(max_length=16)
    value = models.CharField(max_length=16, blank=True)  # "8.5", "D", "CD", "T", "H", "C"
    text = models.TextField(blank=True)  # comments (nhận xét) for NX_ columns
    assessed_on = models.DateField(null=True, blank=True)  # when the assessment took place
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField()  # first entry (for lateness)
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)  # optimistic concurrency for the grid

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "subject", "term", "column"], name="assessment_unique_cell"
            ),
        ]
        indexes = [models.Index(fields=["school_class", "subject", "term"])]

    def __str__(self) -> str:
        return f"{self.column}={self.value or self.text[:20]}"


class SheetColumn(models.Model):
    """Per (class, subject, term, column): the test date and the teacher's finalisation (chốt)."""

    school_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.CASCADE, related_name="+"
    )
    subject = models.ForeignKey("organisation.Subject", on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey("organisation.Term", on_delete=models.PROTECT, related_name="+")
    column = models.CharField(max_length=16)
    test_date = models.DateField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "subject", "term", "column"], name="sheetcolumn_unique"
            ),
        ]


class BookLock(models.Model):
    """Khóa sổ: the principal (or the administrator on the principal's order) locks books.

    A lock covers every cell matching all its non-empty scope fields, from ``effective_at``
    (now, or a date on the calendar) until it is opened. Opening is recorded, not deleted.
    """

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey("organisation.SchoolYear", on_delete=models.PROTECT, related_name="+")
    grade = models.ForeignKey(
        "organisation.GradeLevel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    school_class = models.ForeignKey(
        "organisation.SchoolClass",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.ForeignKey(
        "organisation.Subject", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    term = models.ForeignKey(
        "organisation.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checkpoint = models.CharField(max_length=4, blank=True)  # Checkpoint.Kind or ""
    effective_at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)
    ordered_by = models.ForeignKey(
        "organisation.Staff", on_delete=models.PROTECT, related_name="+"
    )  # the principal who decided
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-effective_at"]
        indexes = [models.Index(fields=["year", "opened_at"])]

    def __str__(self) -> str:
        parts = [
            str(x)
            for x in (self.grade, self.school_class, self.subject, self.term)
            if x is not None
        ]
        if self.checkpoint:
            parts.append(self.checkpoint)
        return "Khóa sổ: " + (", ".join(parts) or "toàn trường")


class CorrectionRequest(models.Model):
    """Đơn đề nghị sửa điểm and its three-party session (seed 003 §II.2, 002 Đ7.4)."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Chờ hiệu trưởng duyệt"
        APPROVED = "approved", "Đã duyệt, chờ xác nhận sửa"
        REJECTED = "rejected", "Không duyệt"
        APPLIED = "applied", "Đã sửa"
        CANCELLED = "cancelled", "Đã rút"

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey("organisation.SchoolYear", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey("organisation.Subject", on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey("organisation.Term", on_delete=models.PROTECT, related_name="+")
    column = models.CharField(max_length=16)
    old_value = models.CharField(max_length=16, blank=True)
    new_value = models.CharField(max_length=16, blank=True)
    # Comment (nhận xét) columns are corrected through these instead of the values.
    old_text = models.TextField(blank=True)
    new_text = models.TextField(blank=True)
    reason = models.TextField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    witness = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    witness_confirmed_at = models.DateTimeField(null=True, blank=True)
    homeroom = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    homeroom_confirmed_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    minute_number = models.CharField(max_length=30, blank=True)  # biên bản số

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "subject", "term", "column"],
                condition=Q(state__in=["requested", "approved"]),
                name="correction_one_open_per_cell",
            ),
            models.UniqueConstraint(
                fields=["school", "year", "minute_number"],
                condition=~Q(minute_number=""),
                name="correction_unique_minute_number",
            ),
        ]

    def __str__(self) -> str:
        return f"Sửa {self.column}: {self.old_value or '∅'} → {self.new_value}"


badges.register(
    "gradebook.correction",
    CorrectionRequest.State,
    {
        CorrectionRequest.State.APPLIED: badges.OK,
        CorrectionRequest.State.REJECTED: badges.ERR,
        CorrectionRequest.State.CANCELLED: badges.ERR,
        CorrectionRequest.State.REQUESTED: badges.WARN,
        CorrectionRequest.State.APPROVED: badges.WARN,
    },
)


class CorrectionEvidence(models.Model):
    request = models.ForeignKey(
        CorrectionRequest, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(upload_to="corrections/%Y/%m/")
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)


class Signoff(models.Model):
    """Xác nhận cuối kỳ: a subject teacher confirms its sheet, a homeroom teacher its class."""

    class Kind(models.TextChoices):
        SHEET = "sheet", "Giáo viên bộ môn xác nhận cột điểm"
        CLASS = "class", "Giáo viên chủ nhiệm xác nhận lớp"

    kind = models.CharField(max_length=6, choices=Kind.choices)
    school_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        "organisation.Subject", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    term = models.ForeignKey("organisation.Term", on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    data_hash = models.CharField(max_length=64)  # what was confirmed

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "school_class", "subject", "term"],
                condition=Q(subject__isnull=False),
                name="signoff_unique_sheet",
            ),
            models.UniqueConstraint(
                fields=["kind", "school_class", "term"],
                condition=Q(subject__isnull=True),
                name="signoff_unique_class",
            ),
        ]


class DeadlineRule(models.Model):
    """Hạn nhập điểm, per school (seed 003 defaults: regular weekly by Saturday 15:00, periodic
    within 14 days of the test)."""

    class Kind(models.TextChoices):
        REGULAR = "regular", "Điểm đánh giá thường xuyên"
        PERIODIC = "periodic", "Điểm đánh giá định kỳ"

    school = models.ForeignKey("organisation.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    weekday = models.PositiveSmallIntegerField(default=5)  # 0 = Monday … 5 = Saturday
    time = models.TimeField(default="15:00")
    days_after_test = models.PositiveSmallIntegerField(default=14)
    remind_before_hours = models.PositiveSmallIntegerField(default=24)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "kind"], name="deadlinerule_unique"),
        ]


class MonthlyCheck(models.Model):
    """Biên bản kiểm tra sổ điểm hằng tháng (seed 002 Đ7.3): a snapshot of progress, signed off."""

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey("organisation.SchoolYear", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # first day of the month checked
    summary = models.JSONField(default=dict)
    notes = models.TextField(blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(auto_now_add=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "month"], name="monthlycheck_unique"),
        ]


class HomeroomInput(models.Model):
    """What the homeroom teacher enters per student and year: training (rèn luyện) per term,
    absences per term (until attendance exists), summer training and re-test results."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey("organisation.SchoolYear", on_delete=models.PROTECT, related_name="+")
    training_term1 = models.CharField(max_length=2, blank=True)  # T K D CD
    training_term2 = models.CharField(max_length=2, blank=True)
    training_summer = models.CharField(max_length=2, blank=True)
    absences_term1 = models.PositiveSmallIntegerField(null=True, blank=True)
    absences_term2 = models.PositiveSmallIntegerField(null=True, blank=True)
    retest = models.JSONField(default=dict, blank=True)  # {"TOAN": "6.5"}
    # Primary (TT27): qualities and competencies per checkpoint, levels T / Đ / C:
    # {"end2": {"yeu_nuoc": "T", ..., "tu_chu_tu_hoc": "D", ...}}
    qualities = models.JSONField(default=dict, blank=True)
    competencies = models.JSONField(default=dict, blank=True)
    # TT27 Điều 13: "Học sinh Tiêu biểu" needs the class's recognition (never automatic).
    class_recognised = models.BooleanField(default=False)
    general_comment = models.TextField(blank=True)  # nhận xét của GVCN
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "year"], name="homeroominput_unique"),
        ]


class SubjectComment(models.Model):
    """Nhận xét môn học per student × subject × term, written by the subject teacher."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey("organisation.Subject", on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey("organisation.Term", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "subject", "term"], name="subjectcomment_unique"
            ),
        ]


class CommentBankEntry(models.Model):
    """Ngân hàng nhận xét: phrases per subject (or general) and result level, edited by the school."""

    school = models.ForeignKey("organisation.School", on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(
        "organisation.Subject", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(max_length=4)  # T K D CD (or H/C for primary)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["subject_id", "level", "text"]


class ClassResult(models.Model):
    """Kết quả của lớp for a term or the year: computed, confirmed by the homeroom teacher,
    approved by the principal. Once approved the per-student results are frozen."""

    class State(models.TextChoices):
        DRAFT = "draft", "Đang tính"
        CONFIRMED = "confirmed", "GVCN đã xác nhận"
        APPROVED = "approved", "Hiệu trưởng đã phê duyệt"

    school_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(max_length=5)  # "term1", "term2", "year"
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # The last time the principal reopened approved results (mở lại để điều chỉnh) and why;
    # every reopening is also in the audit trail.
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school_class", "period"], name="classresult_unique"),
        ]


class StudentResult(models.Model):
    """The rule set's output for one student and period, kept as computed. Follows its inputs
    until the class result is approved; then frozen (changes only through a correction)."""

    class_result = models.ForeignKey(ClassResult, on_delete=models.CASCADE, related_name="students")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    data = models.JSONField()
    inputs_hash = models.CharField(max_length=64)
    ruleset_version = models.CharField(max_length=40)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["class_result", "student"], name="studentresult_unique"
            ),
        ]
