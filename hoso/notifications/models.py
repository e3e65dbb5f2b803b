"""In-app notifications (and e-mail when configured): reminders before and after deadlines."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("organisation.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    # One reminder per (person, deadline, phase): re-running the reminder task adds nothing.
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_dedupe"),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text[:60]
