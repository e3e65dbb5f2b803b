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
    """Đơn đề nghị sửa điểm and its three-party session (seed 003 §II.2, 002 Đ7.4): one request,
    one decision, one witnessed application and one minute for one or several cells of ONE sheet
    (class × subject × term); the cells are its ``items`` (CorrectionItem)."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Chờ hiệu trưởng duyệt"
        APPROVED = "approved", "Đã duyệt, chờ xác nhận sửa"
        REJECTED = "rejected", "Không duyệt"
        APPLIED = "applied", "Đã sửa"
        CANCELLED = "cancelled", "Đã rút"

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey("organisation.SchoolYear", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey("organisation.Subject", on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey("organisation.Term", on_delete=models.PROTECT, related_name="+")
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
                fields=["school", "year", "minute_number"],
                condition=~Q(minute_number=""),
                name="correction_unique_minute_number",
            ),
        ]

    def __str__(self) -> str:
        return f"Đơn sửa điểm #{self.pk} ({self.state})"

    @property
    def cells(self) -> list[CorrectionItem]:
        """The items in row order (prefetched ``items`` are used when present)."""
        cached = getattr(self, "_cells", None)
        if cached is None:
            cached = sorted(self.items.all(), key=lambda item: item.row)
            self._cells = cached
        return cached

    @property
    def single(self) -> CorrectionItem | None:
        """The one cell of a single-cell request (None when it lists several)."""
        cells = self.cells
        return cells[0] if len(cells) == 1 else None


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


class CorrectionItem(models.Model):
    """One cell of a correction request: the student, the column, the value (or, for a comment
    column, the text) when the request was filed and the one asked for. ``row`` is its number in
    the request and in the minute. ``subject`` / ``term`` repeat the request's so that the
    database keeps at most one open request per cell (``is_open`` is cleared when the request
    is decided against, withdrawn or applied)."""

    request = models.ForeignKey(CorrectionRequest, on_delete=models.CASCADE, related_name="items")
    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    row = models.PositiveSmallIntegerField()
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey("organisation.Subject", on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey("organisation.Term", on_delete=models.PROTECT, related_name="+")
    column = models.CharField(max_length=16)
    old_value = models.CharField(max_length=16, blank=True)
    new_value = models.CharField(max_length=16, blank=True)
    # Comment (nhận xét) columns are corrected through these instead of the values.
    old_text = models.TextField(blank=True)
    new_text = models.TextField(blank=True)
    is_open = models.BooleanField(default=True)

    class Meta:
        ordering = ["request", "row"]
        constraints = [
            models.UniqueConstraint(fields=["request", "row"], name="correction_item_row"),
            models.UniqueConstraint(
                fields=["student", "subject", "term", "column"],
                condition=Q(is_open=True),
                name="correction_one_open_per_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"Sửa {self.column}: {self.old_value or '∅'} → {self.new_value}"


class CorrectionEvidence(models.Model):
    request = models.ForeignKey(
        CorrectionRequest, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(upload_to="corrections/%Y/%m/")
    original_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
