"""End to end in a browser (Playwright + Debian's chromium): the clerk asks for the year's
archive, the page follows its progress by htmx polling while the worker builds it, the clerk
downloads it and gives an inspector a share link, which opens without login and is logged;
the principal's compliance board shows its chart."""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from hoso.archive.builder import verify_zip
from hoso.archive.models import ArchiveExport, ExportState
from hoso.audit.models import AuditEvent
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MEDIA = tempfile.mkdtemp(prefix="hoso-archive-browser-")


@pytest.mark.browser
@override_settings(MEDIA_ROOT=MEDIA)
class ArchiveFromRequestToInspector(BrowserTestCase):
    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def login(self, user):
        return super().login(user, accept_downloads=True)

    def test_export_progress_download_share_and_board(self):
        from hoso.archive.actions import archive_export_build
        from hoso.archive.testing import (
            make_obligation,
            make_record_type,
            make_submission,
            pdf_bytes,
        )

        world = small_school()
        plans = make_record_type(world.school, "Kế hoạch bài dạy")
        teacher = world.people["subject"]
        for week, day in ((7, 16), (8, 23)):
            ob = make_obligation(
                world.year,
                plans,
                owner_staff=teacher,
                due_at=datetime(2026, 10, day, 17, tzinfo=VN),
                first_submitted_at=datetime(2026, 10, day - 1, 9, tzinfo=VN),
                period_label=f"Tuần {week}",
            )
            make_submission(
                ob, user=teacher.user, content=pdf_bytes(f"Tuần {week}"), name="khbd.pdf"
            )

        # The clerk asks for the year's archive: it is queued (the worker is this test; the
        # conftest's immediate backend is replaced here), the page polls.
        page = self.login(world.users["clerk"])
        page.goto(f"{self.live_server_url}/luu-tru/")
        dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        with override_settings(TASKS=dummy):
            page.click("button:has-text('Tạo bản lưu trữ')")
            page.wait_for_selector("#export-progress progress")
        export = ArchiveExport.objects.get()
        assert export.state == ExportState.QUEUED

        # The worker builds it; htmx polling shows the result without a reload.
        archive_export_build(export_id=export.pk)
        page.wait_for_selector("#export-progress:has-text('Hoàn tất')", timeout=10_000)
        export.refresh_from_db()
        assert export.sha256 in page.inner_text("#export-progress")
        with page.expect_download() as info:
            page.click("a:has-text('Tải về tệp ZIP')")
        data = Path(info.value.path()).read_bytes()
        assert hashlib.sha256(data).hexdigest() == export.sha256
        assert verify_zip(io.BytesIO(data)) == []

        # A share link for the inspectors: shown once, opens without login, logged.
        page.goto(f"{self.live_server_url}/luu-tru/")
        page.fill("input[name=nguoi-nhan]", "Đoàn kiểm tra Sở GD&ĐT")
        page.select_option("select[name=pham-vi]", f"xuat:{export.pk}")
        page.fill("input[name=so-ngay]", "7")
        page.click("button:has-text('Tạo đường link')")
        url = page.input_value("input[readonly]")
        assert "/luu-tru/s/" in url
        visitor = self.browser.new_context().new_page()
        visitor.goto(url)
        visitor.wait_for_selector("a:has-text('Tải về tệp ZIP')")
        assert AuditEvent.objects.filter(event_type="archive.share_accessed").count() == 1

        # The principal's board: 2 on time, the chart drawn on the server.
        board = self.login(world.users["principal"])
        board.goto(f"{self.live_server_url}/ho-so/bang-theo-doi/")
        board.wait_for_selector("svg.board-chart")
        assert "100,0%" in board.inner_text(".cards")
