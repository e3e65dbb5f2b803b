"""Browser test (Playwright + Debian's chromium): the vice principal imports a table in the usual
layout from the editor's button, for term II from 18 January; an unknown teacher's name is shown
by row and column; the corrected file is committed and the teachers are in the table."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from hoso.imports.tests.files import xlsx
from hoso.organisation.models import HomeroomAssignment, TeachingAssignment
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school


@pytest.mark.browser
class VicePrincipalImportsTheAssignmentTable(BrowserTestCase):
    timeout_ms = 60_000  # the machine's 2 cores are shared

    def test_import_the_table_for_a_term(self):
        world = small_school()
        term2 = world.year.terms.get(number=2)
        table = Path(tempfile.mkdtemp()) / "phan-cong.xlsx"
        table.write_bytes(
            xlsx(
                [
                    ["STT", "Lớp", "GVCN", "Toán", "Ngữ văn"],
                    [1, "6A2", "Pham Thi Hoa", "Lê Văn Toàn", "Ngo Thi Lan"],
                ]
            )
        )
        page = self.login(world.users["vice"], viewport={"width": 1366, "height": 900})
        page.goto(f"{self.live_server_url}/to-chuc/phan-cong/")
        page.click("text=Nhập từ Excel")
        page.wait_for_selector("h1:has-text('Nhập bảng phân công chuyên môn')")
        page.set_input_files("input[name=file]", str(table))
        page.select_option("select[name=term]", str(term2.pk))
        page.fill("input[name=starts_on]", "2027-01-18")
        page.click("button:has-text('Tải lên và kiểm tra')")
        page.wait_for_selector("h2:has-text('Xem trước')")
        assert "Không có cán bộ đang công tác tên “Ngo Thi Lan”" in page.inner_text("main")
        assert page.locator("button:has-text('Ghi ')").count() == 0

        table.write_bytes(
            xlsx(
                [
                    ["STT", "Lớp", "GVCN", "Toán", "Ngữ văn"],
                    [1, "6A2", "Pham Thi Hoa", "Lê Văn Toàn", "Do Thi Lan"],
                ]
            )
        )
        page.click("text=Tải tệp đã sửa lên")
        page.set_input_files("input[name=file]", str(table))
        page.select_option("select[name=term]", str(term2.pk))
        page.fill("input[name=starts_on]", "2027-01-18")
        page.click("button:has-text('Tải lên và kiểm tra')")
        page.click("button:has-text('Ghi 3 ô vào bảng phân công')")
        page.wait_for_selector("text=Đã ghi 3 thay đổi vào bảng phân công")
        page.click("text=Xem bảng phân công")
        assert (
            TeachingAssignment.objects.filter(school_class=world.class_b, term=term2).count() == 2
        )
        assert not TeachingAssignment.objects.filter(
            school_class=world.class_b, term=world.term1
        ).exists()
        assert (
            HomeroomAssignment.objects.get(school_class=world.class_b).teacher
            == (world.people["deputy"])
        )
