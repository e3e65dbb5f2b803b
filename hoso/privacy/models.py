"""Personal data (Luật BVDLCN 91/2025/QH15, NĐ 356/2025/NĐ-CP).

- ``PrivacyNotice``: the school's notice to parents (thông báo xử lý dữ liệu cá nhân), versioned;
  the processors it names (SMS, Zalo OA providers) are listed in it.
- ``Consent``: one guardian's consent for one purpose under one version of the notice. Silence is
  not consent: no row (or a withdrawn one) means no. Withdrawal stops sending at once: the outbox
  asks ``selectors.consented_user_ids`` when it sends, not only when it queues.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Purpose(models.TextChoices):
    """What a guardian consents to. In-app messages inside the portal the parent opened need no
    consent (nothing leaves the school's system); every other channel does."""

    CONTACT_BOOK = "contact_book", "Nhận sổ liên lạc điện tử qua thư điện tử và thông báo đẩy"
    SMS = "sms", "Nhận tin nhắn SMS (số điện thoại được chuyển cho nhà cung cấp SMS)"
    ZALO = "zalo", "Nhận tin qua Zalo OA (số điện thoại được chuyển cho Zalo)"
    PUBLICATION = "publication", "Công bố hình ảnh, thành tích của con"


# The purpose a channel of the outbox needs (``None``: no consent needed).
CHANNEL_PURPOSE: dict[str, str | None] = {
    "in_app": None,
    "email": Purpose.CONTACT_BOOK,
    "push": Purpose.CONTACT_BOOK,
    "sms": Purpose.SMS,
    "zalo": Purpose.ZALO,
}


class PrivacyNotice(models.Model):
    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="privacy_notices"
    )
    version = models.PositiveIntegerField("phiên bản")
    text = models.TextField("nội dung")
    processors = models.TextField("bên xử lý dữ liệu (nhà cung cấp SMS, Zalo…)", blank=True)
    # Purposes whose data, processors or use changed from the version before: consents given
    # under an older version lapse for these at publication (asked again); the others stay.
    changed_purposes = models.JSONField("mục đích thay đổi so với phiên bản trước", default=list)
    created_at = models.DateTimeField("soạn lúc", null=True, blank=True)
    published_at = models.DateTimeField("công bố lúc", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["school", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["school", "version"], name="privacy_notice_version"),
        ]

    def __str__(self) -> str:
        return f"Thông báo xử lý dữ liệu cá nhân, phiên bản {self.version}"


class EndReason(models.TextChoices):
    WITHDRAWN = "withdrawn", "Phụ huynh rút lại"
    LAPSED = "lapsed", "Thông báo mới thay đổi mục đích: cần đồng ý lại"
    RENEWED = "renewed", "Đã đồng ý lại theo thông báo mới"


class Consent(models.Model):
    class Source(models.TextChoices):
        ONLINE = "online", "Phụ huynh đồng ý trên HoSo"
        PAPER = "paper", "Phiếu đồng ý bằng giấy (nhà trường ghi lại)"

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="privacy_consents"
    )
    # A consent about one child (publication: the child ≥ 7 also consents); empty: the guardian's.
    student = models.ForeignKey(
        "students.Student", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="consents")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ONLINE)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Why it stopped: the guardian withdrew, a new notice changed its purpose (asked again), or
    # the guardian answered the new notice (a new consent replaced this one).
    ended_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    # PUBLICATION of a child aged 7 or more: the child agreed too (the guardian ticks it).
    child_agreed = models.BooleanField("con đã đồng ý", default=False)
    paper_note = models.CharField("phiếu giấy (số, ngày ký)", max_length=200, blank=True)

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            # one live consent per (school, person, child, purpose); history keeps withdrawn ones
            models.UniqueConstraint(
                fields=["school", "user", "purpose"],
                condition=Q(withdrawn_at__isnull=True, student__isnull=True),
                name="privacy_consent_live",
            ),
            models.UniqueConstraint(
                fields=["school", "user", "student", "purpose"],
                condition=Q(withdrawn_at__isnull=True, student__isnull=False),
                name="privacy_consent_live_child",
            ),
        ]
        indexes = [models.Index(fields=["school", "purpose", "user"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.user_id})"


class PrivacySettings(models.Model):
    """A school's settings about personal data: the deadline to answer a parent's request
    (NĐ 13/2023 had 72 hours; NĐ 356/2025's deadline is UNCONFIRMED — the school sets it) and
    who parents contact about their data."""

    school = models.OneToOneField(
        "organisation.School", on_delete=models.CASCADE, related_name="privacy_settings"
    )
    request_hours = models.PositiveIntegerField("thời hạn trả lời yêu cầu (giờ)", default=72)
    contact = models.CharField("đầu mối liên hệ về dữ liệu cá nhân", max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Dữ liệu cá nhân: {self.school_id}"


class DataRequest(models.Model):
    """A guardian's request about the child's data (yêu cầu chỉnh sửa, xóa, hạn chế xử lý),
    tracked to its deadline. The change itself is made by the staff in the usual student form."""

    class Kind(models.TextChoices):
        CORRECT = "correct", "Chỉnh sửa"
        DELETE = "delete", "Xóa"
        RESTRICT = "restrict", "Hạn chế xử lý"

    class State(models.TextChoices):
        RECEIVED = "received", "Đã nhận"
        IN_PROGRESS = "in_progress", "Đang xử lý"
        DONE = "done", "Đã xong"
        REFUSED = "refused", "Từ chối (có lý do)"

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("loại yêu cầu", max_length=10, choices=Kind.choices)
    field = models.CharField("thông tin nào", max_length=120)
    what_is_wrong = models.TextField("sai ở đâu, vì sao", max_length=2000)
    right_value = models.CharField("thông tin đúng", max_length=500, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED)
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField("trả lời / lý do từ chối", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["school", "state", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.field}"

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.RECEIVED, self.State.IN_PROGRESS)
