"""Transfers (chuyển trường): a transfer in or out, its steps with their working-day deadlines,
its history, and the prior records imported from a verified transcript of another school."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hoso.organisation.models import Gender


class TransferSettings(models.Model):
    """A school's UNCONFIRMED limits (draft charter 2025-26), kept as settings with defaults."""

    school = models.OneToOneField(
        "organisation.School", on_delete=models.CASCADE, related_name="transfer_settings"
    )
    decision_days = models.PositiveSmallIntegerField(
        "hạn quyết định tiếp nhận (cùng tỉnh), ngày làm việc", default=5
    )
    decision_days_other_province = models.PositiveSmallIntegerField(
        "hạn quyết định tiếp nhận (tỉnh khác), ngày làm việc", default=8
    )
    handover_days = models.PositiveSmallIntegerField(
        "hạn bàn giao hồ sơ của trường đi (trung học), ngày làm việc", default=3
    )
    updated_at = models.DateTimeField(auto_now=True)


class Transfer(models.Model):
    class Direction(models.TextChoices):
        IN = "in", "Chuyển đến"
        OUT = "out", "Chuyển đi"

    class State(models.TextChoices):
        OPEN = "open", "Đang xử lý"
        ACCEPTED = "accepted", "Đã đồng ý tiếp nhận"
        REFUSED = "refused", "Từ chối tiếp nhận"
        LEFT = "left", "Đã thôi học tại trường — chờ học bạ ký số"
        COMPLETED = "completed", "Hoàn tất"

    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="transfers"
    )
    year = models.ForeignKey("organisation.SchoolYear", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    procedure = models.CharField("quy trình", max_length=20)  # rules.Procedure.key
    # The student: set at once for a transfer out, at placement for a transfer in.
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enrolment = models.ForeignKey(
        "students.Enrolment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who the student is (a transfer in: as written on the application).
    student_code = models.CharField("mã học sinh", max_length=20)
    personal_id = models.CharField("mã định danh cá nhân", max_length=12, blank=True)
    family_name = models.CharField("họ", max_length=60)
    middle_name = models.CharField("tên đệm", max_length=60, blank=True)
    given_name = models.CharField("tên", max_length=40)
    gender = models.CharField("giới tính", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh")
    grade = models.PositiveSmallIntegerField("khối lớp")
    # The other school.
    other_school_name = models.CharField("trường", max_length=200)
    other_school_code = models.CharField("mã trường", max_length=20, blank=True)
    other_province = models.CharField("tỉnh/thành phố", max_length=80, blank=True)
    from_other_province = models.BooleanField("khác tỉnh", default=False)
    reason = models.CharField("lý do", max_length=500, blank=True)
    filed_on = models.DateField("ngày nhận đơn")
    effective_on = models.DateField("ngày chuyển (đi) / ngày vào học (đến)", null=True, blank=True)
    documents = models.JSONField("hồ sơ đã nhận", default=dict)  # DocumentRule.code -> bool
    decision_reason = models.CharField("lý do từ chối / ý kiến", max_length=500, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    placed_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reused_student = models.BooleanField("học sinh đã có trong trường (dùng lại)", default=False)
    transcript = models.ForeignKey(
        "transcripts.Transcript", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-filed_on", "-pk"]
        indexes = [models.Index(fields=["school", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction="in") | Q(student__isnull=False), name="transfer_out_student"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} — {self.full_name}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.OPEN, self.State.ACCEPTED, self.State.LEFT)


class TransferStep(models.Model):
    """One step of the procedure with its deadline (working days with the school's holidays)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="steps")
    code = models.CharField(max_length=20)
    seq = models.PositiveSmallIntegerField()
    due_on = models.DateField(null=True, blank=True)  # None: not started or no limit
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["transfer_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["transfer", "code"], name="transfer_step_unique")
        ]


class TransferEvent(models.Model):
    """The transfer page's history (the audit trail has the same, with before/after)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]


class PriorRecord(models.Model):
    """A year of the student at another school, imported from a verified signed transcript
    (the embedded ``hoc-ba.json``): history, never edited."""

    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="prior_records"
    )
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="prior_records")
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, null=True, blank=True,
        related_name="prior_records",
    )  # fmt: skip
    school_name = models.CharField(max_length=200)
    year_name = models.CharField(max_length=20)
    class_name = models.CharField(max_length=40)
    grade = models.PositiveSmallIntegerField(null=True, blank=True)
    summary = models.JSONField(default=dict)  # learning, training, title, decision, absences…
    transcript_code = models.CharField("mã tra cứu học bạ", max_length=12, blank=True)
    data_hash = models.CharField(max_length=64)
    pdf_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(upload_to="transfers/%Y/", max_length=200)
    signers = models.JSONField(default=list)
    verified_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["year_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["transfer", "data_hash"], name="prior_record_once_per_transfer"
            )
        ]
