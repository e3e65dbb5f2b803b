"""End to end in a browser (Playwright + Debian's chromium): the homeroom teacher opens the print
centre from the menu, opens the class book PDF, asks for the class's transcripts as one PDF, the
job page follows the background job by htmx polling until the download link appears, and the
downloaded file holds the class's transcripts."""

from __future__ import annotations

import pytest
from django.test import override_settings

from hoso.printing.models import PrintJob
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import PASSWORD, small_school

HOLD = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.mark.browser
class BatchPrintFollowedInTheBrowser(BrowserTestCase):
    def test_homeroom_teacher_prints_the_class_in_the_background(self):
        # The queue holds the job (set here: the suite's autouse fixture runs tasks at once).
        import tempfile

        with (
            tempfile.TemporaryDirectory(prefix="hoso-print-media-") as media,
            override_settings(TASKS=HOLD, MEDIA_ROOT=media),
        ):
            self._scenario()

    def _scenario(self):
        world = small_school()
        context = self.browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.goto(f"{self.live_server_url}/tai-khoan/dang-nhap/")
        page.fill("input[name=username]", world.users["homeroom"].username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("h1:has-text('Xin chào')")
        page.click("nav summary:has-text('Học bạ & ký số')")  # the menu group
        page.click("nav >> text=In ấn")
        page.wait_for_selector("h1:has-text('In ấn')")
        # a short document's old URL answers the PDF at once (long ones go to the worker)
        with page.expect_response(lambda r: "/so-theo-doi/hk1.pdf" in r.url) as response:
            page.evaluate(f"fetch('/in/lop/{world.class_a.pk}/so-theo-doi/hk1.pdf')")
        assert response.value.headers["content-type"] == "application/pdf"
        page.check("input[name=scope][value=class]")
        page.check("input[name=output][value=pdf]")
        page.click("button:has-text('In hàng loạt')")
        page.wait_for_selector("#job-status:has-text('Đang chờ')")
        job = PrintJob.objects.get()
        assert job.requested_by == world.users["homeroom"]
        # The worker runs it (the test's queue holds jobs); the open page follows by polling.
        from hoso.printing.actions import job_run

        job_run(job.pk)
        page.wait_for_selector("#job-status:has-text('Đã in xong 1 học bạ')", timeout=10_000)
        with page.expect_download() as download:
            page.click("a:has-text('Tải về')")
        path = download.value.path()
        with open(path, "rb") as fh:
            content = fh.read()
        from hoso.printing.tests.pdfcheck import pdf_text

        assert content.startswith(b"%PDF") and "Nguyễn Văn An" in pdf_text(content)
