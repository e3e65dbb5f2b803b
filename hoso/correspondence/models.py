"""The office's document register (công tác văn thư, NĐ 30/2020/NĐ-CP).

- ``DocumentType``: a type of administrative document and its abbreviation (Phụ lục III);
  công văn has none. Data per school, seeded from REGULATIONS §8.
- ``OfficeProfile``: the school's abbreviation in symbols (``36/KH-CVA``: CVA).
- ``NumberCounter``: the last number given in one register of one school in one calendar year;
  its row is locked (SELECT … FOR UPDATE) while a number is taken, so numbers have no gaps and
  are never given twice. Decree 30 Đ15: one series for every type, from 01 on 1 January to
  31 December; confidential documents keep their own series (their own register).
- ``OutgoingDocument`` (văn bản đi): drafted → signed by the competent person → numbered and
  dated by the clerk → issued (with the organisation's signature, by the clerk).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from hoso.organisation.models import School


class Register(models.TextChoices):
    OUTGOING = "outgoing", "Sổ đăng ký văn bản đi"
    OUTGOING_CONFIDENTIAL = "outgoing_secret", "Sổ đăng ký văn bản đi (mật)"
    INCOMING = "incoming", "Sổ đăng ký văn bản đến"
    INCOMING_CONFIDENTIAL = "incoming_secret", "Sổ đăng ký văn bản đến (mật)"


CONFIDENTIAL_REGISTERS = (Register.OUTGOING_CONFIDENTIAL, Register.INCOMING_CONFIDENTIAL)


class OfficeProfile(models.Model):
    """The school's settings of the office (văn thư): the abbreviation in document symbols."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="office_profile")
    abbreviation = models.CharField("chữ viết tắt tên trường", max_length=30)

    def __str__(self) -> str:
        return self.abbreviation


class DocumentType(models.Model):
    """Tên loại văn bản and its abbreviation (Phụ lục III NĐ 30/2020); blank for công văn."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="document_types")
    name = models.CharField("tên loại văn bản", max_length=100)
    abbreviation = models.CharField("chữ viết tắt", max_length=10, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["school_id", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="document_type_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class NumberCounter(models.Model):
    """Last number of one register of one school in one calendar year (locked to take one)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="number_counters")
    register = models.CharField(max_length=20, choices=Register.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "register", "year"], name="number_counter_unique"
            ),
        ]


class OutgoingState(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SIGNED = "signed", "Đã ký, chờ cấp số"
    NUMBERED = "numbered", "Đã cấp số, chờ phát hành"
    ISSUED = "issued", "Đã phát hành"


def outgoing_upload_to(instance: OutgoingDocument, filename: str) -> str:
    """correspondence/<school>/out/<sha256 prefix>-<random>.pdf (stored before the number)."""
    return (
        f"correspondence/{instance.school_id}/out/"
        f"{instance.file_sha256[:16]}-{secrets.token_hex(4)}.pdf"
    )


class OutgoingDocument(models.Model):
    """Văn bản đi. Number, symbol and date are given by the system when the clerk numbers a
    document the competent person has signed; never typed."""

    State = OutgoingState

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="outgoing_documents")
    register = models.CharField(
        "sổ", max_length=20, choices=Register.choices, default=Register.OUTGOING
    )
    doc_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, related_name="+")
    summary = models.CharField("trích yếu nội dung", max_length=500)
    summary_folded = models.CharField(max_length=500, blank=True)
    recipients = models.TextField("nơi nhận", max_length=2000)
    copies = models.PositiveSmallIntegerField("số lượng bản", default=1)
    state = models.CharField(max_length=10, choices=OutgoingState.choices, default="draft")
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField()
    # The competent person's signature (ký ban hành).
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField("người ký", max_length=200, blank=True)
    signer_title = models.CharField("thẩm quyền ký", max_length=80, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    issue_due = models.DateField("hạn phát hành", null=True, blank=True)
    # Number, symbol and date (given together, under the counter's row lock).
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField("số", null=True, blank=True)
    symbol = models.CharField("số, ký hiệu", max_length=60, blank=True)
    document_date = models.DateField("ngày tháng văn bản", null=True, blank=True)
    numbered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    numbered_at = models.DateTimeField(null=True, blank=True)
    # The file copy (bản lưu tại Văn thư): the signed PDF.
    file = models.FileField(upload_to=outgoing_upload_to, max_length=300, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    text = models.TextField(blank=True)
    text_folded = models.TextField(blank=True)
    # The organisation's signature (chữ ký số của cơ quan), applied by the clerk at issue.
    org_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    org_signed_at = models.DateTimeField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Confidential documents: who besides the principal and the clerk may see it.
    readers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["-year", "-number", "-drafted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "register", "year", "number"],
                condition=Q(number__isnull=False),
                name="outgoing_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(state="signed") | Q(number__isnull=False),
                name="outgoing_numbered_has_number",
            ),
        ]
        indexes = [models.Index(fields=["school", "register", "state"])]

    def __str__(self) -> str:
        return self.symbol or f"Dự thảo: {self.summary[:60]}"

    @property
    def is_confidential(self) -> bool:
        return self.register in CONFIDENTIAL_REGISTERS


# --- incoming (văn bản đến) -------------------------------------------------------------------


class Urgency(models.TextChoices):
    NORMAL = "normal", "Thường"
    URGENT = "urgent", "Khẩn"
    VERY_URGENT = "very_urgent", "Thượng khẩn"
    FLASH = "flash", "Hỏa tốc"


class Medium(models.TextChoices):
    PAPER = "paper", "Văn bản giấy"
    ELECTRONIC = "electronic", "Văn bản điện tử"


class IncomingState(models.TextChoices):
    REGISTERED = "registered", "Đã đăng ký, chờ trình"
    PRESENTED = "presented", "Đã trình, chờ chỉ đạo"
    DIRECTED = "directed", "Đã chỉ đạo, đang giải quyết"
    DONE = "done", "Đã giải quyết xong"


def incoming_upload_to(instance: IncomingDocument, filename: str) -> str:
    ext = ""
    if "." in filename:
        ext = "." + filename.rsplit(".", 1)[1].lower()[:8]
    return (
        f"correspondence/{instance.school_id}/in/"
        f"{instance.file_sha256[:16]}-{secrets.token_hex(4)}{ext}"
    )


class IncomingDocument(models.Model):
    """Văn bản đến. "Số đến" runs in order of receipt within the calendar year, one series for
    paper and electronic documents (Đ22); an unregistered document creates no duty (Đ22)."""

    State = IncomingState

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="incoming_documents")
    register = models.CharField(
        "sổ", max_length=20, choices=Register.choices, default=Register.INCOMING
    )
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField("số đến")
    received_on = models.DateField("ngày đến")
    medium = models.CharField(max_length=12, choices=Medium.choices, default=Medium.ELECTRONIC)
    author = models.CharField("tác giả (cơ quan ban hành)", max_length=300)
    their_symbol = models.CharField("số, ký hiệu văn bản", max_length=60, blank=True)
    their_date = models.DateField("ngày tháng văn bản", null=True, blank=True)
    type_name = models.CharField("tên loại văn bản", max_length=100)
    summary = models.CharField("trích yếu nội dung", max_length=500)
    summary_folded = models.CharField(max_length=1000, blank=True)
    urgency = models.CharField(max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    state = models.CharField(
        max_length=12, choices=IncomingState.choices, default=IncomingState.REGISTERED
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField()
    present_due = models.DateField("hạn trình")
    presented_at = models.DateTimeField(null=True, blank=True)
    directed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    directed_at = models.DateTimeField(null=True, blank=True)
    directive = models.TextField("ý kiến chỉ đạo", max_length=2000, blank=True)
    deadline = models.DateField("thời hạn giải quyết", null=True, blank=True)
    reply = models.ForeignKey(
        OutgoingDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="replies_to"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=incoming_upload_to, max_length=300, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    text = models.TextField(blank=True)
    text_folded = models.TextField(blank=True)
    readers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "register", "year", "number"], name="incoming_unique_number"
            ),
        ]
        indexes = [models.Index(fields=["school", "state", "deadline"])]

    def __str__(self) -> str:
        return f"Số đến {self.number}/{self.year}: {self.summary[:60]}"

    @property
    def is_confidential(self) -> bool:
        return self.register in CONFIDENTIAL_REGISTERS


class AssigneeRole(models.TextChoices):
    LEAD = "lead", "Chủ trì"
    SUPPORT = "support", "Phối hợp"


class IncomingAssignee(models.Model):
    """A person the principal routed the document to (chủ trì / phối hợp) and their ký nhận."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="assignees"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=AssigneeRole.choices)
    acknowledged_at = models.DateTimeField("ký nhận lúc", null=True, blank=True)

    class Meta:
        ordering = ["document_id", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "user"], name="incoming_assignee_unique"),
        ]


class IncomingProgress(models.Model):
    """A progress note of the handling (tiến độ giải quyết), append-only."""

    document = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="progress"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    text = models.CharField(max_length=1000)

    class Meta:
        ordering = ["document_id", "at", "pk"]
