"""Archive (lưu trữ): year-end exports of records as a ZIP, and read-only share links for
inspectors (seed 001 Đ14.4–5). Nothing here deletes a record: the archive only copies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hoso.core import badges


class ExportState(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang tạo"
    DONE = "done", "Hoàn tất"
    FAILED = "failed", "Lỗi"
    CANCELLED = "cancelled", "Đã hủy"


def _progress(export) -> str:
    """How far an export still being made has come: "40%"."""
    return "" if export.finished else f"{export.percent}%"


badges.register(
    "archive.export",
    ExportState,
    {
        ExportState.DONE: badges.OK,
        ExportState.FAILED: badges.ERR,
        ExportState.QUEUED: badges.WARN,
        ExportState.RUNNING: badges.WARN,
    },
    detail=_progress,
)


def export_upload_to(instance: ArchiveExport, filename: str) -> str:
    return f"archive/{instance.school_id}/{instance.year_id}/{filename}"


class ArchiveExport(models.Model):
    """One ZIP of a school year (``folder`` empty) or of a folder subtree, built in the
    background; ``files_done``/``files_total`` is its progress."""

    State = ExportState

    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="archive_exports"
    )
    year = models.ForeignKey(
        "organisation.SchoolYear", on_delete=models.PROTECT, related_name="archive_exports"
    )
    folder = models.ForeignKey(
        "records.Folder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archive_exports",
    )
    title = models.CharField("tên bản lưu trữ", max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="archive_exports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=ExportState.choices, default=ExportState.QUEUED)
    files_total = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_upload_to, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    bytes_archived = models.PositiveBigIntegerField(default=0)  # sum of the files inside
    # paths whose bytes differ from the checksum recorded at upload / that could not be read
    mismatches = models.JSONField(default=list, blank=True)
    unreadable = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "bản lưu trữ"
        indexes = [models.Index(fields=["school", "year"], name="archiveexport_school_year")]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.state == ExportState.DONE:
            return 100
        if not self.files_total:
            return 0
        return min(99, self.files_done * 100 // self.files_total)

    @property
    def finished(self) -> bool:
        return self.state in (ExportState.DONE, ExportState.FAILED, ExportState.CANCELLED)


class ShareLink(models.Model):
    """A read-only link for inspectors: the token is shown once and only its SHA-256 is kept;
    it opens one export or one folder subtree until ``expires_at`` unless revoked."""

    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="archive_share_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    token_hint = models.CharField(max_length=8)  # first characters, to recognise it in lists
    export = models.ForeignKey(
        ArchiveExport, null=True, blank=True, on_delete=models.PROTECT, related_name="share_links"
    )
    folder = models.ForeignKey(
        "records.Folder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="archive_share_links",
    )
    recipient = models.CharField("người nhận", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("hết hạn lúc")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    access_count = models.PositiveIntegerField(default=0)
    last_access_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "đường link chia sẻ"
        constraints = [
            models.CheckConstraint(
                condition=(Q(export__isnull=False) & Q(folder__isnull=True))
                | (Q(export__isnull=True) & Q(folder__isnull=False)),
                name="sharelink_one_scope",
            )
        ]

    def __str__(self) -> str:
        return f"Link {self.token_hint}… cho {self.recipient}"

    def is_valid(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now
