"""What the school and the parents write each other in the contact book (sổ liên lạc điện tử).

- ``WeeklyNews`` (bản tin tuần): the homeroom teacher's news of one school week to a class, a
  common part for the class and one ``WeeklyLetter`` per student (never a class-wide list: each
  parent reads only its own child's letter). Drafted, then sent once; a sent letter is kept.
- ``Notice`` (thông báo): from the school (leaders, clerk) or a teacher to a class, a grade or the
  whole school; "urgent" for sudden events. One ``NoticeReceipt`` per guardian account addressed.
- ``Thread`` / ``Message`` (tin nhắn): one-to-one between a parent and one of the child's teachers
  (or a leader), per (parent, staff member, child). There is no parent-to-parent channel.
- ``Meeting`` (họp phụ huynh): an invitation to a class's parents with date, time and place;
  ``MeetingReply``: will attend / cannot, with a note.

Read receipts: ``LetterReceipt``/``NoticeReceipt``/``MeetingReply`` rows name who was addressed
(``read_at`` empty until read); a thread keeps each party's last reading time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

BODY_MAX = 5000  # a notice's or a letter's text
MESSAGE_MAX = 2000  # one message in a thread
TITLE_MAX = 200


class WeeklyNews(models.Model):
    """Bản tin tuần of one class for one school week (Monday ``week_start``)."""

    class State(models.TextChoices):
        DRAFT = "draft", "Bản nháp"
        SENT = "sent", "Đã gửi"

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.PROTECT, related_name="+"
    )
    week_start = models.DateField("tuần từ ngày")
    week_number = models.PositiveSmallIntegerField("tuần học", null=True, blank=True)
    common_text = models.TextField("phần chung cho cả lớp", blank=True)
    state = models.CharField(max_length=5, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week_start", "school_class_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "week_start"], name="weeklynews_one_per_week"
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(sent_at__isnull=False), name="weeklynews_sent_at"
            ),
        ]

    def __str__(self) -> str:
        return f"Bản tin tuần {self.week_label} — lớp {self.school_class}"

    @property
    def week_label(self) -> str:
        from datetime import timedelta

        end = self.week_start + timedelta(days=6)
        dates = f"{self.week_start:%d/%m}–{end:%d/%m}"
        return f"{self.week_number} ({dates})" if self.week_number else dates


class WeeklyLetter(models.Model):
    """One student's letter of a weekly news: the class's common part plus this child's part."""

    news = models.ForeignKey(WeeklyNews, on_delete=models.CASCADE, related_name="letters")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    child_text = models.TextField("phần riêng của học sinh", blank=True)

    class Meta:
        ordering = ["news_id", "student__sort_name"]
        constraints = [
            models.UniqueConstraint(fields=["news", "student"], name="weeklyletter_one_per_child"),
        ]

    def __str__(self) -> str:
        return f"Thư tuần của {self.student}"


class LetterReceipt(models.Model):
    """A guardian account a sent letter was addressed to; ``read_at`` once it read it."""

    letter = models.ForeignKey(WeeklyLetter, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["letter", "user"], name="letterreceipt_unique"),
        ]


class NoticeScope(models.TextChoices):
    CLASS = "class", "Một lớp"
    GRADE = "grade", "Một khối"
    SCHOOL = "school", "Toàn trường"


class Notice(models.Model):
    """Thông báo to the parents of a class, a grade or the whole school. Sent at once; kept."""

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey("organisation.SchoolYear", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField("gửi đến", max_length=6, choices=NoticeScope.choices)
    school_class = models.ForeignKey(
        "organisation.SchoolClass",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grade = models.ForeignKey(
        "organisation.GradeLevel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("tiêu đề", max_length=TITLE_MAX)
    body = models.TextField("nội dung")
    urgent = models.BooleanField("khẩn (sự việc đột xuất)", default=False)
    # Stored as "<random>.<ext>" (the sent name is kept apart), served only through the page.
    attachment = models.FileField(upload_to="parents/notices/%Y/%m/", max_length=300, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=120, blank=True)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sender_label = models.CharField(max_length=200)  # "Đỗ Thị Lan (GVCN 6A1)"
    sent_at = models.DateTimeField()
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="class") & Q(school_class__isnull=False))
                | (Q(scope="grade") & Q(grade__isnull=False))
                | (Q(scope="school") & Q(school_class__isnull=True) & Q(grade__isnull=True)),
                name="notice_scope_target",
            ),
        ]
        indexes = [models.Index(fields=["school", "-sent_at"], name="notice_school_sent")]

    def __str__(self) -> str:
        return self.title

    @property
    def audience_label(self) -> str:
        if self.scope == NoticeScope.CLASS:
            return f"Lớp {self.school_class.name}"
        if self.scope == NoticeScope.GRADE:
            return f"Khối {self.grade.number}"
        return "Toàn trường"


class NoticeReceipt(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The guardian's children the notice reached it for ("Nguyễn Văn An, 6A1"), for the list
    # of who has not read.
    children = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notice", "user"], name="noticereceipt_unique"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="noticereceipt_user_read")]


class Thread(models.Model):
    """A one-to-one conversation between a parent and a staff member about one child."""

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey("organisation.Staff", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    last_message_at = models.DateTimeField()
    # Each party's last reading: messages of the other party after it are unread.
    parent_read_at = models.DateTimeField(null=True, blank=True)
    staff_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "parent", "staff", "student"], name="thread_one_per_party"
            ),
        ]

    def __str__(self) -> str:
        return f"Trao đổi về {self.student}"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["thread", "sent_at"], name="message_thread_sent")]


class Meeting(models.Model):
    """Họp phụ huynh: an invitation to the parents of one class."""

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("nội dung cuộc họp", max_length=TITLE_MAX)
    starts_at = models.DateTimeField("thời gian")
    place = models.CharField("địa điểm", max_length=200)
    note = models.TextField("ghi chú", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title} — lớp {self.school_class}"


class MeetingReply(models.Model):
    """A guardian invited to a meeting; ``answer`` empty until it replies."""

    class Answer(models.TextChoices):
        NONE = "", "Chưa trả lời"
        YES = "yes", "Sẽ dự họp"
        NO = "no", "Không dự được"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="replies")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    children = models.CharField(max_length=300, blank=True)
    answer = models.CharField(max_length=3, choices=Answer.choices, blank=True, default="")
    note = models.CharField("ghi chú", max_length=300, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meetingreply_unique"),
        ]
