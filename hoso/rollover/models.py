"""A year rollover (chuyển dữ liệu năm học): prepared, previewed, then committed in the background.

Nothing is written to the school's data before the commit; the commit is one transaction (all or
nothing). A second pass from the same year moves the students who waited for the summer's
re-test or training once their results are approved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hoso.core import badges


class Rollover(models.Model):
    class State(models.TextChoices):
        PREVIEW = "preview", "Xem trước"
        QUEUED = "queued", "Đang chờ chạy"
        RUNNING = "running", "Đang chuyển"
        DONE = "done", "Đã chuyển"
        FAILED = "failed", "Lỗi, chưa chuyển"
        CANCELLED = "cancelled", "Đã hủy"

    ACTIVE = (State.PREVIEW, State.QUEUED, State.RUNNING)

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    from_year = models.ForeignKey(
        "organisation.SchoolYear", on_delete=models.PROTECT, related_name="rollovers_from"
    )
    # The year the students move into: an existing year the school prepared, or created by the
    # commit from ``target`` (then filled in here).
    to_year = models.ForeignKey(
        "organisation.SchoolYear",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rollovers_to",
    )
    pass_number = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEW)
    # {"year_id": id} or {"name", "start", "end", "term1": [start, end], "term2": [...],
    #  "checkpoints": {kind: date}}; dates as ISO strings.
    target = models.JSONField(default=dict)
    carry_homeroom = models.BooleanField("giữ giáo viên chủ nhiệm theo lớp", default=True)
    # The new classes: [{"key", "name", "grade", "from_class", "from_name", "exists"}]
    classes = models.JSONField(default=list)
    # One row per student of the year: [{"enrolment", "student", "name", "from_class",
    #  "from_name", "grade", "outcome", "target_key", "reason"}]
    placements = models.JSONField(default=list)
    # Why the commit cannot run yet: [{"class", "message"}]
    problems = models.JSONField(default=list)
    result = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    queued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One rollover at a time from a year: a second one waits until the first is done,
            # failed or cancelled.
            models.UniqueConstraint(
                fields=["from_year"],
                condition=Q(state__in=["preview", "queued", "running"]),
                name="rollover_one_active_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"Chuyển năm học {self.from_year.name} (lần {self.pass_number})"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE


badges.register(
    "rollover.rollover",
    Rollover.State,
    {
        Rollover.State.DONE: badges.OK,
        Rollover.State.FAILED: badges.ERR,
        Rollover.State.QUEUED: badges.WARN,
        Rollover.State.RUNNING: badges.WARN,
    },
)
