"""Printing pages: the print centre (what the person may print), each document as an inline PDF,
and batch jobs (ask, follow progress by htmx polling, download). Thin: parse → access →
data/action → response."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hoso.accounts.boundary import errors_return_to
from hoso.accounts.policies import not_found
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.text import fold
from hoso.gradebook.corrections.policies import access_correction
from hoso.gradebook.entry.policies import access_sheet
from hoso.gradebook.results.compute import class_rules, offerings_by_grade
from hoso.organisation.models import GradeLevel
from hoso.organisation.policies import visible_classes
from hoso.printing import actions, long_prints
from hoso.printing import documents as docs
from hoso.printing.documents.books import LIST_TITLES
from hoso.printing.errors import PrintingError
from hoso.printing.models import PrintJob
from hoso.printing.policies import (
    access_job,
    access_print_class,
    access_print_student,
    can_print_class,
    can_print_school,
    require_school_printer,
)
from hoso.students.models import Enrolment
from hoso.students.selectors import class_members

CLASS_BOOK_PERIODS = {"hk1": "term1", "hk2": "term2", "ca-nam": "year"}
CHECKPOINT_SLUGS = {
    "giua-hk1": "mid1",
    "cuoi-hk1": "end1",
    "giua-hk2": "mid2",
    "cuoi-nam": "end2",
}
LIST_SLUGS = {
    "len-lop": "promotion",
    "khen-thuong": "titles",
    "kiem-tra-lai": "retest",
    "ren-luyen-he": "summer",
    "o-lai-lop": "repeat",
}


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    safe = re.sub(r"[^a-z0-9._-]+", "-", fold(name)).strip("-") or "tai-lieu"
    response["Content-Disposition"] = f'inline; filename="{safe}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _domain_error(request, exc: DomainError, status: int) -> HttpResponse:
    return render(request, "printing/error.html", {"error": exc}, status=status)


@login_required
@require_GET
def index(request):
    """The print centre: the classes the person prints, school-wide books, batch jobs."""
    actor = request.actor
    classes = list(visible_classes(actor).order_by("grade__number", "name"))
    printable = [c for c in classes if can_print_class(actor, c)]
    rows = []
    for c in printable:
        # a class summary per checkpoint where the rule set assesses at checkpoints (TT27)
        rows.append({"school_class": c, "summaries": bool(class_rules(c).trait_checkpoints)})
    taught = []
    if actor.taught:
        subjects = offerings_by_grade({c.grade_id for c in classes})
        terms = list(actor.year.terms.order_by("number")) if actor.year else []
        for c in classes:
            ids = actor.taught.get(c.pk, frozenset())
            for spec in subjects.get(c.grade_id, []):
                if spec.id in ids:
                    taught.append({"school_class": c, "subject": spec, "terms": terms})
    grades = (
        GradeLevel.objects.filter(school=actor.school).order_by("number")
        if can_print_school(actor)
        else []
    )
    jobs = PrintJob.objects.filter(requested_by=actor.user).select_related("school_class", "grade")[
        :10
    ]
    if not rows and not taught and not can_print_school(actor):
        raise not_found(actor, "trang in ấn")
    return render(
        request,
        "printing/index.html",
        {
            "rows": rows,
            "taught": taught,
            "school_printer": can_print_school(actor),
            "grades": grades,
            "jobs": jobs,
            "periods": CLASS_BOOK_PERIODS,
            "checkpoints": CHECKPOINT_SLUGS,
            "lists": {slug: LIST_TITLES[name] for slug, name in LIST_SLUGS.items()},
            "scopes": PrintJob.Scope.choices,
            "months": year_months(actor.year) if actor.year and rows else [],
            "this_month": f"{clock.today():%Y-%m}",
            "outputs": PrintJob.Output.choices,
        },
    )


@login_required
@require_GET
def class_students(request, class_id: int):
    """The class list with one transcript link per student whose year this class carries: the
    members now and, struck through, those who left the school from it (transfer out, dropout);
    a student who changed class is listed struck through, its transcript with the new class."""
    school_class = access_print_class(request.actor, class_id)
    holders = set(
        Enrolment.objects.last_of_year()
        .filter(school_class=school_class)
        .values_list("student_id", flat=True)
    )
    rows = [(e, e.student_id in holders) for e in class_members(school_class)]
    return render(request, "printing/class.html", {"school_class": school_class, "rows": rows})


@login_required
@require_GET
def transcript_pdf(request, student_id: int):
    student, _ = access_print_student(request.actor, student_id)
    data = docs.transcript_data(student=student, year=request.actor.year)
    return _pdf(docs.render_transcript(data), f"hoc-ba-{student.student_code}")


@login_required
@require_GET
def class_book_pdf(request, class_id: int, period: str):
    access_print_class(request.actor, class_id)
    if period not in CLASS_BOOK_PERIODS:
        raise Http404
    return _long_or_inline(
        request,
        document=PrintJob.Document.CLASS_BOOK,
        class_id=class_id,
        params={"period": CLASS_BOOK_PERIODS[period]},
        name=f"so-theo-doi-{{class}}-{period}",
    )


@login_required
@require_GET
def class_summary_pdf(request, class_id: int, checkpoint: str):
    school_class = access_print_class(request.actor, class_id)
    if checkpoint not in CHECKPOINT_SLUGS:
        raise Http404
    data = docs.class_summary_data(
        school_class=school_class, checkpoint=CHECKPOINT_SLUGS[checkpoint]
    )
    return _pdf(docs.render_class_summary(data), f"bang-tong-hop-{school_class.name}-{checkpoint}")


@login_required
@require_GET
def sheet_pdf(request, class_id: int, subject_id: int, term_id: int):
    school_class, subject, term = access_sheet(request.actor, class_id, subject_id, term_id)
    data = docs.gradebook_sheet_data(school_class=school_class, subject=subject, term=term)
    return _pdf(
        docs.render_gradebook_sheet(data),
        f"bang-diem-{subject.code}-{school_class.name}-hk{term.number}",
    )


def year_months(year) -> list[tuple[str, str]]:
    """("2026-11", "Tháng 11/2026") of every month the school year touches."""
    out, y, m = [], year.start_date.year, year.start_date.month
    while (y, m) <= (year.end_date.year, year.end_date.month):
        out.append((f"{y}-{m:02d}", f"Tháng {m:02d}/{y}"))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@login_required
@require_GET
def attendance_register_pdf(request):
    """In sổ điểm danh tháng: ``?lop=<class id>&thang=YYYY-MM`` (homeroom teacher, leaders,
    clerk); the month must be one of the class's school year."""
    school_class = access_print_class(request.actor, _int_or_none(request.GET.get("lop")) or 0)
    months = dict(year_months(school_class.year))
    today = clock.today()
    month = request.GET.get("thang") or f"{today.year}-{today.month:02d}"
    if month not in months:
        return _domain_error(
            request,
            DomainError(
                PrintingError.BAD_MONTH,
                f"Tháng “{month}” không thuộc năm học {school_class.year.name}.",
            ),
            400,
        )
    y, m = (int(x) for x in month.split("-"))
    data = docs.attendance_register_data(school_class=school_class, year=y, month=m)
    return _pdf(docs.render_attendance_register(data), f"so-diem-danh-{school_class.name}-{month}")


@login_required
@require_GET
def enrolment_register_pdf(request):
    return _long_or_inline(
        request,
        document=PrintJob.Document.ENROLMENT_REGISTER,
        name=f"so-dang-bo-{request.actor.year.name}",
    )


@login_required
@require_GET
def staff_register_pdf(request):
    """The staff register as it stands, with the changes since the last edition."""
    from hoso.organisation.staff.policies import require_register_printer

    require_register_printer(request.actor)
    return _long_or_inline(
        request,
        document=PrintJob.Document.STAFF_REGISTER,
        name=f"so-quan-ly-can-bo-{request.actor.year.name}",
    )


@login_required
@require_GET
def staff_register_edition_pdf(request, edition_id: int):
    """An edition of the staff register the clerk took (frozen), with its history."""
    from hoso.organisation.models import StaffRegisterEdition
    from hoso.organisation.staff.policies import require_register_printer

    actor = request.actor
    edition = (
        StaffRegisterEdition.objects.filter(pk=edition_id, school=actor.school)
        .select_related("year")
        .first()
    )
    if edition is None:
        raise not_found(actor, f"bản sổ cán bộ #{edition_id}")
    require_register_printer(actor)
    data = docs.staff_register_data(school=actor.school, year=edition.year, edition=edition)
    return _pdf(
        docs.render_staff_register(data),
        f"so-quan-ly-can-bo-{edition.year.name}-ban-{edition.number}",
    )


@login_required
@require_GET
def approved_list_pdf(request, list_slug: str):
    require_school_printer(request.actor, "danh sách")
    if list_slug not in LIST_SLUGS:
        raise Http404
    # ?giai-doan=sau-kiem-tra-lai: the lists after re-tests and summer training
    period = "final" if request.GET.get("giai-doan") == "sau-kiem-tra-lai" else "year"
    return _long_or_inline(
        request,
        document=PrintJob.Document.APPROVED_LIST,
        params={"list": LIST_SLUGS[list_slug], "period": period},
        name=f"danh-sach-{list_slug}-{request.actor.year.name}",
    )


@login_required
@require_GET
def correction_minute_pdf(request, correction_id: int):
    correction = access_correction(request.actor, correction_id)
    data = docs.correction_minute_data(correction=correction)
    return _pdf(docs.render_correction_minute(data), f"bien-ban-sua-diem-{correction.pk}")


# ------------------------------------------------------------------------------ batch jobs


def _long_or_inline(request, *, document, name, class_id=None, params=None):
    """A long document's old URL: served at once when estimated at ``INLINE_MAX_PAGES`` pages or
    fewer; otherwise the person's identical unfinished job (redirect to its page) or a page with
    the button that asks the worker for it (a GET never creates a job)."""
    job = long_prints.prepare(
        actor=request.actor, document=document, class_id=class_id, params=params
    )
    pages = long_prints.estimated_pages(job)
    if pages <= long_prints.INLINE_MAX_PAGES:
        label = job.school_class.name if job.school_class else ""
        return _pdf(long_prints.render(job, long_prints.build(job)), name.replace("{class}", label))
    same = actions.identical_open_job(job)
    if same is not None:
        return redirect("printing:job", job_id=same.pk)
    return render(
        request,
        "printing/long_print.html",
        {"job": job, "title": long_prints.title(job), "pages": pages},
    )


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@login_required
@require_POST
@errors_return_to("printing:index", refusals=True)
def job_create(request):
    """Ask for a batch of transcripts (scope, output) or, with ``document``, a long document
    (``class_id``, ``period``, ``list`` as the document needs); a long document already queued
    or running for the same person is followed instead of printed twice."""
    document = request.POST.get("document", PrintJob.Document.TRANSCRIPT)
    if document != PrintJob.Document.TRANSCRIPT:
        job, created = actions.document_job_create(
            actor=request.actor,
            document=document,
            class_id=_int_or_none(request.POST.get("class_id")),
            params={k: request.POST[k] for k in ("period", "list") if request.POST.get(k)},
        )
        if not created:
            messages.info(request, f"Tài liệu này đang được in ({job}); đây là lô in đó.")
        return redirect("printing:job", job_id=job.pk)
    job = actions.job_create(
        actor=request.actor,
        scope=request.POST.get("scope", ""),
        output=request.POST.get("output", ""),
        class_id=_int_or_none(request.POST.get("class_id")),
        grade_id=_int_or_none(request.POST.get("grade_id")),
    )
    return redirect("printing:job", job_id=job.pk)


@login_required
@require_GET
def job_detail(request, job_id: int):
    """The job page; to an htmx poll (every second while unfinished) only the status part."""
    job = access_job(request.actor, job_id)
    template = (
        "printing/job_status.html" if getattr(request, "htmx", False) else "printing/job.html"
    )
    return render(request, template, {"job": job, "title": long_prints.title(job)})


@login_required
@require_GET
def job_download(request, job_id: int):
    job = access_job(request.actor, job_id)
    try:
        handle = actions.job_open(actor=request.actor, job=job)
    except DomainError as exc:
        return _domain_error(request, exc, status=409)
    content_type = "application/pdf" if job.output == PrintJob.Output.PDF else "application/zip"
    response = FileResponse(
        handle, as_attachment=True, filename=job.download_name, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
@errors_return_to("printing:job", "job_id")
def job_cancel(request, job_id: int):
    job = actions.job_cancel(actor=request.actor, job=access_job(request.actor, job_id))
    messages.success(request, "Đã hủy lô in; không có tệp nào được tạo.")
    return redirect("printing:job", job_id=job.pk)


@login_required
@require_POST
@errors_return_to("printing:job", "job_id")
def job_retry(request, job_id: int):
    job = actions.job_retry(actor=request.actor, job=access_job(request.actor, job_id))
    messages.success(request, "Đã đưa lô in vào hàng đợi để in lại.")
    return redirect("printing:job", job_id=job.pk)
