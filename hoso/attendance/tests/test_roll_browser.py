"""The homeroom teacher takes today's roll on a phone (390 × 844): two taps, one save."""

from __future__ import annotations

from hoso.attendance.models import AttendanceMark
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import make_student, small_school


class RollOnAPhone(BrowserTestCase):
    def setUp(self):
        self.w = small_school()
        self.binh = make_student(self.w.school, self.w.class_a, "Trần Văn Bình")
        self.cuc = make_student(self.w.school, self.w.class_a, "Lê Thị Cúc", gender="F")

    def test_two_taps_and_save(self):
        w = self.w
        page = self.login(w.users["homeroom"], viewport={"width": 390, "height": 844})
        page.click("text=Lớp 6A1: điểm danh hôm nay")
        page.wait_for_selector("h1:has-text('Điểm danh lớp 6A1')")
        assert "20/11/2026" in page.inner_text(".roll-nav")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        rows = page.locator("[data-testid=roll-row]")
        assert rows.count() == 3
        # Vietnamese order: An, Bình, Cúc (given names).
        assert [n.split("\n")[0] for n in rows.locator(".roll-name").all_inner_texts()] == [
            "Nguyễn Văn An",
            "Trần Văn Bình",
            "Lê Thị Cúc",
        ]
        rows.nth(0).locator(".roll-name").click()
        rows.nth(2).locator(".roll-name").click()
        page.wait_for_function(
            "() => document.querySelectorAll('[data-status=absent]').length === 2"
        )
        page.click("[data-testid=roll-save]")
        page.wait_for_selector("text=Đã lưu điểm danh lớp 6A1")
        assert "Đã điểm danh: Đỗ Thị Lan" in page.inner_text("[data-testid=roll-taken]")
        saved = page.locator("[data-testid=roll-row][data-status=absent] .roll-name")
        assert [t.split("\n")[0] for t in saved.all_inner_texts()] == [
            "Nguyễn Văn An",
            "Lê Thị Cúc",
        ]
        assert set(AttendanceMark.objects.values_list("student_id", "status")) == {
            (w.student_a.pk, "absent"),
            (self.cuc.pk, "absent"),
        }
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # The same page on a laptop.
        wide = self.login(w.users["homeroom"], viewport={"width": 1366, "height": 800})
        wide.goto(page.url)
        assert wide.locator("[data-testid=roll-row]").count() == 3
        assert wide.evaluate("document.documentElement.scrollWidth") <= 1366

    def test_the_parents_leave_form_fits_a_phone(self):
        page = self.login(self.w.users["parent"], viewport={"width": 390, "height": 844})
        page.goto(f"{self.live_server_url}/diem-danh/xin-phep/")
        page.fill("textarea[name=reason]", "Cháu bị sốt")
        page.click("button:has-text('Gửi đơn xin phép')")
        page.wait_for_selector("text=Đã gửi đơn xin phép cho giáo viên chủ nhiệm.")
        assert "Đã gửi" in page.inner_text("[data-testid=leave-mine]")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
