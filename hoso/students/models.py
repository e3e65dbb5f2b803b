"""Students: profile (sơ yếu lý lịch), guardians, enrolments, the enrolment register (sổ đăng bộ)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from hoso.core.text import fold, full_name, name_sort_string, nfc
from hoso.organisation.models import Gender


class Student(models.Model):
    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="students"
    )
    student_code = models.CharField("mã học sinh", max_length=20)
    personal_id = models.CharField("mã định danh cá nhân", max_length=12, blank=True)
    family_name = models.CharField("họ", max_length=60)
    middle_name = models.CharField("tên đệm", max_length=60, blank=True)
    given_name = models.CharField("tên", max_length=40)
    gender = models.CharField("giới tính", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh")
    birth_place = models.CharField("nơi sinh", max_length=200, blank=True)
    ethnicity = models.CharField("dân tộc", max_length=40, default="Kinh")
    nationality = models.CharField("quốc tịch", max_length=40, default="Việt Nam")
    address = models.CharField("nơi ở hiện nay", max_length=300, blank=True)
    has_disability = models.BooleanField("khuyết tật", default=False)
    disability_note = models.CharField("dạng khuyết tật", max_length=200, blank=True)
    sort_name = models.CharField(max_length=1500, editable=False, db_index=True)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school_id", "sort_name"]
        verbose_name = "học sinh"
        constraints = [
            models.UniqueConstraint(fields=["school", "student_code"], name="student_unique_code"),
            models.UniqueConstraint(
                fields=["school", "personal_id"],
                condition=~Q(personal_id=""),
                name="student_unique_personal_id",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return full_name(self.family_name, self.middle_name, self.given_name)

    def refresh_name_keys(self) -> None:
        self.sort_name = name_sort_string(self.family_name, self.middle_name, self.given_name)[
            :1500
        ]
        self.search_name = fold(self.full_name)


class Guardian(models.Model):
    """Cha, mẹ, người giám hộ. A guardian with an account is a parent user."""

    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="guardians"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guardian_profiles",
    )
    full_name = models.CharField("họ và tên", max_length=200)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    occupation = models.CharField("nghề nghiệp", max_length=120, blank=True)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="guardian_unique_user"),
        ]

    def __str__(self) -> str:
        return self.full_name


class StudentGuardian(models.Model):
    class Relation(models.TextChoices):
        FATHER = "father", "Cha"
        MOTHER = "mother", "Mẹ"
        GUARDIAN = "guardian", "Người giám hộ"

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardian_links")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="student_links")
    relation = models.CharField(max_length=10, choices=Relation.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "guardian"], name="student_guardian_unique"),
        ]


class EnrolmentQuerySet(models.QuerySet):
    def studying(self) -> EnrolmentQuerySet:
        """Studying now ("đang học"): an active status and not ended — the one definition."""
        return self.filter(Enrolment.studying_q())

    def last_of_year(self) -> EnrolmentQuerySet:
        """Each student's last enrolment of its year: the class whose books carry the student's
        year (transcript, year results) — the current class, or the class it left the school
        from (transfer out, dropout). A class change or a return always starts a later one."""
        later = Enrolment.objects.filter(
            student_id=OuterRef("student_id"), year_id=OuterRef("year_id")
        ).filter(
            Q(start_date__gt=OuterRef("start_date"))
            | Q(start_date=OuterRef("start_date"), pk__gt=OuterRef("pk"))
        )
        return self.exclude(Exists(later))


class Enrolment(models.Model):
    """Student × class × year, with status and dates.

    ``end_date`` is the day a student left the class before the year ended (transfer out,
    dropout, class change). The end of the year itself is recorded by the year rollover in
    ``outcome`` and ``closed_on`` (promoted, repeating, completed): the student stays a member
    of last year's class for its books, transcripts and prints."""

    class Status(models.TextChoices):
        STUDYING = "studying", "Đang học"
        TRANSFERRED_IN = "transferred_in", "Chuyển đến"
        TRANSFERRED_OUT = "transferred_out", "Chuyển đi"
        DROPPED_OUT = "dropped_out", "Bỏ học"
        CLASS_CHANGED = "class_changed", "Chuyển lớp"

    class Outcome(models.TextChoices):
        PROMOTED = "promoted", "Lên lớp"
        REPEATING = "repeating", "Ở lại lớp"
        COMPLETED = "completed", "Hoàn thành chương trình cấp học"

    ACTIVE = (Status.STUDYING, Status.TRANSFERRED_IN)
    #: The ways of leaving a class during the year (the enrolment ends, the row stays).
    LEAVING = (Status.TRANSFERRED_OUT, Status.DROPPED_OUT, Status.CLASS_CHANGED)
    #: The ways of leaving the school itself (a class change stays in the school).
    LEAVING_SCHOOL = (Status.TRANSFERRED_OUT, Status.DROPPED_OUT)
    #: The start of the note a transfer out writes on the ended enrolment, then the destination
    #: school's name (``transfer_note``, ``destination``).
    TRANSFER_NOTE = "Chuyển đến "

    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="enrolments")
    year = models.ForeignKey("organisation.SchoolYear", on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(
        "organisation.SchoolClass", on_delete=models.PROTECT, related_name="enrolments"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.STUDYING)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    # Set when the year is rolled over: how the year ended for the student, and when.
    outcome = models.CharField(
        "kết quả cuối năm", max_length=10, choices=Outcome.choices, blank=True
    )
    closed_on = models.DateField("ngày kết thúc năm học", null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["school_class_id", "student__sort_name"]
        constraints = [
            # At most one current enrolment per student per year (class changes end the old one).
            models.UniqueConstraint(
                fields=["student", "year"],
                condition=Q(end_date__isnull=True),
                name="enrolment_one_open_per_year",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="enrolment_dates",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(closed_on__isnull=False),
                name="enrolment_outcome_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.school_class}"

    @classmethod
    def studying_q(cls, prefix: str = "") -> Q:
        """The condition of ``studying()``; ``prefix`` for a related lookup ("enrolments__")."""
        return Q(**{f"{prefix}status__in": cls.ACTIVE, f"{prefix}end_date__isnull": True})

    @property
    def is_studying(self) -> bool:
        return self.end_date is None and self.status in self.ACTIVE

    @property
    def left(self) -> bool:
        """Left the class during the year: kept in its lists, struck through."""
        return self.end_date is not None

    @property
    def left_school(self) -> bool:
        """Left the school during the year (transfer out, dropout), not only the class."""
        return self.end_date is not None and self.status in self.LEAVING_SCHOOL

    @classmethod
    def transfer_note(cls, school_name: str) -> str:
        """The note of a transfer out: "Chuyển đến <school>" (at most the field's 300 chars)."""
        return f"{cls.TRANSFER_NOTE}{nfc(school_name).strip()}"[:300]

    @property
    def destination(self) -> str:
        """The school a transferred-out student went to, read from the note ("" if unknown)."""
        if self.status != self.Status.TRANSFERRED_OUT or self.end_date is None:
            return ""
        note = nfc(self.note).strip()
        if note.startswith(self.TRANSFER_NOTE):
            return note[len(self.TRANSFER_NOTE) :].strip()
        return note

    @property
    def leaving_label(self) -> str:
        """ "Chuyển lớp 12/01/2027 — lý do" for the struck-through rows."""
        if self.end_date is None:
            return ""
        text = f"{self.get_status_display()} {self.end_date:%d/%m/%Y}"
        return f"{text} — {self.note}" if self.note else text


class RegisterCounter(models.Model):
    """The last enrolment-register number given by a school. Only ever grows."""

    school = models.OneToOneField("organisation.School", on_delete=models.PROTECT)
    last_number = models.PositiveIntegerField(default=0)


class RegisterEntry(models.Model):
    """Sổ đăng bộ: one permanent entry per student who ever enrolled; never deleted or reused."""

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT)
    number = models.PositiveIntegerField("số đăng bộ")
    student = models.OneToOneField(Student, on_delete=models.PROTECT, related_name="register_entry")
    entered_on = models.DateField("ngày nhập học")
    year_name = models.CharField(max_length=9)

    class Meta:
        ordering = ["school_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="register_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}/{self.year_name}"
