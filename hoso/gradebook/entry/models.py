"""What a grade sheet holds: one ``Assessment`` per student × subject × term × column (the
columns come from the school's rule set, ``columns.py``), the sheet's columns (test dates,
finalised), and the locks (khóa sổ). Every write is in ``actions.py``; a finalised or locked result
changes only through ``corrections``."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
