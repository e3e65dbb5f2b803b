"""Batch printing: ask for a job (checked, audited, queued after commit), run it in the
background (progress done/total, one merged PDF or a ZIP), download it (requester only)."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import secrets
import zipfile
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from hoso.accounts.actor import Actor
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.text import fold
from hoso.organisation.models import GradeLevel
from hoso.printing import long_prints
from hoso.printing.errors import PrintingError
from hoso.printing.models import PrintJob
from hoso.printing.policies import access_print_class, require_school_printer
from hoso.students.models import Enrolment

logger = logging.getLogger("hoso")

MAX_OPEN_JOBS = 3  # unfinished jobs per person: a double click does not print the school twice
STALE_AFTER = timedelta(hours=1)
CHUNK = 15  # students per Typst compilation in a batch
LONG_STEPS = 2  # a long document's progress: 1 = its data read, 2 = laid out (all pages)


def _scope_classes(job: PrintJob):
    from hoso.organisation.models import SchoolClass

    qs = SchoolClass.objects.filter(year=job.year).select_related("grade", "year")
    if job.scope == PrintJob.Scope.CLASS:
        qs = qs.filter(pk=job.school_class_id)
    elif job.scope == PrintJob.Scope.GRADE:
        qs = qs.filter(grade=job.grade_id)
    return list(qs.order_by("grade__number", "name"))


def job_students(job: PrintJob) -> list[tuple[object, object]]:
    """(class, student) pairs of the job's scope, classes in order, students in class-list order:
    the students whose year each class carries (``last_of_year``: the members now and those who
    left the school from it during the year — their transcript is needed exactly then)."""
    classes = _scope_classes(job)
    by_class: dict[int, list] = {c.pk: [] for c in classes}
    for e in (
        Enrolment.objects.last_of_year()
        .filter(school_class__in=classes)
        .select_related("student")
        .order_by("student__sort_name", "student__student_code")
    ):
        by_class[e.school_class_id].append(e.student)
    return [(c, s) for c in classes for s in by_class[c.pk]]


def job_create(
    *,
    actor: Actor,
    scope: str,
    output: str,
    class_id: int | None = None,
    grade_id: int | None = None,
) -> PrintJob:
    """Ask for the transcripts of a class (its homeroom teacher, leaders, clerk), a grade or the
    school (leaders, clerk). Queued after commit; audited."""
    if scope not in PrintJob.Scope.values:
        raise DomainError(PrintingError.BAD_SCOPE, "Phạm vi in không hợp lệ.", field="scope")
    if output not in PrintJob.Output.values:
        raise DomainError(PrintingError.BAD_FORMAT, "Định dạng tệp không hợp lệ.", field="output")
    school_class = grade = None
    if scope == PrintJob.Scope.CLASS:
        if class_id is None:
            raise DomainError(PrintingError.BAD_SCOPE, "Hãy chọn lớp.", field="class_id")
        school_class = access_print_class(actor, class_id)
    else:
        require_school_printer(actor, f"lô in {scope}")
        if scope == PrintJob.Scope.GRADE:
            grade = GradeLevel.objects.filter(pk=grade_id or 0, school=actor.school).first()
            if grade is None:
                raise DomainError(PrintingError.BAD_SCOPE, "Hãy chọn khối.", field="grade_id")
    with transaction.atomic():
        # One person's requests one after the other (two clicks, two tabs): lock their user row,
        # then count. A job stuck for an hour (a worker killed) no longer counts.
        get_user_model().objects.select_for_update().filter(pk=actor.user.pk).first()
        open_jobs = PrintJob.objects.filter(
            requested_by=actor.user,
            state__in=(PrintJob.State.QUEUED, PrintJob.State.RUNNING),
            created_at__gte=clock.now() - STALE_AFTER,
        ).count()
        if open_jobs >= MAX_OPEN_JOBS:
            raise DomainError(
                PrintingError.TOO_MANY_JOBS,
                f"Bạn đang có {open_jobs} lô in chưa xong; hãy chờ một lô xong rồi in tiếp.",
            )
        job = PrintJob(
            school=actor.school,
            year=actor.year,
            requested_by=actor.user,
            scope=scope,
            school_class=school_class,
            grade=grade,
            output=output,
        )
        job.total = len(job_students(job))
        if job.total == 0:
            raise DomainError(PrintingError.NOTHING_TO_PRINT, "Không có học sinh nào để in.")
        job.save()
        audit_record(
            event_type="printing.job_requested",
            actor=actor.user,
            school_id=actor.school_id,
            target=job,
            after={
                "document": job.document,
                "scope": scope,
                "class": school_class.name if school_class else None,
                "grade": grade.number if grade else None,
                "output": output,
                "total": job.total,
            },
        )
        _enqueue_after_commit(job.pk)
    return job


def _open_jobs(actor: Actor):
    return PrintJob.objects.filter(
        requested_by=actor.user,
        school=actor.school,
        state__in=(PrintJob.State.QUEUED, PrintJob.State.RUNNING),
        created_at__gte=clock.now() - STALE_AFTER,
    )


def identical_open_job(candidate: PrintJob) -> PrintJob | None:
    """The same person's queued or running job for the same document (same year, class and
    parameters), if any: asking twice follows the first one."""
    for job in PrintJob.objects.filter(
        requested_by_id=candidate.requested_by_id,
        school_id=candidate.school_id,
        year_id=candidate.year_id,
        document=candidate.document,
        school_class_id=candidate.school_class_id,
        state__in=(PrintJob.State.QUEUED, PrintJob.State.RUNNING),
        created_at__gte=clock.now() - STALE_AFTER,
    ):
        if job.params == candidate.params:
            return job
    return None


def document_job_create(
    *, actor: Actor, document: str, class_id: int | None = None, params: dict | None = None
) -> tuple[PrintJob, bool]:
    """Ask for a long document (``long_prints``: the enrolment register, a class book, ...) to be
    printed by the worker. The same person's identical queued or running job is reused (returns
    it with False); otherwise a new job is created (True), audited and queued after commit."""
    candidate = long_prints.prepare(
        actor=actor, document=document, class_id=class_id, params=params
    )
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=actor.user.pk).first()
        same = identical_open_job(candidate)
        if same is not None:
            return same, False
        open_jobs = _open_jobs(actor).count()
        if open_jobs >= MAX_OPEN_JOBS:
            raise DomainError(
                PrintingError.TOO_MANY_JOBS,
                f"Bạn đang có {open_jobs} lô in chưa xong; hãy chờ một lô xong rồi in tiếp.",
            )
        job = candidate
        job.total = LONG_STEPS
        job.save()
        audit_record(
            event_type="printing.job_requested",
            actor=actor.user,
            school_id=actor.school_id,
            target=job,
            after={
                "document": job.document,
                "class": job.school_class.name if job.school_class else None,
                "params": job.params,
                "estimated_pages": long_prints.estimated_pages(job),
            },
        )
        _enqueue_after_commit(job.pk)
    return job, True


def _enqueue_after_commit(pk: int) -> None:
    def enqueue() -> None:
        from hoso.printing.tasks import run_print_job

        try:
            run_print_job.enqueue(pk)
        except Exception:
            logger.exception("Could not enqueue print job %s", pk)
            _fail(pk, "Không đưa được lô in vào hàng đợi; hãy thử lại.")

    transaction.on_commit(enqueue)


def _owned(actor: Actor, job: PrintJob, states: tuple[str, ...], what: str) -> PrintJob:
    locked = PrintJob.objects.select_for_update().get(pk=job.pk)
    if locked.requested_by_id != actor.user.pk:
        raise DomainError(PrintingError.JOB_NOT_YOURS, f"Chỉ người yêu cầu lô in mới {what} được.")
    if locked.state not in states:
        raise DomainError(
            PrintingError.JOB_BAD_STATE,
            f"Lô in đang ở trạng thái “{locked.get_state_display()}”, không {what} được.",
        )
    return locked


def job_cancel(*, actor: Actor, job: PrintJob) -> PrintJob:
    """The requester drops a job still waiting for the worker (→ CANCELLED): the run locks the
    job and finds it cancelled, so nothing is printed."""
    with transaction.atomic():
        locked = _owned(actor, job, (PrintJob.State.QUEUED,), "hủy")
        locked.state, locked.finished_at = PrintJob.State.CANCELLED, clock.now()
        locked.save(update_fields=["state", "finished_at"])
        audit_record(
            event_type="printing.job_cancelled",
            actor=actor.user,
            school_id=locked.school_id,
            target=locked,
            before={"state": PrintJob.State.QUEUED},
            after={"state": locked.state},
        )
    return locked


def job_retry(*, actor: Actor, job: PrintJob) -> PrintJob:
    """The requester runs a failed job again (→ QUEUED, progress from zero)."""
    with transaction.atomic():
        locked = _owned(actor, job, (PrintJob.State.FAILED,), "in lại")
        before = {"state": locked.state, "error": locked.error[:300]}
        locked.state, locked.error = PrintJob.State.QUEUED, ""
        locked.done, locked.started_at, locked.finished_at = 0, None, None
        locked.save(update_fields=["state", "error", "done", "started_at", "finished_at"])
        audit_record(
            event_type="printing.job_retried",
            actor=actor.user,
            school_id=locked.school_id,
            target=locked,
            before=before,
            after={"state": locked.state},
        )
        _enqueue_after_commit(locked.pk)
    return locked


def job_worker_lost(*, job_id: int, give_up: bool) -> bool:
    """The worker running the job died (``core.jobs``): the job goes back to the queue (True:
    run it again) or, lost too often, fails visibly. Nothing was stored: the file is saved only
    at the end, with the job marked done in the same transaction."""
    with transaction.atomic():
        job = PrintJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state not in (PrintJob.State.QUEUED, PrintJob.State.RUNNING):
            return False
        if give_up:
            _fail(job_id, "Tiến trình nền dừng đột ngột nhiều lần khi đang in; bấm “In lại”.")
            return False
        before = job.state
        job.state, job.started_at, job.done = PrintJob.State.QUEUED, None, 0
        job.save(update_fields=["state", "started_at", "done"])
        audit_record(
            event_type="printing.job_requeued",
            actor=job.requested_by,
            school_id=job.school_id,
            target=job,
            before={"state": before},
            after={"state": job.state},
        )
    return True


def _fail(job_id: int, message: str) -> None:
    with transaction.atomic():
        job = PrintJob.objects.select_for_update().get(pk=job_id)
        if job.finished:
            return
        before = {"state": job.state}
        job.state, job.error, job.finished_at = PrintJob.State.FAILED, message, clock.now()
        job.save(update_fields=["state", "error", "finished_at"])
        audit_record(
            event_type="printing.job_failed",
            actor=job.requested_by,
            school_id=job.school_id,
            target=job,
            before=before,
            after={"state": job.state, "error": message[:300]},
        )


def _file_base(job: PrintJob) -> str:
    if job.scope == PrintJob.Scope.CLASS:
        label = f"lop-{job.school_class.name}"
    elif job.scope == PrintJob.Scope.GRADE:
        label = f"khoi-{job.grade.number}"
    else:
        label = "toan-truong"
    return re.sub(r"[^a-z0-9._-]+", "-", fold(f"hoc-ba-{label}-{job.year.name}")).strip("-")


def job_run(job_id: int) -> PrintJob:
    """Render the job (transcripts or a long document), report progress, store the result."""
    with transaction.atomic():
        job = PrintJob.objects.select_for_update().get(pk=job_id)
        if job.state != PrintJob.State.QUEUED:
            return job  # run twice by the queue: the first run owns it
        job.state, job.started_at = PrintJob.State.RUNNING, clock.now()
        job.save(update_fields=["state", "started_at"])
        audit_record(
            event_type="printing.job_started",
            actor=job.requested_by,
            school_id=job.school_id,
            target=job,
            before={"state": PrintJob.State.QUEUED},
            after={"state": job.state},
        )
    try:
        if job.is_transcripts:
            content, pages, base, details = _render_transcripts(job)
        else:
            content, pages, base, details = _render_long_document(job)
        token = secrets.token_hex(8)
        ext = job.output
        stored = default_storage.save(
            f"print-jobs/{job.school_id}/{job.pk}-{token}.{ext}", ContentFile(content)
        )
        claimed_at = job.started_at
        with transaction.atomic():
            job = PrintJob.objects.select_for_update().get(pk=job.pk)
            if job.state != PrintJob.State.RUNNING or job.started_at != claimed_at:
                # this run was declared lost and the job handed to another (or cancelled)
                default_storage.delete(stored)
                return job
            job.state, job.finished_at = PrintJob.State.DONE, clock.now()
            job.file_name, job.download_name, job.pages = stored, f"{base}.{ext}", pages
            job.save(update_fields=["state", "finished_at", "file_name", "download_name", "pages"])
            audit_record(
                event_type="printing.job_done",
                actor=job.requested_by,
                school_id=job.school_id,
                target=job,
                before={"state": PrintJob.State.RUNNING},
                after={
                    "state": job.state,
                    **details,
                    "pages": pages,
                    "bytes": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                },
            )
        return job
    except Exception as exc:
        logger.exception("Print job %s failed", job_id)
        message = exc.message if isinstance(exc, DomainError) else "Lỗi khi tạo tệp in."
        _fail(job_id, message)
        return PrintJob.objects.get(pk=job_id)


def _render_transcripts(job: PrintJob) -> tuple[bytes, int, str, dict]:
    """Every transcript of the job, CHUNK students per Typst compilation (several times faster
    than one per student), progress reported after each chunk."""
    from pypdf import PdfReader, PdfWriter

    from hoso.printing.documents import render_transcripts, split_transcripts

    pairs = job_students(job)
    PrintJob.objects.filter(pk=job.pk).update(total=len(pairs))
    merged = PdfWriter() if job.output == PrintJob.Output.PDF else None
    buf = io.BytesIO()
    archive = (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)
        if job.output == PrintJob.Output.ZIP
        else None
    )
    pages = 0
    for offset in range(0, len(pairs), CHUNK):
        chunk = pairs[offset : offset + CHUNK]
        pdf = render_transcripts(_chunk_data(chunk))
        if merged is not None:
            before = len(merged.pages)
            merged.append(PdfReader(io.BytesIO(pdf)), import_outline=True)
            pages += len(merged.pages) - before
        else:
            parts = split_transcripts(pdf)
            for n, ((school_class, student), part) in enumerate(zip(chunk, parts, strict=True)):
                pages += len(PdfReader(io.BytesIO(part)).pages)
                name = re.sub(
                    r"[^a-z0-9._-]+",
                    "-",
                    fold(f"{school_class.name}-{offset + n + 1:04d}-{student.student_code}"),
                )
                archive.writestr(f"{name}.pdf", part)
        PrintJob.objects.filter(pk=job.pk).update(done=offset + len(chunk))
    if merged is not None:
        merged.write(buf)
    else:
        archive.close()
    return buf.getvalue(), pages, _file_base(job), {"students": len(pairs)}


def _render_long_document(job: PrintJob) -> tuple[bytes, int, str, dict]:
    """A long document in LONG_STEPS steps: its data (the queries), then its layout (one Typst
    compilation: every page at once, so the page numbers and the last page's signatures stay
    those of the document printed directly)."""
    from pypdf import PdfReader

    PrintJob.objects.filter(pk=job.pk).update(total=LONG_STEPS, done=0)
    data = long_prints.build(job)
    rows = sum(len(section.get("rows", [])) for section in data.get("sections", []))
    PrintJob.objects.filter(pk=job.pk).update(done=1)
    content = long_prints.render(job, data)
    PrintJob.objects.filter(pk=job.pk).update(done=2)
    pages = len(PdfReader(io.BytesIO(content)).pages)
    return content, pages, long_prints.file_base(job), {"document": job.document, "rows": rows}


def _chunk_data(chunk: list[tuple[object, object]]) -> list[dict]:
    """Transcript data of (class, student) pairs, class by class in bulk, in the pairs' order."""
    from hoso.printing.documents import class_transcripts_data

    out: list[dict] = []
    start = 0
    while start < len(chunk):
        school_class = chunk[start][0]
        end = start
        while end < len(chunk) and chunk[end][0].pk == school_class.pk:
            end += 1
        out += class_transcripts_data(
            school_class=school_class, students=[s for _, s in chunk[start:end]]
        )
        start = end
    return out


def job_open(*, actor: Actor, job: PrintJob):
    """The finished file of the actor's own job (a file object), audited."""
    if job.state != PrintJob.State.DONE or not job.file_name:
        raise DomainError(PrintingError.JOB_NOT_READY, "Lô in chưa xong.")
    with transaction.atomic():
        audit_record(
            event_type="printing.job_downloaded",
            actor=actor.user,
            school_id=actor.school_id,
            target=job,
            after={"file": job.download_name},
        )
    return default_storage.open(job.file_name, "rb")
