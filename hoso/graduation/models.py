"""Completion and graduation (WAVE2 §2.4).

Lower secondary (THCS) graduation is recognised per TT 31/2023/TT-BGDĐT: a round of review
(``GraduationRound``: at most two a year for the general programme, the second only before the
new year starts), its council (``CouncilMember``: at least seven members, an odd number), one
``Candidate`` row per grade-9 student with the outcome and reason of each condition (age, the
programme completed, the dossier), the proposal to the school's superior body and its
recognition decision. The diplomas handed out are written in the diploma-issue book
(``DiplomaBook`` / ``DiplomaEntry``: sổ cấp phát văn bằng, kept permanently): numbered, never
deleted, corrected with an audit trail.

Primary completion (hoàn thành chương trình tiểu học) needs no row of its own: it is read from
the grade book's approved year results (``selectors.primary_completion``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from hoso.core import badges


class Programme(models.TextChoices):
    GENERAL = "general", "Chương trình giáo dục phổ thông"
    CONTINUING = "continuing", "Chương trình giáo dục thường xuyên"


class GraduationRound(models.Model):
    """Một đợt xét công nhận tốt nghiệp THCS."""

    class State(models.TextChoices):
        DRAFT = "draft", "Đang chuẩn bị"
        REVIEWED = "reviewed", "Hội đồng đã xét"
        PROPOSED = "proposed", "Đã gửi đề nghị công nhận"
        RECOGNISED = "recognised", "Đã có quyết định công nhận"

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey("organisation.SchoolYear", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField("đợt")
    programme = models.CharField(max_length=12, choices=Programme.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    review_date = models.DateField("ngày họp xét")
    # The decision that set up the council (by the commune People's Committee chairman since
    # TT 26/2025), when the school has it.
    council_decision = models.CharField("quyết định thành lập hội đồng", max_length=120, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minutes_note = models.TextField("ý kiến, kết luận của hội đồng", max_length=4000, blank=True)
    # The proposal (tờ trình) to the superior body, and the body's name as it was sent.
    proposal_number = models.CharField("số tờ trình", max_length=60, blank=True)
    proposal_date = models.DateField("ngày tờ trình", null=True, blank=True)
    authority = models.CharField("cấp công nhận", max_length=300, blank=True)
    # The recognition decision, as it came back.
    decision_number = models.CharField("số quyết định công nhận", max_length=60, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decision_signer = models.CharField("người ký quyết định", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["year_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "number"], name="graduation_round_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="graduation_round_number"),
        ]

    def __str__(self) -> str:
        return f"Xét công nhận tốt nghiệp THCS đợt {self.number}"


badges.register(
    "graduation.round",
    GraduationRound.State,
    {
        GraduationRound.State.DRAFT: badges.WARN,
        GraduationRound.State.REVIEWED: badges.WARN,
        GraduationRound.State.PROPOSED: badges.OK,
        GraduationRound.State.RECOGNISED: badges.OK,
    },
)


class CouncilMember(models.Model):
    """A member of the round's council (hội đồng xét công nhận tốt nghiệp), from the staff."""

    class Role(models.TextChoices):
        CHAIR = "chair", "Chủ tịch"
        VICE_CHAIR = "vice_chair", "Phó Chủ tịch"
        SECRETARY = "secretary", "Thư ký"
        MEMBER = "member", "Ủy viên"

    class Kind(models.TextChoices):
        PRINCIPAL = "principal", "Hiệu trưởng"
        VICE_PRINCIPAL = "vice_principal", "Phó hiệu trưởng"
        DEPARTMENT_HEAD = "department_head", "Tổ trưởng chuyên môn"
        HOMEROOM = "homeroom", "Giáo viên chủ nhiệm lớp 9"
        YOUTH = "youth", "Đại diện Đoàn / Đội"
        OTHER = "other", "Thành viên khác"

    round = models.ForeignKey(GraduationRound, on_delete=models.CASCADE, related_name="members")
    staff = models.ForeignKey("organisation.Staff", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("nhiệm vụ", max_length=12, choices=Role.choices)
    kind = models.CharField("thành phần", max_length=16, choices=Kind.choices)

    class Meta:
        ordering = ["round_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "staff"], name="graduation_member_unique"),
        ]


class Candidate(models.Model):
    """One grade-9 student reviewed in a round: each condition with its outcome and reason.

    ``conditions``: {"age": {"ok", "reason"}, "programme": {...}, "dossier": {...}} as the
    last review found them; ``dossier``: {item code: handed in}; ``age_exception``: why an age
    outside the limit is accepted (returnee, late start… — TT 31/2023 Điều 4), blank if none."""

    round = models.ForeignKey(GraduationRound, on_delete=models.CASCADE, related_name="candidates")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.PROTECT, related_name="+"
    )
    enrolment = models.ForeignKey("students.Enrolment", on_delete=models.PROTECT, related_name="+")
    dossier = models.JSONField(default=dict, blank=True)
    has_priority = models.BooleanField("thuộc diện ưu tiên", default=False)
    age_exception = models.CharField("lý do ngoại lệ về tuổi", max_length=300, blank=True)
    conditions = models.JSONField(default=dict, blank=True)
    eligible = models.BooleanField(default=False)
    recognised = models.BooleanField(default=False)

    class Meta:
        ordering = ["round_id", "school_class__name", "student__sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "student"], name="graduation_candidate_unique"
            ),
        ]


class DiplomaBook(models.Model):
    """Sổ cấp phát văn bằng: one book per school and year, numbered per school (quyển số)."""

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey("organisation.SchoolYear", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField("quyển số")
    # The last entry number given: only ever grows (a voided entry keeps its number).
    last_entry = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="diploma_book_one_per_year"),
            models.UniqueConstraint(fields=["school", "number"], name="diploma_book_number"),
        ]


class DiplomaEntry(models.Model):
    """One diploma written in the book. Never deleted: corrected (audited) or voided."""

    class Receiver(models.TextChoices):
        SELF = "self", "Người được cấp"
        AUTHORISED = "authorised", "Người được ủy quyền"

    book = models.ForeignKey(DiplomaBook, on_delete=models.PROTECT, related_name="entries")
    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    entry_number = models.PositiveIntegerField("số thứ tự")
    student = models.ForeignKey("students.Student", on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(
        GraduationRound, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    serial_number = models.CharField("số hiệu văn bằng", max_length=40)
    register_number = models.CharField("số vào sổ cấp bằng", max_length=40)
    received_on = models.DateField("ngày nhận", null=True, blank=True)
    receiver = models.CharField(max_length=12, choices=Receiver.choices, default=Receiver.SELF)
    authorised_name = models.CharField("người nhận thay", max_length=200, blank=True)
    authorised_id_number = models.CharField("số CCCD người nhận thay", max_length=20, blank=True)
    note = models.CharField("ghi chú", max_length=500, blank=True)
    voided = models.BooleanField("đã hủy dòng", default=False)
    void_reason = models.CharField("lý do hủy", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["book_id", "entry_number"]
        constraints = [
            models.UniqueConstraint(fields=["book", "entry_number"], name="diploma_entry_number"),
            models.UniqueConstraint(
                fields=["school", "serial_number"],
                condition=Q(voided=False),
                name="diploma_serial_unique",
            ),
            models.UniqueConstraint(
                fields=["book", "register_number"],
                condition=Q(voided=False),
                name="diploma_register_unique",
            ),
            models.CheckConstraint(
                condition=Q(receiver="self")
                | (~Q(authorised_name="") & ~Q(authorised_id_number="")),
                name="diploma_authorised_identified",
            ),
        ]
