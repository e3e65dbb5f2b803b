from django.conf import settings
from django.db import models


class PrintJob(models.Model):
    """A background print: a batch of transcripts (a class, a grade or the school; progress in
    students, result = one merged PDF or a ZIP of one PDF per student) or a long document
    (``long_prints``: the enrolment register, a class book, ...; progress in steps: data, layout),
    kept in default_storage and downloadable only by the person who asked for it."""

    class Document(models.TextChoices):
        TRANSCRIPT = "transcript", "Học bạ"
        ENROLMENT_REGISTER = "enrolment_register", "Sổ đăng bộ"
        CLASS_BOOK = "class_book", "Sổ theo dõi và đánh giá học sinh"
        STAFF_REGISTER = "staff_register", "Sổ quản lý cán bộ, giáo viên, nhân viên"
        APPROVED_LIST = "approved_list", "Danh sách"

    class Scope(models.TextChoices):
        CLASS = "class", "Một lớp"
        GRADE = "grade", "Một khối"
        SCHOOL = "school", "Toàn trường"

    class Output(models.TextChoices):
        PDF = "pdf", "Một tệp PDF gộp"
        ZIP = "zip", "Tệp ZIP, mỗi học sinh một PDF"

    class State(models.TextChoices):
        QUEUED = "queued", "Đang chờ"
        RUNNING = "running", "Đang in"
        DONE = "done", "Đã xong"
        FAILED = "failed", "Lỗi"
        CANCELLED = "cancelled", "Đã hủy"

    school = models.ForeignKey("organisation.School", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey("organisation.SchoolYear", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    document = models.CharField(
        max_length=20, choices=Document.choices, default=Document.TRANSCRIPT
    )
    params = models.JSONField(default=dict, blank=True)  # a long document's (period, list)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    school_class = models.ForeignKey(
        "organisation.SchoolClass",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grade = models.ForeignKey(
        "organisation.GradeLevel", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    output = models.CharField(max_length=3, choices=Output.choices, default=Output.PDF)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=300, blank=True)  # path in default_storage
    download_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "state"])]

    def __str__(self) -> str:
        if self.is_transcripts:
            return f"Lô in #{self.pk} ({self.get_scope_display()})"
        return f"Lô in #{self.pk} ({self.get_document_display()})"

    @property
    def is_transcripts(self) -> bool:
        return self.document == self.Document.TRANSCRIPT

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED, self.State.CANCELLED)
