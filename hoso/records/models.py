"""Electronic records (hồ sơ điện tử): the type catalogue, default folders, obligations
(one owner × type × period), submitted file versions and the approval history.

See docs/RECORDS.md for the life cycle. Timeliness (on time / late / missing) is derived, never
stored: `timeliness.py`.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from hoso.core import badges


class OwnerKind(models.TextChoices):
    SCHOOL = "school", "Nhà trường"
    DEPARTMENT = "department", "Tổ chuyên môn"
    OFFICE_TEAM = "office_team", "Tổ văn phòng"
    TEACHER = "teacher", "Giáo viên"
    HOMEROOM = "homeroom", "Giáo viên chủ nhiệm"
    YOUTH_LEADER = "youth_leader", "Tổng phụ trách Đội"
    # Added: records kept by one office position (staff register, finance books).
    CLERK = "clerk", "Văn thư"
    ACCOUNTANT = "accountant", "Kế toán"


# Owner kinds whose obligations belong to one person (owner_staff) / to a team (owner_department).
#: the longest delegation label a decision keeps ("thay … (Tổ trưởng …)")
ACTING_AS_CHARS = 200

PERSONAL_OWNER_KINDS = frozenset(
    {
        OwnerKind.TEACHER,
        OwnerKind.HOMEROOM,
        OwnerKind.YOUTH_LEADER,
        OwnerKind.CLERK,
        OwnerKind.ACCOUNTANT,
    }
)
TEAM_OWNER_KINDS = frozenset({OwnerKind.DEPARTMENT, OwnerKind.OFFICE_TEAM})


class ScheduleKind(models.TextChoices):
    WEEKLY = "weekly", "Hằng tuần"
    MONTHLY = "monthly", "Hằng tháng"
    TERM = "term", "Theo học kỳ"
    YEARLY = "yearly", "Hằng năm"
    EVENT = "event", "Theo sự kiện"
    ONCE = "once", "Một lần"


class ObligationState(models.TextChoices):
    PENDING = "pending", "Chưa nộp"
    DRAFT = "draft", "Bản nháp"
    SUBMITTED = "submitted", "Đã nộp, chờ duyệt"
    RETURNED = "returned", "Trả lại để sửa"
    APPROVED = "approved", "Đã duyệt"


class Timeliness(models.TextChoices):
    """Derived, never stored (see timeliness.py)."""

    ON_TIME = "on_time", "Đúng hạn"
    LATE = "late", "Nộp muộn"
    MISSING = "missing", "Chưa nộp (quá hạn)"
    NOT_DUE = "not_due", "Chưa đến hạn"


def _approval_step(ob) -> str:
    """ "(2/3)" on a submission awaiting the 2nd of 3 approvals."""
    if ob.state == ObligationState.SUBMITTED and len(ob.chain or []) > 1:
        return f"({ob.current_step + 1}/{len(ob.chain)})"
    return ""


badges.register(
    "records.obligation",
    ObligationState,
    {
        ObligationState.APPROVED: badges.OK,
        ObligationState.RETURNED: badges.ERR,
        ObligationState.SUBMITTED: badges.WARN,
    },
    detail=_approval_step,
)
badges.register(
    "records.timeliness",
    Timeliness,
    {Timeliness.ON_TIME: badges.OK, Timeliness.LATE: badges.WARN, Timeliness.MISSING: badges.ERR},
    field="timeliness",
)


class RecordType(models.Model):
    """Loại hồ sơ in one school's catalogue (seeded from catalogue.py, edited by leaders)."""

    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="record_types"
    )
    code = models.SlugField("mã loại hồ sơ", max_length=60)
    name = models.CharField("tên loại hồ sơ", max_length=200)
    description = models.TextField("mô tả", blank=True)
    # Level scope: list of organisation.Level values; empty = every level of the school.
    levels = models.JSONField("cấp học áp dụng", default=list, blank=True)
    legal_basis = models.CharField("căn cứ", max_length=200, blank=True)
    owner_kind = models.CharField("chủ sở hữu", max_length=20, choices=OwnerKind.choices)
    # Ordered approver role codes (hoso.accounts.roles.Role values), e.g.
    # ["department_head", "vice_principal"]; empty = filed without approval.
    chain = models.JSONField("quy trình duyệt", default=list, blank=True)
    schedule_kind = models.CharField("lịch nộp", max_length=10, choices=ScheduleKind.choices)
    # Parameters of the schedule (see schedules.py):
    #   weekly  {"weekday": 4, "time": "17:00", "week_offset": -1}
    #   monthly {"day": 5, "time": "17:00"} | {"nth_weekday": [1, 0]} | {"day": -1} (last day)
    #   term    {"week": 2, "weekday": 4} | {"days_after_start": 14} | {"days_before_end": 0}
    #   yearly  {"month": 9, "day": 30, "time": "17:00"}
    #   event   {"event": "doi_congress", "days_after": 2}
    #   once    {"date": "2026-09-20", "time": "17:00"}
    schedule = models.JSONField("tham số lịch", default=dict, blank=True)
    retention_years = models.PositiveSmallIntegerField(
        "thời hạn lưu trữ (năm)", null=True, blank=True
    )  # null = vĩnh viễn
    signature_required = models.BooleanField("cần ký số", default=False)
    is_active = models.BooleanField("đang áp dụng", default=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["school_id", "order", "name"]
        verbose_name = "loại hồ sơ"
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="recordtype_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_permanent(self) -> bool:
        return self.retention_years is None


class Folder(models.Model):
    """Thư mục mặc định: school year → owner → record type → period."""

    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="record_folders"
    )
    year = models.ForeignKey(
        "organisation.SchoolYear", on_delete=models.PROTECT, related_name="record_folders"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField("tên thư mục", max_length=200)
    owner_kind = models.CharField(max_length=20, choices=OwnerKind.choices, blank=True)
    owner_staff = models.ForeignKey(
        "organisation.Staff",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="record_folders",
    )
    owner_department = models.ForeignKey(
        "organisation.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="record_folders",
    )
    record_type = models.ForeignKey(
        RecordType, null=True, blank=True, on_delete=models.PROTECT, related_name="folders"
    )
    period_key = models.CharField(max_length=20, blank=True)
    # Machine key, unique per year, so that sync finds a folder again after a rename.
    key = models.CharField(max_length=200)

    class Meta:
        ordering = ["year_id", "parent_id", "name"]
        verbose_name = "thư mục hồ sơ"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "parent", "name"],
                condition=Q(parent__isnull=False),
                name="folder_unique_name_in_parent",
            ),
            models.UniqueConstraint(
                fields=["year", "name"],
                condition=Q(parent__isnull=True),
                name="folder_unique_root_name",
            ),
            models.UniqueConstraint(fields=["year", "key"], name="folder_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name


class RecordEvent(models.Model):
    """An event that starts event-driven obligations (e.g. the Đội congress)."""

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey(
        "organisation.SchoolYear", on_delete=models.PROTECT, related_name="record_events"
    )
    event = models.CharField("sự kiện", max_length=60)  # matches RecordType.schedule["event"]
    label = models.CharField("tên sự kiện", max_length=200)
    occurred_on = models.DateField("ngày diễn ra")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year_id", "occurred_on"]


class Obligation(models.Model):
    """One (owner, record type, period): what must be submitted, by when, and where it stands."""

    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="record_obligations"
    )
    year = models.ForeignKey(
        "organisation.SchoolYear", on_delete=models.PROTECT, related_name="record_obligations"
    )
    record_type = models.ForeignKey(
        RecordType, on_delete=models.PROTECT, related_name="obligations"
    )
    folder = models.ForeignKey(Folder, on_delete=models.PROTECT, related_name="obligations")
    owner_kind = models.CharField(max_length=20, choices=OwnerKind.choices)
    owner_staff = models.ForeignKey(
        "organisation.Staff",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="record_obligations",
    )
    owner_department = models.ForeignKey(
        "organisation.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="record_obligations",
    )
    period_key = models.CharField(max_length=20)  # "2026-W07", "2026-10", "HK1", "YEAR", "EV12"
    period_label = models.CharField(max_length=120)  # "Tuần 7 (13/10–19/10)"
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    due_at = models.DateTimeField("hạn nộp")
    state = models.CharField(
        max_length=10, choices=ObligationState.choices, default=ObligationState.PENDING
    )
    current_step = models.PositiveSmallIntegerField(default=0)  # index into record_type.chain
    # Role code of chain[current_step] while SUBMITTED, else "": lets an inbox filter in SQL.
    awaiting_role = models.CharField(max_length=40, blank=True, db_index=True)
    # Chain copied when first submitted, so that editing the type does not move work in flight.
    chain = models.JSONField(default=list, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_count = models.PositiveSmallIntegerField(default=0)
    # The last check by a vice principal / the principal (kiểm tra), beside the approval chain.
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # False when the owner left or the type was deactivated before anything was submitted:
    # kept (never deleted once it exists) but no longer required.
    is_active = models.BooleanField(default=True)
    event = models.ForeignKey(
        RecordEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="obligations"
    )

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = "nghĩa vụ nộp hồ sơ"
        indexes = [
            models.Index(fields=["school", "year", "due_at"], name="obligation_school_due"),
            models.Index(fields=["year", "state"], name="obligation_year_state"),
        ]
        constraints = [
            # (record_type, owner_staff, owner_department, period_key) unique with NULLs not
            # distinct, spelt as partial constraints that SQLite and PostgreSQL both enforce.
            models.UniqueConstraint(
                fields=["record_type", "owner_staff", "period_key"],
                condition=Q(owner_staff__isnull=False, owner_department__isnull=True),
                name="obligation_unique_staff_period",
            ),
            models.UniqueConstraint(
                fields=["record_type", "owner_department", "period_key"],
                condition=Q(owner_staff__isnull=True, owner_department__isnull=False),
                name="obligation_unique_department_period",
            ),
            models.UniqueConstraint(
                fields=["record_type", "period_key"],
                condition=Q(owner_staff__isnull=True, owner_department__isnull=True),
                name="obligation_unique_school_period",
            ),
            models.CheckConstraint(
                condition=Q(owner_staff__isnull=True) | Q(owner_department__isnull=True),
                name="obligation_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} — {self.period_label}"


def submission_upload_to(instance: Submission, filename: str) -> str:
    """records/<school>/<year>/<type>/<obligation>/<sha256 prefix>-<random>.<ext>

    No version in the name: the file is stored before the version is allocated under the
    obligation's row lock (see actions.submission_upload)."""
    ob = instance.obligation
    ext = ""
    if "." in filename:
        ext = "." + filename.rsplit(".", 1)[1].lower()[:8]
    return (
        f"records/{ob.school_id}/{ob.year_id}/{ob.record_type_id}/"
        f"{ob.pk}/{instance.sha256[:16]}-{secrets.token_hex(4)}{ext}"
    )


class Submission(models.Model):
    """One uploaded file version of an obligation. Never deleted, never overwritten."""

    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="submissions")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=submission_upload_to, max_length=300)
    original_name = models.CharField("tên tệp", max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="record_submissions"
    )
    uploaded_at = models.DateTimeField()
    note = models.CharField("ghi chú", max_length=500, blank=True)
    # Filled by the background text extraction (search).
    text = models.TextField(blank=True)
    text_folded = models.TextField(blank=True)
    text_extracted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["obligation_id", "version"]
        verbose_name = "tệp hồ sơ"
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "version"], name="submission_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.version})"


class DecisionKind(models.TextChoices):
    SUBMIT = "submit", "Nộp"
    APPROVE = "approve", "Duyệt"
    RETURN = "return", "Trả lại"
    RESUBMIT = "resubmit", "Nộp lại"
    WITHDRAW = "withdraw", "Rút lại"
    CHECK = (
        "check",
        "Kiểm tra",
    )  # a leader's review beside the chain (SPEC §4: "vice principal checks")


class Decision(models.Model):
    """The approval history of an obligation (append-only)."""

    Kind = DecisionKind

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="decisions")
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    step = models.PositiveSmallIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="record_decisions"
    )
    # role code, or the delegation's label "thay <người ủy quyền> (Tổ trưởng <tổ>)"
    acting_as = models.CharField(max_length=ACTING_AS_CHARS, blank=True)
    kind = models.CharField(max_length=10, choices=DecisionKind.choices)
    comment = models.TextField("nhận xét", blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["obligation_id", "at", "id"]
        verbose_name = "quyết định duyệt"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.obligation}"
