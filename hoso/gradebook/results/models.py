"""The homeroom teacher's inputs, and the results of a class and of each student per period
(kết quả học tập và rèn luyện)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hoso.core import badges


class HomeroomInput(models.Model):
    """What the homeroom teacher enters per student and year: training (rèn luyện) per term,
    absences per term, summer training and re-test results.

    The absences of a term are the counted sessions missed (P + K + not yet confirmed): typed by
    the homeroom teacher when the school's attendance source is "typed", written from the rolls
    (``hoso.gradebook.results.absences``) when it is "daily" — then ``excused_termN`` and
    ``unexcused_termN`` hold the P / K split (the rest is not yet confirmed)."""

    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey("organisation.SchoolYear", on_delete=models.PROTECT, related_name="+")
    training_term1 = models.CharField(max_length=2, blank=True)  # T K D CD
    training_term2 = models.CharField(max_length=2, blank=True)
    training_summer = models.CharField(max_length=2, blank=True)
    absences_term1 = models.PositiveSmallIntegerField(null=True, blank=True)
    absences_term2 = models.PositiveSmallIntegerField(null=True, blank=True)
    excused_term1 = models.PositiveSmallIntegerField(null=True, blank=True)  # P (có phép)
    excused_term2 = models.PositiveSmallIntegerField(null=True, blank=True)
    unexcused_term1 = models.PositiveSmallIntegerField(null=True, blank=True)  # K (không phép)
    unexcused_term2 = models.PositiveSmallIntegerField(null=True, blank=True)
    retest = models.JSONField(default=dict, blank=True)  # {"TOAN": "6.5"}
    # Primary (TT27): qualities and competencies per checkpoint, levels T / Đ / C:
    # {"end2": {"yeu_nuoc": "T", ..., "tu_chu_tu_hoc": "D", ...}}
    qualities = models.JSONField(default=dict, blank=True)
    competencies = models.JSONField(default=dict, blank=True)
    # TT27 Điều 13: "Học sinh Tiêu biểu" needs the class's recognition (never automatic).
    class_recognised = models.BooleanField(default=False)
    general_comment = models.TextField(blank=True)  # nhận xét của GVCN
    # Empty when the row was last written by the attendance follow-up (no person).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "year"], name="homeroominput_unique"),
        ]


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


badges.register(
    "gradebook.class_result",
    ClassResult.State,
    {
        ClassResult.State.DRAFT: badges.WARN,
        ClassResult.State.CONFIRMED: badges.OK,
        ClassResult.State.APPROVED: badges.OK,
    },
)


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
