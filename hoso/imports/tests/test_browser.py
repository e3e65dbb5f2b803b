"""Browser test (Playwright + Debian's chromium): on a phone, the clerk imports a class list from
another system's file — maps the column it does not know, sees the error of one row, sends the
corrected file, commits, and finds the students in the class; no page is wider than the phone."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from hoso.imports.tests.files import xlsx
from hoso.students.models import Enrolment
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school

HEADERS = ["STT", "Số hiệu HS", "Họ tên học sinh", "Ngày tháng năm sinh", "GT"]


@pytest.mark.browser
class ClerkImportsAClassListOnAPhone(BrowserTestCase):
    def fits(self, page) -> None:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

    def test_map_preview_fix_commit(self):
        world = small_school()
        folder = Path(tempfile.mkdtemp())
        wrong = folder / "smas.xlsx"
        wrong.write_bytes(
            xlsx(
                [
                    HEADERS,
                    [1, "SM001", "Ngô Thị Thu", "06/05/2015", "Nữ"],
                    [2, "SM002", "Bùi Văn Tùng", "31/02/2015", "Nam"],
                ]
            )
        )
        fixed = folder / "smas-da-sua.xlsx"
        fixed.write_bytes(
            xlsx(
                [
                    HEADERS,
                    [1, "SM001", "Ngô Thị Thu", "06/05/2015", "Nữ"],
                    [2, "SM002", "Bùi Văn Tùng", "28/02/2015", "Nam"],
                ]
            )
        )
        page = self.login(world.users["clerk"], viewport={"width": 390, "height": 844})
        page.goto(f"{self.live_server_url}/to-chuc/lop/{world.class_a.pk}/")
        page.click("text=Nhập danh sách từ Excel")
        page.wait_for_selector("h1:has-text('Nhập danh sách lớp 6A1 từ Excel')")
        self.fits(page)

        # The file's code column is not known: the clerk maps it and saves the mapping.
        page.set_input_files("input[name=file]", str(wrong))
        page.click("button:has-text('Tải lên và kiểm tra')")
        page.wait_for_selector("h2:has-text('Ghép cột')")
        self.fits(page)
        page.select_option("select[name=col_1]", "student_code")
        page.fill("input[name=save_as]", "SMAS 2026")
        page.select_option("select[name=source]", "smas")
        page.click("button:has-text('Ghép cột và kiểm tra')")
        page.wait_for_selector("h2:has-text('Xem trước')")
        assert "Đã lưu mẫu ghép cột “SMAS 2026”" in page.content()
        assert "“31/02/2015” không có trong lịch" in page.inner_text("main")
        assert page.locator("button:has-text('Ghi ')").count() == 0
        self.fits(page)

        # The corrected file is mapped by itself and committed.
        page.click("text=Tải tệp đã sửa lên")
        page.set_input_files("input[name=file]", str(fixed))
        page.click("button:has-text('Tải lên và kiểm tra')")
        page.wait_for_selector("text=Đã áp dụng mẫu ghép cột SMAS 2026.")
        page.click("button:has-text('Ghi 2 học sinh vào lớp 6A1')")
        page.wait_for_selector("text=Đã ghi 2 học sinh vào lớp 6A1")
        self.fits(page)
        page.click("text=Xem danh sách lớp 6A1")
        assert "Bùi Văn Tùng" in page.inner_text("main")
        assert Enrolment.objects.filter(school_class=world.class_a).count() == 3
