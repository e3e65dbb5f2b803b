"""A correction request (đơn đề nghị sửa điểm) and its evidence files; the workflow is in
``actions.py``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hoso.core import badges

_LEVEL_LABELS = {"D": "Đ", "CD": "CĐ"}


def display_value(value: str) -> str:
    """How a stored value is shown: "8.5" → "8,5", "CD" → "CĐ", "" → "(trống)"."""
    if not value:
        return "(trống)"
    if value in _LEVEL_LABELS:
        return _LEVEL_LABELS[value]
    return value.replace(".", ",")


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
        return (
            f"Sửa {self.column}: {display_value(self.old_value)} → {display_value(self.new_value)}"
        )


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
