"""An uploaded spreadsheet waiting to be written (ImportBatch), and the saved column mappings of
other systems' files (ImportMapping) — one of each for every kind of import."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hoso.core import badges, clock


def scope_key(scope: dict) -> str:
    """The scope as one comparable text ('class_id=12;subject_id=3;term_id=5')."""
    return ";".join(f"{key}={scope[key]}" for key in sorted(scope))


class ImportMapping(models.Model):
    """A saved column mapping for files exported by another system (CSDL ngành, vnEdu, SMAS),
    applied by itself to later files whose header row has the same signature."""

    school = models.ForeignKey("organisation.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("loại dữ liệu", max_length=40)  # the importer's kind: "students", …
    name = models.CharField("tên mẫu", max_length=100)
    source = models.CharField("nguồn", max_length=40, blank=True)
    header_row = models.PositiveSmallIntegerField(default=1)
    columns = models.JSONField(default=dict)  # {"source header (folded)": "field name"}
    signature = models.CharField(max_length=64)  # sha256 of the folded headers
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "name"], name="imports_mapping_unique_name"
            ),
        ]
        indexes = [
            models.Index(fields=["school", "kind", "signature"], name="imports_mapping_signature"),
        ]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One uploaded file of one kind, staged until it is written all at once (or not at all).

    ``scope`` holds the ids of what the import writes into, as its importer names them (a class:
    ``{"class_id": 12}``; a grade sheet: class, subject and term); ``scope_key`` is the same as
    text, to list the batches of one page."""

    class State(models.TextChoices):
        NEEDS_MAPPING = "needs_mapping", "Cần ghép cột"
        PREVIEW = "preview", "Xem trước"
        QUEUED = "queued", "Đang chờ ghi"
        COMMITTED = "committed", "Đã ghi"
        FAILED = "failed", "Lỗi"
        CANCELLED = "cancelled", "Đã hủy"

    kind = models.CharField("loại dữ liệu", max_length=40)
    school = models.ForeignKey("organisation.School", on_delete=models.CASCADE, related_name="+")
    scope = models.JSONField(default=dict)
    scope_key = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(max_length=200)
    state = models.CharField(max_length=20, choices=State.choices)
    headers = models.JSONField(default=list)
    raw_rows = models.JSONField(default=list)  # [{"row": n, "cells": [...]}]
    mapping = models.JSONField(default=dict)  # {column index: field}
    rows = models.JSONField(default=list)  # what the importer will write, as it shows it
    errors = models.JSONField(default=list)  # [{"row", "column", "field", "message"(, "code")}]
    result = models.JSONField(default=dict)  # layout, options, counts, warnings, outcome
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["school", "kind", "scope_key", "-created_at"], name="imports_batch_page"
            ),
            models.Index(fields=["state", "created_at"], name="imports_batch_state"),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display()})"

    def column_mapping(self) -> dict[int, str]:
        """{column index: field} of the columns mapped."""
        return {int(k): v for k, v in (self.mapping or {}).items() if v}


def _preview_tone(batch) -> str:
    """A preview with errors cannot be committed: shown as an error."""
    return badges.ERR if batch is not None and batch.errors else badges.NEUTRAL


badges.register(
    "imports.batch",
    ImportBatch.State,
    {
        ImportBatch.State.COMMITTED: badges.OK,
        ImportBatch.State.FAILED: badges.ERR,
        ImportBatch.State.PREVIEW: _preview_tone,
        ImportBatch.State.NEEDS_MAPPING: badges.WARN,
        ImportBatch.State.QUEUED: badges.WARN,
    },
)
