"""Học bạ số: one signed transcript per student × school year × version.

A version is immutable once issued. A correction is a new version (new row, new public code);
the old row stays, marked revoked (after issue) or superseded (before issue). Every PDF the
signers produced is kept as a ``TranscriptRevision``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hoso.core import badges


class Transcript(models.Model):
    """Học bạ số of one student for one school year (one version)."""

    class State(models.TextChoices):
        DRAFT = "draft", "Bản nháp, chờ GVCN ký"
        HOMEROOM_SIGNED = "homeroom_signed", "GVCN đã ký, chờ phó hiệu trưởng kiểm tra"
        CHECKED = "checked", "Đã kiểm tra, chờ hiệu trưởng ký duyệt"
        PRINCIPAL_SIGNED = "principal_signed", "Hiệu trưởng đã ký, chờ văn thư đóng dấu"
        ISSUED = "issued", "Đã cấp"
        REVOKED = "revoked", "Đã thu hồi"
        SUPERSEDED = "superseded", "Đã thay thế (dữ liệu thay đổi)"

    # A version in one of these states no longer counts: another may be drafted beside it.
    DEAD_STATES = (State.REVOKED, State.SUPERSEDED)

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey("organisation.SchoolYear", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey(
        "students.Student", on_delete=models.PROTECT, related_name="transcripts"
    )
    school_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    # Short public code printed on the document with its QR code: "XXXX-XXXX" (Crockford base32).
    code = models.CharField("mã tra cứu", max_length=9, unique=True)
    data = models.JSONField(default=dict)
    data_hash = models.CharField(max_length=64)
    ruleset_version = models.CharField(max_length=60, blank=True)
    pdf = models.FileField(upload_to="transcripts/", max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="successors"
    )
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    homeroom_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    homeroom_signed_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    check_comment = models.CharField("ý kiến kiểm tra", max_length=1000, blank=True)
    principal_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    principal_signed_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField("lý do thu hồi", max_length=1000, blank=True)
    # Set on an issued transcript whose data changed later: it is never altered, the clerk and
    # the principal are told to revoke and re-issue it.
    stale_since = models.DateTimeField(null=True, blank=True)
    stale_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["school_class_id", "student_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "year", "version"], name="transcript_unique_version"
            ),
            # One living version per student and year: concurrent drafters cannot both win.
            models.UniqueConstraint(
                fields=["student", "year"],
                condition=~Q(state__in=["revoked", "superseded"]),
                name="transcript_one_live_version",
            ),
            models.CheckConstraint(
                condition=~Q(state="issued") | Q(issued_at__isnull=False),
                name="transcript_issued_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state="revoked") | ~Q(revoke_reason=""),
                name="transcript_revoked_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["school", "year", "state"])]

    def __str__(self) -> str:
        return (
            f"Học bạ {self.student} {self.year.name if self.year_id else ''} (bản {self.version})"
        )

    @property
    def is_live(self) -> bool:
        return self.state not in self.DEAD_STATES


badges.register(
    "transcripts.transcript",
    Transcript.State,
    {
        Transcript.State.DRAFT: badges.WARN,
        Transcript.State.HOMEROOM_SIGNED: badges.WARN,
        Transcript.State.CHECKED: badges.WARN,
        Transcript.State.PRINCIPAL_SIGNED: badges.WARN,
        Transcript.State.ISSUED: badges.OK,
        Transcript.State.REVOKED: badges.ERR,
    },
    data_state=True,
)


class TranscriptRevision(models.Model):
    """One PDF of a transcript: the unsigned draft, then one per signature (incremental)."""

    class Kind(models.TextChoices):
        DRAFT = "draft", "Bản in chưa ký"
        HOMEROOM = "homeroom", "Chữ ký giáo viên chủ nhiệm"
        PRINCIPAL = "principal", "Chữ ký hiệu trưởng"
        SEAL = "seal", "Chữ ký số của nhà trường (văn thư)"

    transcript = models.ForeignKey(Transcript, on_delete=models.PROTECT, related_name="revisions")
    seq = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to="transcripts/", max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField(default=0)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(max_length=200, blank=True)
    role_label = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The last validation of this exact file against the trust roots (public page cache).
    validation = models.JSONField(null=True, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["transcript_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["transcript", "seq"], name="transcript_revision_seq")
        ]

    def __str__(self) -> str:
        return f"{self.transcript_id}#{self.seq} {self.get_kind_display()}"


class TranscriptEvent(models.Model):
    """History of one transcript version (also written to the audit trail)."""

    transcript = models.ForeignKey(Transcript, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    acting_as = models.CharField(max_length=200, blank=True)
    state_before = models.CharField(max_length=20, blank=True)
    state_after = models.CharField(max_length=20, blank=True)
    comment = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["transcript_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.transcript_id} {self.kind}"


class VerificationLog(models.Model):
    """Every public verification (by code or by upload), with the caller's IP and the result."""

    class Kind(models.TextChoices):
        CODE = "code", "Tra cứu theo mã"
        UPLOAD = "upload", "Tải tệp PDF lên"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    code = models.CharField(max_length=20, blank=True)
    transcript = models.ForeignKey(
        Transcript, null=True, blank=True, on_delete=models.SET_NULL, related_name="verifications"
    )
    result = models.CharField(max_length=30)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.result}"
