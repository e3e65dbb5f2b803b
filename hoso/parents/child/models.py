"""What the school decides about the child's page: how results reach parents."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PublicationSettings(models.Model):
    """Công bố kết quả cho cha mẹ học sinh: one row per school, edited by the principal or the
    administrator (``actions.publication_settings_update``, audited). A school without a row
    has the defaults below (``selectors.publication_settings``)."""

    class Mode(models.TextChoices):
        # Safer default: nothing reaches parents before the principal approves the period (a
        # finalised column can still be corrected by the correction procedure; an approved
        # period is the school's official word). docs/PARENTS.md.
        PERIODS = "periods", "Từng học kỳ, sau khi hiệu trưởng phê duyệt kết quả"
        COLUMNS = "columns", "Từng cột điểm, ngay khi giáo viên bộ môn chốt cột"

    school = models.OneToOneField("organisation.School", on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(
        "cách công bố kết quả", max_length=10, choices=Mode.choices, default=Mode.PERIODS
    )
    show_test_dates = models.BooleanField(
        "cho cha mẹ xem lịch kiểm tra định kỳ sắp tới", default=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Công bố kết quả: {self.get_mode_display()}"
