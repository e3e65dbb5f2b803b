"""Audit trail (nhật ký truy vết): append-only, hash-chained, one chain per school."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

GENESIS_HASH = "0" * 64


class AuditChain(models.Model):
    """The head of one chain. Appending locks this row, so a chain can never fork."""

    key = models.CharField(max_length=40, unique=True)  # "school:<id>" or "system"
    school = models.OneToOneField(
        "organisation.School", null=True, blank=True, on_delete=models.PROTECT
    )
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"{self.key} #{self.last_seq}"


class AuditEvent(models.Model):
    chain = models.ForeignKey(AuditChain, on_delete=models.PROTECT, related_name="events")
    seq = models.BigIntegerField()
    school = models.ForeignKey(
        "organisation.School", null=True, blank=True, on_delete=models.PROTECT
    )
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    acting_as = models.CharField(max_length=200, blank=True)  # delegation: "thay Tổ trưởng ..."
    ip = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(max_length=10, default="web")
    event_type = models.CharField(max_length=60, db_index=True)
    target_type = models.CharField(max_length=60, blank=True, db_index=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # 1: sha256 without a key (events before ADR 0009); 2: HMAC-SHA256 with the key ``key_id``.
    hash_version = models.PositiveSmallIntegerField(default=1)
    key_id = models.CharField(max_length=16, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_unique_seq"),
        ]
        indexes = [
            models.Index(fields=["school", "at"]),
            models.Index(fields=["target_type", "target_id"]),
        ]
        ordering = ["chain_id", "seq"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.target_repr} @ {self.at:%Y-%m-%d %H:%M}"


class AuditAnchor(models.Model):
    """A chain head written outside the database (mốc neo, ADR 0009): one line of the chain's
    append-only anchors file, kept here too for the pages. The file is the authority; this row
    only mirrors it (``audit_verify`` requires every row's line to be in the file)."""

    chain = models.ForeignKey(AuditChain, on_delete=models.PROTECT, related_name="anchors")
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    key_id = models.CharField(max_length=16)
    line = models.TextField()
    line_sha256 = models.CharField(max_length=64, unique=True)
    sealed_by = models.CharField(max_length=300, blank=True)  # the seal certificate's CN
    timestamped_at = models.DateTimeField(null=True, blank=True)  # the TSA's time (RFC 3161)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["chain_id", "at", "pk"]

    def __str__(self) -> str:
        # What the audit trail and the activity cards show: the school's local time.
        return f"Mốc neo đến sự kiện #{self.seq}, {timezone.localtime(self.at):%d/%m/%Y %H:%M}"
