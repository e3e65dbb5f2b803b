"""The staff register's history: its change log (sổ theo dõi thay đổi) and its editions (the
register frozen by the clerk at the start, middle and end of the year, or after a change;
SPEC §4, WAVE2 §9.1). Both are append-only: no code path updates or deletes a row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class StaffChange(models.Model):
    """One line of the register's change log: who changed whom, when, field by field."""

    class Kind(models.TextChoices):
        CREATED = "created", "Vào sổ"
        UPDATED = "updated", "Cập nhật"
        POSITIONS = "positions", "Đổi chức vụ"
        ENDED = "ended", "Thôi công tác"
        END_SCHEDULED = "end_scheduled", "Ghi ngày thôi công tác"
        REHIRED = "rehired", "Trở lại công tác"

    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="staff_changes"
    )
    staff = models.ForeignKey(
        "organisation.Staff", on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The day the change takes effect in the register (today, or the end of employment's date).
    effective_on = models.DateField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=200)  # kept as it was: an account may be renamed
    # [{"field": name, "before": json value, "after": json value}], in the catalogue's order.
    changes = models.JSONField(default=list)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["school_id", "pk"]
        indexes = [models.Index(fields=["school", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.staff}"


class StaffRegisterEdition(models.Model):
    """A frozen copy of the register taken by the clerk at a cycle point of a school year."""

    class Kind(models.TextChoices):
        START = "start", "Đầu năm học"
        MIDDLE = "middle", "Giữa năm học"
        END = "end", "Cuối năm học"
        CHANGE = "change", "Cập nhật khi có thay đổi"

    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="staff_editions"
    )
    year = models.ForeignKey(
        "organisation.SchoolYear", on_delete=models.PROTECT, related_name="staff_editions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    number = models.PositiveIntegerField()  # 1, 2, 3… per school: the order editions were taken
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    taken_by_name = models.CharField(max_length=200)
    note = models.CharField(max_length=300, blank=True)
    # The change-log lines this edition covers: (previous edition's last_change_id, this one].
    last_change_id = models.PositiveBigIntegerField(default=0)
    data = models.JSONField()  # the register as printed: rows, ended people, change log
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["school_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="staffedition_unique_number"),
            # One edition per cycle point and year; "on change" editions as often as needed.
            models.UniqueConstraint(
                fields=["year", "kind"],
                condition=~Q(kind="change"),
                name="staffedition_one_per_cycle_point",
            ),
        ]

    def __str__(self) -> str:
        return f"Sổ cán bộ — {self.get_kind_display()} {self.year.name}"
