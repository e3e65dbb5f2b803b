"""GIVEN the small school WHEN someone prints a long document (the class book, the enrolment
register) THEN the worker renders it as a print job: the link creates the job (or follows the
same person's identical unfinished one), the job page shows progress (htmx and a refresh link),
the PDF downloads once done (audited), failures read in Vietnamese, other people and other
schools get 404, and the old URLs serve small documents at once."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.printing import long_prints
from hoso.printing.errors import PrintingError
from hoso.printing.models import PrintJob
from hoso.printing.tasks import run_print_job
from hoso.printing.tests.pdfcheck import pdf_text


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def login(client, world, who):
    client.force_login(world.users[who])
    return client


def ask_class_book(c, world, period="term1"):
    return c.post(
        reverse("printing:job_create"),
        {"document": "class_book", "class_id": world.class_a.pk, "period": period},
    )


def job_url(job, name="printing:job"):
    return reverse(name, kwargs={"job_id": job.pk})


def test_class_book_link_creates_a_job_the_worker_prints_with_progress(client, world):
    c = login(client, world, "homeroom")
    index = c.get(reverse("printing:index"))
    assert 'name="document" value="class_book"' in index.text  # the print centre's link
    # WHEN the homeroom teacher clicks "Học kỳ I" (on_commit never runs: the job waits)
    r = ask_class_book(c, world)
    job = PrintJob.objects.get()
    assert r.status_code == 302 and r["Location"] == job_url(job)
    assert (job.document, job.school_class, job.params) == (
        "class_book",
        world.class_a,
        {"period": "term1"},
    )
    assert (job.state, job.done, job.total, job.school) == ("queued", 0, 2, world.school)
    page = c.get(job_url(job))
    assert "Sổ theo dõi và đánh giá học sinh lớp 6A1 — Học kỳ I" in page.text
    assert 'hx-trigger="every 1s"' in page.text and "Cập nhật tiến độ" in page.text  # no JS too
    # progress, as the worker reports it between its steps
    PrintJob.objects.filter(pk=job.pk).update(state="running", done=1)
    poll = c.get(job_url(job), HTTP_HX_REQUEST="true")
    assert "<html" not in poll.text and "xong 1/2 bước" in poll.text
    assert 'value="1"' in poll.text and 'max="2"' in poll.text
    assert c.get(job_url(job, "printing:job_download")).status_code == 409
    PrintJob.objects.filter(pk=job.pk).update(state="queued", done=0)
    # THEN the worker's task prints it
    result = run_print_job.call(job.pk)
    job.refresh_from_db()
    assert result["state"] == job.state == "done" and (job.done, job.total) == (2, 2)
    assert job.file_name.startswith(f"print-jobs/{world.school.pk}/")
    assert job.download_name == "so-theo-doi-6a1-term1.pdf"
    page = c.get(job_url(job))
    assert "Đã in xong Sổ theo dõi" in page.text and "hx-get" not in page.text
    dl = c.get(job_url(job, "printing:job_download"))
    assert dl.status_code == 200 and dl["Content-Type"] == "application/pdf"
    content = b"".join(dl.streaming_content)
    assert len(PdfReader(io.BytesIO(content)).pages) == job.pages >= 1
    assert "SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH" in pdf_text(content)
    events = list(
        AuditEvent.objects.filter(event_type__startswith="printing.").values_list(
            "event_type", "after"
        )
    )
    assert [e for e, _ in events] == [
        "printing.job_requested",
        "printing.job_started",
        "printing.job_done",
        "printing.job_downloaded",
    ]
    assert events[0][1]["params"] == {"period": "term1"}
    assert events[2][1]["document"] == "class_book" and events[2][1]["pages"] == job.pages
    assert events[3][1] == {"file": "so-theo-doi-6a1-term1.pdf"}


def test_asking_twice_follows_the_unfinished_job(client, world):
    c = login(client, world, "homeroom")
    first = ask_class_book(c, world)
    second = ask_class_book(c, world)
    job = PrintJob.objects.get()
    assert first["Location"] == second["Location"] == job_url(job)
    assert "đang được in" in c.get(job_url(job)).text  # told why
    assert AuditEvent.objects.filter(event_type="printing.job_requested").count() == 1
    # another period is another document; a finished job is not followed
    ask_class_book(c, world, period="year")
    assert PrintJob.objects.count() == 2
    PrintJob.objects.update(state="done")
    ask_class_book(c, world)
    assert PrintJob.objects.count() == 3


def test_jobs_are_the_requesters_in_their_school(client, world):
    from hoso.testing.factories import small_school

    c = login(client, world, "clerk")
    c.post(reverse("printing:job_create"), {"document": "enrolment_register"})
    job = PrintJob.objects.get()
    run_print_job.call(job.pk)
    assert c.get(job_url(job)).status_code == 200
    # the principal of the same school, the clerk of another: 404
    assert login(client, world, "principal").get(job_url(job)).status_code == 404
    other = small_school("T99")
    c2 = login(client, other, "clerk")
    assert c2.get(job_url(job)).status_code == 404
    assert c2.get(job_url(job, "printing:job_download")).status_code == 404
    # the requester working in another school now does not see it either
    PrintJob.objects.filter(pk=job.pk).update(school=other.school)
    c = login(client, world, "clerk")
    assert c.get(job_url(job)).status_code == 404
    assert c.get(job_url(job, "printing:job_download")).status_code == 404


def test_class_book_of_a_class_not_theirs_is_refused(client, world):
    c = login(client, world, "homeroom")
    r = c.post(
        reverse("printing:job_create"),
        {"document": "class_book", "class_id": world.class_b.pk, "period": "term1"},
    )
    assert r.status_code == 404 and not PrintJob.objects.exists()
    r = ask_class_book(c, world, period="hk9")
    assert r.status_code == 302 and not PrintJob.objects.exists()  # back with the message
    assert "Tham số in không hợp lệ" in c.get(r["Location"]).text
    r = c.post(reverse("printing:job_create"), {"document": "enrolment_register"})
    assert r.status_code == 403 and not PrintJob.objects.exists()


def test_old_url_serves_small_documents_and_offers_the_worker_for_long_ones(
    client, world, monkeypatch
):
    c = login(client, world, "clerk")
    url = reverse("printing:enrolment_register")
    small = c.get(url)
    assert small.status_code == 200 and small.content.startswith(b"%PDF")
    # WHEN the register is estimated longer than the limit
    monkeypatch.setattr(long_prints, "INLINE_MAX_PAGES", 0)
    page = c.get(url)
    assert page.status_code == 200 and "In trong nền" in page.text
    assert 'value="enrolment_register"' in page.text
    assert not PrintJob.objects.exists()  # a GET writes nothing
    c.post(reverse("printing:job_create"), {"document": "enrolment_register"})
    job = PrintJob.objects.get()
    again = c.get(url)  # the same unfinished job: its page
    assert again.status_code == 302 and again["Location"] == job_url(job)
    book = c.get(
        reverse("printing:class_book", kwargs={"class_id": world.class_a.pk, "period": "ca-nam"})
    )
    assert book.status_code == 200 and 'name="period" value="year"' in book.text


def test_a_failed_document_says_why_in_vietnamese(client, world, monkeypatch):
    def broken(data):
        raise DomainError(PrintingError.RENDER_FAILED, "Không dàn trang được sổ.")

    monkeypatch.setattr(
        long_prints,
        "KINDS",
        {
            **long_prints.KINDS,
            "class_book": long_prints.KINDS["class_book"].__class__(
                **{**long_prints.KINDS["class_book"].__dict__, "render": broken}
            ),
        },
    )
    c = login(client, world, "homeroom")
    ask_class_book(c, world)
    job = PrintJob.objects.get()
    run_print_job.call(job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and not job.file_name
    page = c.get(job_url(job))
    assert "Lô in bị lỗi: Không dàn trang được sổ." in page.text and "In lại" in page.text
    assert AuditEvent.objects.filter(event_type="printing.job_failed").count() == 1


def test_document_files_are_purged_like_batches(world, client):
    from django.core.management import call_command
    from django.utils import timezone

    c = login(client, world, "homeroom")
    ask_class_book(c, world)
    job = PrintJob.objects.get()
    run_print_job.call(job.pk)
    job.refresh_from_db()
    assert default_storage.exists(job.file_name)
    PrintJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=8))
    call_command("purge_print_jobs", "--days", "7")
    name, job = job.file_name, PrintJob.objects.get(pk=job.pk)
    assert not default_storage.exists(name) and job.file_name == ""
    assert "Tệp đã được xóa" in c.get(job_url(job)).text
