"""The slip's main flow in a browser: the clerk prints a slip (1366 px); the parent, on a phone
(390 px), types the code, confirms the phone, chooses a password and lands on the home page."""

from __future__ import annotations

import re

from hoso.students.models import Guardian, StudentGuardian
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school

NEW_PASSWORD = "hoa-sen-nho-2027"


class InvitationSlipBrowserTest(BrowserTestCase):
    def setUp(self):
        self.w = small_school()
        self.guardian = Guardian.objects.create(
            school=self.w.school,
            full_name="Lê Thị Mơ",
            phone="0987654321",
            search_name="le thi mo",
        )
        StudentGuardian.objects.create(
            student=self.w.student_a, guardian=self.guardian, relation="mother"
        )

    def test_clerk_prints_a_slip_and_the_parent_redeems_it_on_a_phone(self):
        clerk = self.login(self.w.users["clerk"], viewport={"width": 1366, "height": 800})
        clerk.goto(f"{self.live_server_url}/tai-khoan/phu-huynh/phieu-moi/?q=le+thi+mo")
        clerk.check("input[aria-label='Chọn Lê Thị Mơ']")
        clerk.click("button:has-text('Tạo mã và in phiếu')")
        clerk.wait_for_selector("h1:has-text('In phiếu mời phụ huynh')")
        slip = clerk.locator(".slip").first
        assert self.w.school.name in slip.inner_text()
        assert self.w.student_a.full_name in slip.inner_text()
        code = slip.locator("[data-code]").inner_text().strip()
        assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)

        context = self.browser.new_context(viewport={"width": 390, "height": 844})
        context.set_default_timeout(self.timeout_ms)
        phone = context.new_page()
        phone.goto(f"{self.live_server_url}/tai-khoan/kich-hoat/")
        phone.fill("input[name=code]", code.lower().replace("-", " "))
        phone.click("button:has-text('Tiếp tục')")
        phone.wait_for_selector("h1:has-text('Mở tài khoản phụ huynh')")
        assert "Lê Thị Mơ" in phone.inner_text("main")
        phone.fill("input[name=phone]", "+84 987 654 321")
        phone.fill("input[name=password]", NEW_PASSWORD)
        phone.fill("input[name=password2]", NEW_PASSWORD)
        phone.click("button:has-text('Mở tài khoản')")
        phone.wait_for_selector("h1:has-text('Xin chào')")
        assert "0987654321" in phone.inner_text("main")
        # nothing wider than the phone
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        self.guardian.refresh_from_db()
        assert self.guardian.user is not None
        context.close()
