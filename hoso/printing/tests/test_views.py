"""GIVEN the small school WHEN people open the print pages THEN each gets the PDFs of their scope
(homeroom teacher: their class; subject teacher: their sheets; leaders and the clerk: the whole
school), others 403/404; batch jobs run in the background and only their requester downloads."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from hoso.audit.models import AuditEvent
from hoso.printing.models import PrintJob
from hoso.printing.tests.pdfcheck import pdf_text


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def login(client, world, who):
    client.force_login(world.users[who])
    return client


def test_navigation_entry_only_for_people_who_print(world):
    from hoso.printing.navigation import nav_entries

    assert nav_entries(world.actor("homeroom")) == [("printing:index", "In ấn")]
    assert nav_entries(world.actor("clerk")) == [("printing:index", "In ấn")]
    assert nav_entries(world.actor("librarian")) == []
    assert nav_entries(world.actor("parent")) == []


def test_homeroom_teacher_prints_their_class_not_another(client, world):
    c = login(client, world, "homeroom")
    page = c.get(reverse("printing:index"))
    assert page.status_code == 200
    assert "6A1" in page.text and "Sổ đăng bộ" not in page.text
    pdf = c.get(
        reverse("printing:class_book", kwargs={"class_id": world.class_a.pk, "period": "hk1"})
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline;")
    assert "SỔ THEO DÕI VÀ ĐÁNH GIÁ HỌC SINH" in pdf_text(pdf.content)
    t = c.get(reverse("printing:transcript", kwargs={"student_id": world.student_a.pk}))
    assert t.status_code == 200 and "Nguyễn Văn An" in pdf_text(t.content)
    # 6A2 is not theirs: not visible → 404; the student of 6A2 too
    assert (
        c.get(
            reverse("printing:class_book", kwargs={"class_id": world.class_b.pk, "period": "hk1"})
        ).status_code
        == 404
    )
    assert (
        c.get(reverse("printing:transcript", kwargs={"student_id": world.student_b.pk})).status_code
        == 404
    )
    assert c.get(reverse("printing:enrolment_register")).status_code == 403


def test_subject_teacher_prints_their_sheet_only(client, world):
    c = login(client, world, "subject")
    url = reverse(
        "printing:sheet",
        kwargs={
            "class_id": world.class_a.pk,
            "subject_id": world.math.pk,
            "term_id": world.term1.pk,
        },
    )
    r = c.get(url)
    assert r.status_code == 200 and "BẢNG ĐIỂM MÔN HỌC" in pdf_text(r.content)
    other = reverse(
        "printing:sheet",
        kwargs={
            "class_id": world.class_a.pk,
            "subject_id": world.literature.pk,
            "term_id": world.term1.pk,
        },
    )
    assert c.get(other).status_code == 404
    # sees 6A1 (teaches it) but does not print its class book
    assert (
        c.get(
            reverse("printing:class_book", kwargs={"class_id": world.class_a.pk, "period": "hk1"})
        ).status_code
        == 403
    )


@pytest.mark.parametrize("who", ["principal", "vice", "clerk"])
def test_leaders_and_clerk_print_school_books(client, world, who):
    c = login(client, world, who)
    for name, kwargs in [
        ("enrolment_register", {}),
        ("staff_register", {}),
        ("approved_list", {"list_slug": "len-lop"}),
        ("class_book", {"class_id": world.class_b.pk, "period": "ca-nam"}),
    ]:
        r = c.get(reverse(f"printing:{name}", kwargs=kwargs))
        assert r.status_code == 200, name
        assert r.content.startswith(b"%PDF")
    assert (
        c.get(reverse("printing:approved_list", kwargs={"list_slug": "khong-co"})).status_code
        == 404
    )


def test_outsiders_get_nothing(client, world):
    c = login(client, world, "librarian")
    assert c.get(reverse("printing:index")).status_code == 404
    assert (
        c.get(
            reverse("printing:class_book", kwargs={"class_id": world.class_a.pk, "period": "hk1"})
        ).status_code
        == 404
    )
    assert c.get(reverse("printing:staff_register")).status_code == 403


def test_batch_job_merged_pdf_progress_and_download(
    client, world, django_capture_on_commit_callbacks
):
    from hoso.testing.factories import make_student

    make_student(world.school, world.class_a, "Đỗ Thị Hằng")
    c = login(client, world, "homeroom")
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            reverse("printing:job_create"),
            {"scope": "class", "class_id": world.class_a.pk, "output": "pdf"},
        )
    job = PrintJob.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse(
        "printing:job", kwargs={"job_id": job.pk}
    )
    assert (job.state, job.done, job.total) == ("done", 2, 2)
    page = c.get(reverse("printing:job", kwargs={"job_id": job.pk}))
    assert "Đã in xong 2 học bạ" in page.text and "hx-get" not in page.text
    dl = c.get(reverse("printing:job_download", kwargs={"job_id": job.pk}))
    assert dl.status_code == 200
    pdf = b"".join(dl.streaming_content)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == job.pages >= 2
    text = pdf_text(pdf)
    assert text.index("Nguyễn Văn An") < text.index(
        "Đỗ Thị Hằng"
    )  # class-list order: by given name
    events = list(
        AuditEvent.objects.filter(event_type__startswith="printing.").values_list(
            "event_type", flat=True
        )
    )
    assert events == [
        "printing.job_requested",
        "printing.job_started",
        "printing.job_done",
        "printing.job_downloaded",
    ]
    # only the requester
    other = login(client, world, "principal")
    assert other.get(reverse("printing:job_download", kwargs={"job_id": job.pk})).status_code == 404
    assert other.get(reverse("printing:job", kwargs={"job_id": job.pk})).status_code == 404


def test_batch_zip_for_the_school_and_scope_rules(
    client, world, django_capture_on_commit_callbacks
):
    c = login(client, world, "homeroom")
    r = c.post(reverse("printing:job_create"), {"scope": "school", "output": "zip"})
    assert r.status_code == 403 and not PrintJob.objects.exists()
    c = login(client, world, "clerk")
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("printing:job_create"), {"scope": "school", "output": "zip"})
    job = PrintJob.objects.get()
    assert job.state == "done" and job.total == 2
    dl = c.get(reverse("printing:job_download", kwargs={"job_id": job.pk}))
    names = zipfile.ZipFile(io.BytesIO(b"".join(dl.streaming_content))).namelist()
    assert len(names) == 2 and all(n.endswith(".pdf") for n in names)
    assert any(n.startswith("6a2-") for n in names)


def test_unfinished_job_polls_and_is_not_downloadable(client, world):
    from hoso.printing import actions

    job = actions.job_create(
        actor=world.actor("homeroom"), scope="class", output="pdf", class_id=world.class_a.pk
    )
    # on_commit never ran (test transaction): still queued
    c = login(client, world, "homeroom")
    page = c.get(reverse("printing:job", kwargs={"job_id": job.pk}), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in page.text and "<html" not in page.text
    assert c.get(reverse("printing:job_download", kwargs={"job_id": job.pk})).status_code == 409


def test_too_many_open_jobs_are_refused(world):
    from hoso.core.errors import DomainError
    from hoso.printing import actions

    for _ in range(actions.MAX_OPEN_JOBS):
        actions.job_create(actor=world.actor("clerk"), scope="school", output="pdf")
    with pytest.raises(DomainError) as exc:
        actions.job_create(actor=world.actor("clerk"), scope="school", output="pdf")
    assert exc.value.code == "printing.too_many_jobs"


def test_old_batch_files_are_purged_and_audited(world, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.utils import timezone

    from hoso.printing import actions

    with django_capture_on_commit_callbacks(execute=True):
        job = actions.job_create(actor=world.actor("clerk"), scope="school", output="pdf")
    job.refresh_from_db()
    name = job.file_name
    assert default_storage.exists(name)
    call_command("purge_print_jobs", "--days", "7")
    assert default_storage.exists(name)  # too recent
    PrintJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=8))
    call_command("purge_print_jobs", "--days", "7")
    job.refresh_from_db()
    assert not default_storage.exists(name) and job.file_name == ""
    assert AuditEvent.objects.filter(event_type="printing.files_purged").count() == 1
    from django.test import Client

    c = Client()
    c.force_login(world.users["clerk"])
    page = c.get(reverse("printing:job", kwargs={"job_id": job.pk}))
    assert "Tệp đã được xóa" in page.text
    assert c.get(reverse("printing:job_download", kwargs={"job_id": job.pk})).status_code == 409
