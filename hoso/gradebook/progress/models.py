"""The school's deadline rules for grade entry (hạn nhập điểm) and the monthly check of the grade
book (biên bản kiểm tra sổ điểm hằng tháng)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
