"""Subject comments (nhận xét môn học) and the school's comment bank (ngân hàng nhận xét)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
