"""Signing credentials (chữ ký số), trust roots, and signed documents with their signature events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class CredentialKind(models.TextChoices):
    P12 = "p12", "Tệp PKCS#12 (.p12/.pfx)"
    PKCS11 = "pkcs11", "Thiết bị ký (USB token, PKCS#11)"
    REMOTE = "remote", "Dịch vụ ký số từ xa"


class SigningCredential(models.Model):
    """A certificate with the means to use its key.

    ``user`` set: a person's signature. ``user`` empty: the school's organisation seal (chứng thư số
    con dấu), applied by the clerk/principal. The PKCS#12 is stored encrypted twice (its own
    password, then AES-GCM under a server key; see keystore.py), never in plaintext.
    """

    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="signing_credentials"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_credentials",
    )
    kind = models.CharField(max_length=10, choices=CredentialKind.choices)
    label = models.CharField(max_length=200, blank=True)
    certificate_pem = models.TextField()
    chain_pem = models.TextField(blank=True)
    subject_cn = models.CharField(max_length=300)
    issuer_cn = models.CharField(max_length=300, blank=True)
    serial = models.CharField(max_length=80)
    fingerprint_sha256 = models.CharField(max_length=64)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    p12_blob = models.BinaryField(null=True, blank=True, editable=False)
    pkcs11_library = models.CharField(max_length=500, blank=True)
    pkcs11_token_label = models.CharField(max_length=200, blank=True)
    pkcs11_key_label = models.CharField(max_length=200, blank=True)
    remote_provider = models.CharField(max_length=100, blank=True)
    remote_reference = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="signing_credential_p12_has_blob",
                condition=~Q(kind="p12") | Q(p12_blob__isnull=False),
            ),
            models.CheckConstraint(
                name="signing_credential_pkcs11_has_token",
                condition=~Q(kind="pkcs11")
                | (~Q(pkcs11_library="") & ~Q(pkcs11_token_label="") & ~Q(pkcs11_key_label="")),
            ),
        ]
        indexes = [models.Index(fields=["school", "user", "is_active"])]

    def __str__(self) -> str:
        return f"{self.subject_cn} ({self.get_kind_display()})"

    @property
    def is_seal(self) -> bool:
        return self.user_id is None


class TrustRoot(models.Model):
    """A CA certificate whose chains validation trusts: global (school empty) or one school's."""

    school = models.ForeignKey(
        "organisation.School",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signing_trust_roots",
    )
    name = models.CharField(max_length=300)
    certificate_pem = models.TextField()
    fingerprint_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "fingerprint_sha256"], name="signing_trustroot_unique_school"
            ),
            models.UniqueConstraint(
                fields=["fingerprint_sha256"],
                condition=Q(school__isnull=True),
                name="signing_trustroot_unique_global",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentKind(models.TextChoices):
    GRADE_SHEET = "grade_sheet", "Bảng điểm môn học (lớp × môn × học kỳ)"
    CLASS_BOOK = "class_book", "Sổ theo dõi và đánh giá học sinh (theo lớp)"
    CORRECTION_MINUTE = "correction_minute", "Biên bản sửa chữa điểm"
    RECORD = "record", "Hồ sơ đã duyệt"
    OTHER = "other", "Văn bản khác"


class DocumentState(models.TextChoices):
    DRAFT = "draft", "Chưa ký"
    PARTIALLY_SIGNED = "partially_signed", "Đang ký"
    SIGNED = "signed", "Đã ký đủ"
    SUPERSEDED = "superseded", "Đã thay thế (dữ liệu thay đổi)"


class SignedDocument(models.Model):
    """One version of a document to be signed by ``signers`` in order.

    ``subject_key`` names what is rendered (e.g. ``grade_sheet:class=3:subject=2:term=1``); each new
    version (the data changed: ``data_hash`` differs) supersedes the current one, whose signed PDF
    is kept. At most one non-superseded version per subject (a DB constraint).
    ``signers`` = ``[{"user_id", "name", "role", "role_label", "field", "seal"}...]``.
    """

    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="signed_documents"
    )
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    subject_key = models.CharField(max_length=200)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    version = models.PositiveIntegerField(default=1)
    data_hash = models.CharField(max_length=64)
    ruleset_version = models.CharField(max_length=100, blank=True)
    pdf = models.FileField(upload_to="signing/", max_length=300)
    pdf_sha256 = models.CharField(max_length=64)
    signers = models.JSONField(default=list)
    next_index = models.PositiveIntegerField(default=0)
    # Denormalised from ``signers`` so that lists filter in SQL on SQLite and PostgreSQL alike:
    # the user id whose signature is awaited (NULL when none) and ",3,7,9," of every signer.
    next_signer_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    signer_ids = models.CharField(max_length=500, blank=True)
    state = models.CharField(
        max_length=20, choices=DocumentState.choices, default=DocumentState.DRAFT
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "subject_key", "version"], name="signing_doc_unique_version"
            ),
            models.UniqueConstraint(
                fields=["school", "subject_key"],
                condition=~Q(state="superseded"),
                name="signing_doc_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def next_signer(self) -> dict | None:
        if self.state == DocumentState.SUPERSEDED or self.next_index >= len(self.signers):
            return None
        return self.signers[self.next_index]


class SignatureEvent(models.Model):
    """One signature applied to a SignedDocument (document, field, signer, hashes before/after)."""

    document = models.ForeignKey(SignedDocument, on_delete=models.CASCADE, related_name="events")
    index = models.PositiveIntegerField()
    field_name = models.CharField(max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    credential = models.ForeignKey(SigningCredential, on_delete=models.PROTECT, related_name="+")
    signer_cn = models.CharField(max_length=300)
    role_label = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    hash_before = models.CharField(max_length=64)
    hash_after = models.CharField(max_length=64)

    class Meta:
        ordering = ["document", "index"]
        constraints = [
            models.UniqueConstraint(fields=["document", "index"], name="signing_event_unique_index")
        ]
