"""Browser test (Playwright + Debian's chromium): the clerk enters a new teacher with an account
and reads the one-time password once; the administrator finds the account waiting for its first
login and gives the teacher a further position; the teacher logs in with the one-time password,
must change it, and is in."""

from __future__ import annotations

import pytest

from hoso.organisation.models import Staff
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school


@pytest.mark.browser
@pytest.mark.clock("2026-11-20")
class ClerkEntersATeacherWithAnAccount(BrowserTestCase):
    def test_clerk_creates_teacher_admin_sees_account_teacher_logs_in(self):
        world = small_school()
        # GIVEN the clerk on the staff register, on a laptop screen
        clerk = self.login(world.users["clerk"], viewport={"width": 1366, "height": 800})
        clerk.goto(f"{self.live_server_url}/to-chuc/can-bo/")
        clerk.click("text=Thêm cán bộ")
        # WHEN she types the teacher's register fields, one of them wrong at first
        clerk.fill("input[name=code]", "GV2027")
        clerk.fill("input[name=family_name]", "Trịnh")
        clerk.fill("input[name=middle_name]", "Thị")
        clerk.fill("input[name=given_name]", "Quỳnh")
        clerk.select_option("select[name=gender]", "F")
        clerk.fill("input[name=birth_date]", "1994-03-12")
        clerk.fill("input[name=id_number]", "03119400123")  # 11 digits
        clerk.fill("input[name=phone]", "0987 654 321")
        clerk.select_option("select[name=department]", label="Tổ Ngữ văn")
        clerk.fill("input[name=main_subject]", "Ngữ văn")
        clerk.fill("textarea[name=awards]", "Chiến sĩ thi đua cơ sở 2025")
        clerk.check("input[name=create_account]")
        clerk.focus("input[name=username]")
        clerk.wait_for_selector("#username-proposal:has-text('quynhtt')")
        clerk.click("button:has-text('Lưu')")
        # THEN the problem is shown beside the field and what she typed is kept
        clerk.wait_for_selector("text=Mã định danh cá nhân phải gồm đúng 12 chữ số.")
        assert clerk.input_value("textarea[name=awards]") == "Chiến sĩ thi đua cơ sở 2025"
        assert clerk.input_value("input[name=given_name]") == "Quỳnh"
        clerk.fill("input[name=id_number]", "031194001234")
        clerk.click("button:has-text('Lưu')")
        clerk.wait_for_selector("h1:has-text('Đã vào sổ Trịnh Thị Quỳnh')")
        username = clerk.inner_text("main code >> nth=0")
        password = clerk.inner_text("code.secret")
        assert username == "quynhtt" and len(password) == 10
        # AND the one-time password is not shown again on the person's page
        clerk.click("text=Xem hồ sơ")
        clerk.wait_for_selector("h1:has-text('Trịnh Thị Quỳnh')")
        assert password not in clerk.content() and "chờ đổi mật khẩu" in clerk.content()
        clerk.context.close()

        # The administrator finds the account waiting for its first login, gives a position
        admin = self.login(world.users["admin"])
        admin.goto(f"{self.live_server_url}/tai-khoan/quan-tri/?q=quynh")
        row = admin.locator("tr", has_text="Trịnh Thị Quỳnh")
        assert "quynhtt" in row.inner_text() and "chờ đổi mật khẩu" in row.inner_text()
        row.locator("text=Chức vụ").click()
        admin.wait_for_selector("h1:has-text('Chức vụ của Trịnh Thị Quỳnh')")
        assert admin.locator("select[name=position] option[value=principal]").is_disabled()
        admin.check("input[name=extra][value=librarian]")
        admin.click("button:has-text('Lưu')")
        admin.wait_for_selector("text=Đã cập nhật chức vụ của Trịnh Thị Quỳnh.")
        admin.context.close()

        # The teacher logs in with the one-time password, on a phone, and must change it
        teacher = self.browser.new_context(viewport={"width": 390, "height": 844})
        page = teacher.new_page()
        page.goto(f"{self.live_server_url}/tai-khoan/dang-nhap/")
        page.fill("input[name=username]", "quynhtt")
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/tai-khoan/doi-mat-khau/")
        page.fill("input[name=old_password]", password)
        page.fill("input[name=new_password]", "Songcau2027")
        page.fill("input[name=new_password2]", "Songcau2027")
        page.click("main button[type=submit]")
        page.wait_for_selector("h1:has-text('Xin chào')")
        assert "Trịnh Thị Quỳnh" in page.inner_text("h1")
        teacher.close()
        staff = Staff.objects.get(code="GV2027")
        assert staff.user.username == "quynhtt" and not staff.user.must_change_password
        assert staff.extra_positions.filter(position="librarian").exists()
