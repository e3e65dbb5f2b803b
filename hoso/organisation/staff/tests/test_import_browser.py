"""Browser test (Playwright + Debian's chromium): the clerk imports the staff list exported from
the sector database — maps the code column it does not know, sees the vice principal's row
refused (nobody promotes themselves), sends the corrected file, commits, and takes the one-time
passwords once."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from hoso.imports.tests.files import xlsx
from hoso.organisation.models import Staff
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school

HEADERS = ["STT", "Mã định danh Bộ GDĐT", "Họ tên", "Ngày tháng năm sinh", "GT", "Chức vụ"]


@pytest.mark.browser
class ClerkImportsTheStaffList(BrowserTestCase):
    timeout_ms = 60_000  # the machine's 2 cores are shared

    def test_map_refuse_fix_commit_take_passwords(self):
        world = small_school()
        folder = Path(tempfile.mkdtemp())
        first = folder / "csdl-can-bo.xlsx"
        first.write_bytes(
            xlsx(
                [
                    HEADERS,
                    [1, "7900001", "Lâm Thị Xuân", "03/04/1989", "Nữ", "Giáo viên"],
                    [2, "7900002", "Quách Văn Định", "09/10/1979", "Nam", "Phó hiệu trưởng"],
                ]
            )
        )
        fixed = folder / "csdl-can-bo-da-sua.xlsx"
        fixed.write_bytes(
            xlsx([HEADERS, [1, "7900001", "Lâm Thị Xuân", "03/04/1989", "Nữ", "Giáo viên"]])
        )
        page = self.login(world.users["clerk"], viewport={"width": 1280, "height": 900})
        page.goto(f"{self.live_server_url}/to-chuc/can-bo/")
        page.click("text=Nhập từ Excel")
        page.wait_for_selector("h1:has-text('Nhập danh sách cán bộ từ Excel')")

        page.set_input_files("input[name=file]", str(first))
        page.click("button:has-text('Tải lên và kiểm tra')")
        page.wait_for_selector("h2:has-text('Ghép cột')")
        page.select_option("select[name=col_1]", "code")
        page.fill("input[name=save_as]", "CSDL ngành cán bộ")
        page.select_option("select[name=source]", "csdl_nganh")
        page.click("button:has-text('Ghép cột và kiểm tra')")
        page.wait_for_selector("h2:has-text('Xem trước')")
        main = page.inner_text("main")
        assert "Chỉ Hiệu trưởng (trực tiếp, không qua ủy quyền)" in main
        assert "Dòng này không được nhập" in main
        assert page.locator("button:has-text('Ghi ')").count() == 0

        page.click("text=Tải tệp đã sửa lên")
        page.set_input_files("input[name=file]", str(fixed))
        page.click("button:has-text('Tải lên và kiểm tra')")
        page.wait_for_selector("text=Đã áp dụng mẫu ghép cột CSDL ngành cán bộ.")
        page.click("button:has-text('Ghi 1 người mới vào sổ cán bộ')")
        page.wait_for_selector("text=Đã vào sổ 1 người")
        page.click("text=Danh sách tài khoản và mật khẩu dùng một lần")
        page.click("button:has-text('Hiện mật khẩu dùng một lần')")
        page.wait_for_selector("text=Mật khẩu chỉ hiện")
        password = page.inner_text("code.secret")
        xuan = Staff.objects.get(school=world.school, code="7900001")
        assert xuan.user.check_password(password)
        assert not Staff.objects.filter(code="7900002").exists()
        page.goto(page.url)  # the same page again: the passwords are gone
        assert "Mật khẩu dùng một lần đã được xem" in page.inner_text("main")
        assert password not in page.inner_text("main")
