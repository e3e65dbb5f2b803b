"""Browser test (Playwright + Debian's chromium): a teacher logs in and sees only its classes."""

from __future__ import annotations

import pytest

from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import PASSWORD, small_school


@pytest.mark.browser
class TeacherSeesOnlyItsClasses(BrowserTestCase):
    def test_subject_teacher_logs_in_and_sees_only_its_classes(self):
        world = small_school()
        teacher = world.users["subject"]
        page = self.browser.new_page()
        page.goto(f"{self.live_server_url}/")
        assert "/tai-khoan/dang-nhap/" in page.url
        page.fill("input[name=username]", teacher.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("h1:has-text('Xin chào')")
        assert "Vũ Minh Đức" in page.inner_text("h1")
        cards = page.inner_text("main")
        assert "Toán — lớp 6A1" in cards and "6A2" not in cards
        # The navigation offers classes but no administration.
        nav = page.text_content("nav")
        assert "Lớp học" in nav and "Tài khoản" not in nav and "Nhật ký" not in nav
        # Entries are grouped in menus: open "Lớp & học sinh", then pick "Lớp học".
        page.click("nav summary:has-text('Lớp & học sinh')")
        page.click("nav >> text=Lớp học")
        rows = page.locator("[data-testid=class-list] tbody tr")
        assert rows.count() == 1 and "6A1" in rows.first.inner_text()
        page.click("[data-testid=class-list] >> text=6A1")
        assert "Nguyễn Văn An" in page.inner_text("[data-testid=roster]")
        # Typing another class's address gives "not found".
        response = page.goto(f"{self.live_server_url}/to-chuc/lop/{world.class_b.pk}/")
        assert response.status == 404
        page.close()
