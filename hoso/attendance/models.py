"""Attendance (điểm danh): a roll per class × day × session (optionally × period) and a mark
for each student who was not simply present.

A roll (``AttendanceRoll``) says "this session was taken"; everyone in the class without a mark
was present. Only absences, late arrivals and early departures are stored
(``AttendanceMark``): a school of 1,500 students keeps a few thousand rows a month, not a
hundred thousand. ``period = 0`` is the whole session (the homeroom teacher's roll); a period
number is a subject teacher's roll of one period (tiết), which never counts toward the
45-session rule.

An absence is confirmed excused (P, có phép) or unexcused (K, không phép) by the homeroom
teacher in the monthly window (seed 002 Đ5.2, default 1st–5th of the next month); what is still
unconfirmed when the window closes becomes unexcused (``attendance_finalise``, audited). A change
after the window is an ``AttendanceChangeRequest``: the principal approves it, the administrator
applies it; the request is kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Session(models.TextChoices):
    MORNING = "morning", "Sáng"
    AFTERNOON = "afternoon", "Chiều"


class Status(models.TextChoices):
    """What a mark says. Present students have no mark."""

    ABSENT = "absent", "Vắng"
    LATE = "late", "Đi muộn"
    LEFT_EARLY = "left_early", "Về sớm"


class Excuse(models.TextChoices):
    """Of an absence: not yet decided, excused (P) or unexcused (K)."""

    PENDING = "", "Chưa xác nhận"
    EXCUSED = "excused", "Có phép (P)"
    UNEXCUSED = "unexcused", "Không phép (K)"


class CountedSessions(models.TextChoices):
    """Which sessions count toward the 45-session rule (TT22 Đ12: on the one-session-a-day
    plan). A second daily session does not count; which one is "main" is a school setting."""

    MAIN = "main", "Chỉ buổi chính trong ngày"
    ALL = "all", "Mọi buổi"


class AttendanceSettings(models.Model):
    """A school's attendance settings (UNCONFIRMED defaults of WAVE2 §1 made data)."""

    school = models.OneToOneField(
        "organisation.School", on_delete=models.CASCADE, related_name="attendance_settings"
    )
    # The monthly confirmation window: day ``confirm_from`` to ``confirm_until`` of the next
    # month (seed 002 Đ5.2: 1st–5th).
    confirm_from = models.PositiveSmallIntegerField("xác nhận từ ngày", default=1)
    confirm_until = models.PositiveSmallIntegerField("xác nhận đến ngày", default=5)
    main_session = models.CharField(
        "buổi chính", max_length=10, choices=Session.choices, default=Session.MORNING
    )
    counted_sessions = models.CharField(
        "buổi tính vào giới hạn nghỉ",
        max_length=4,
        choices=CountedSessions.choices,
        default=CountedSessions.MAIN,
    )
    # Warn the homeroom teacher and the parents from this many counted sessions (UX choice).
    warn_from = models.PositiveSmallIntegerField("cảnh báo từ số buổi nghỉ", default=30)
    # School days of the week (0 = Monday); the register prints these, rolls are refused on
    # other days and on the year's holidays.
    weekdays = models.JSONField("ngày học trong tuần", default=list)
    # Subject teachers may take a roll of their own periods.
    period_rolls = models.BooleanField("giáo viên bộ môn điểm danh theo tiết", default=True)
    # "daily": the term totals come from the rolls; "typed": the homeroom teacher types one
    # total per term (a school that takes attendance elsewhere, or a year before HoSo).
    source = models.CharField(
        "nguồn số buổi nghỉ",
        max_length=5,
        choices=[("daily", "Điểm danh hằng ngày"), ("typed", "Nhập tổng số mỗi học kỳ")],
        default="daily",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "thiết lập điểm danh"
        constraints = [
            models.CheckConstraint(
                condition=Q(confirm_from__gte=1)
                & Q(confirm_until__lte=28)
                & Q(confirm_from__lte=models.F("confirm_until")),
                name="attendance_window_days",
            ),
        ]

    DEFAULT_WEEKDAYS = (0, 1, 2, 3, 4)

    def school_weekdays(self) -> tuple[int, ...]:
        return tuple(self.weekdays) if self.weekdays else self.DEFAULT_WEEKDAYS


class AttendanceRoll(models.Model):
    """One taken roll: a class, a day, a session and (0 =) the whole session or one period."""

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.PROTECT, related_name="attendance_rolls"
    )
    date = models.DateField("ngày")
    session = models.CharField("buổi", max_length=10, choices=Session.choices)
    period = models.PositiveSmallIntegerField("tiết", default=0)
    # The subject of a period roll (blank for a session roll).
    offering = models.ForeignKey(
        "organisation.SubjectOffering",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["school_class_id", "date", "session", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "date", "session", "period"], name="roll_unique"
            ),
        ]
        indexes = [models.Index(fields=["school", "date"], name="roll_school_date")]


class AttendanceMark(models.Model):
    """A student not simply present in a session (or a period)."""

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="attendance_marks"
    )
    # The class the student was in that day (a class change keeps old marks with the old class).
    school_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("ngày")
    session = models.CharField("buổi", max_length=10, choices=Session.choices)
    period = models.PositiveSmallIntegerField("tiết", default=0)
    status = models.CharField("điểm danh", max_length=10, choices=Status.choices)
    excuse = models.CharField(
        "phép", max_length=10, choices=Excuse.choices, blank=True, default=Excuse.PENDING
    )
    # Set when the excuse is confirmed (by the homeroom teacher in the window, by the
    # finalising job after it — then ``confirmed_by`` is empty —, or by an applied request).
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("ghi chú", max_length=300, blank=True)
    # Where the mark came from: the roll, a parent's leave request, the finalising job.
    source = models.CharField(
        max_length=10,
        choices=[
            ("roll", "Điểm danh"),
            ("leave", "Phụ huynh xin phép"),
            ("request", "Đề nghị sửa"),
        ],
        default="roll",
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField()

    class Meta:
        ordering = ["date", "session", "period", "student__sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "date", "session", "period"], name="mark_unique"
            ),
            # Only an absence is excused or not.
            models.CheckConstraint(
                condition=Q(status="absent") | Q(excuse=""), name="mark_excuse_absent_only"
            ),
        ]
        indexes = [
            models.Index(fields=["school_class", "date"], name="mark_class_date"),
            models.Index(fields=["school", "date"], name="mark_school_date"),
        ]

    @property
    def letter(self) -> str:
        """The register's letter: P, K, "?" (absent, unconfirmed), M (late), S (left early)."""
        if self.status == Status.ABSENT:
            return {Excuse.EXCUSED: "P", Excuse.UNEXCUSED: "K"}.get(self.excuse, "?")
        return "M" if self.status == Status.LATE else "S"


class LeaveRequest(models.Model):
    """A parent asks leave for their child (xin phép nghỉ học): the days and sessions become
    absences "excused, to confirm" that the homeroom teacher confirms or refuses."""

    class State(models.TextChoices):
        SENT = "sent", "Đã gửi"
        ACCEPTED = "accepted", "Đã xác nhận"
        REFUSED = "refused", "Không chấp nhận"
        WITHDRAWN = "withdrawn", "Đã rút"

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="leave_requests"
    )
    start_date = models.DateField("từ ngày")
    end_date = models.DateField("đến ngày")
    # Sessions of each day: ["morning", "afternoon"] or one of them.
    sessions = models.JSONField(default=list)
    reason = models.CharField("lý do", max_length=500)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENT)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="leave_dates"
            ),
        ]


class AttendanceChangeRequest(models.Model):
    """A change to a confirmed month (after the window): asked by the homeroom teacher,
    approved (or refused) by the principal, applied by the administrator. Kept for ever."""

    class State(models.TextChoices):
        ASKED = "asked", "Chờ hiệu trưởng duyệt"
        APPROVED = "approved", "Hiệu trưởng đã đồng ý, chờ quản trị cập nhật"
        REFUSED = "refused", "Hiệu trưởng không đồng ý"
        APPLIED = "applied", "Đã cập nhật"

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField()
    session = models.CharField(max_length=10, choices=Session.choices)
    period = models.PositiveSmallIntegerField(default=0)
    # What the mark is, and what it should become: {"status": "absent"|"present"|…, "excuse": …}
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    reason = models.CharField("lý do", max_length=500)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ASKED)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]
