"""Xác nhận cuối kỳ: the subject teacher confirms its sheet, the homeroom teacher its class."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


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
