"""The clerk moves a student to another class in a real browser; the old class keeps it, struck
through in red."""

from __future__ import annotations

from hoso.students.models import Enrolment
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school


class MovingInTheBrowser(BrowserTestCase):
    def setUp(self):
        self.w = small_school()

    def test_change_class_from_the_class_page(self):
        w = self.w
        page = self.login(w.users["clerk"], viewport={"width": 1366, "height": 800})
        page.goto(f"{self.live_server_url}/to-chuc/lop/{w.class_a.pk}/")
        page.click("a:has-text('Chuyển lớp')")
        page.wait_for_selector("h1:has-text('Chuyển lớp — Nguyễn Văn An')")
        page.select_option("select[name='school_class']", str(w.class_b.pk))
        page.fill("input[name='on']", "2027-07-01")  # outside the year: refused, kept
        page.fill("input[name='reason']", "Theo nguyện vọng gia đình")
        page.click("button:has-text('Chuyển lớp')")
        page.wait_for_selector("text=nằm ngoài năm học")
        assert page.locator("input[name='reason']").input_value() == "Theo nguyện vọng gia đình"
        page.fill("input[name='on']", "2026-12-02")
        page.click("button:has-text('Chuyển lớp')")
        # back on the student page: its path shows both classes
        page.wait_for_selector("[data-testid='history'] tr.left >> text=Theo nguyện vọng gia đình")
        assert Enrolment.objects.get(student=w.student_a, end_date__isnull=True).school_class == (
            w.class_b
        )
        page.goto(f"{self.live_server_url}/to-chuc/lop/{w.class_a.pk}/")
        row = page.locator("tr[data-left='1']")
        assert "Chuyển lớp 02/12/2026 — Theo nguyện vọng gia đình" in row.inner_text()
        decoration = page.evaluate(
            "() => getComputedStyle(document.querySelector(\"tr[data-left='1'] td\"))"
            ".textDecorationLine"
        )
        assert decoration == "line-through"
