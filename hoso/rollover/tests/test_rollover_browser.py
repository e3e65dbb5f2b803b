"""The clerk rolls the year over in a real browser, on a laptop and on a phone."""

from __future__ import annotations

from django.test import override_settings

from hoso.organisation.models import GradeLevel, Level, SchoolYear
from hoso.rollover.tests.test_rollover import approve
from hoso.students.models import Enrolment
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
class RolloverInTheBrowser(BrowserTestCase):
    def setUp(self):
        self.w = small_school()
        GradeLevel.objects.create(school=self.w.school, number=7, level=Level.LOWER_SECONDARY)
        approve(self.w.class_a, "year", {self.w.student_a: {"decision": "LEN_LOP"}})
        approve(self.w.class_b, "year", {self.w.student_b: {"decision": "O_LAI_LOP"}})

    def test_preview_rename_and_commit(self):
        page = self.login(self.w.users["clerk"], viewport={"width": 1366, "height": 800})
        page.goto(f"{self.live_server_url}/chuyen-nam-hoc/")
        page.click("button:has-text('Chuẩn bị chuyển năm học 2026-2027')")
        page.wait_for_selector("h1:has-text('Chuyển năm học 2026-2027')")
        assert page.locator("input[name='ten-7|A1']").input_value() == "7A1"
        page.fill("input[name='ten-7|A1']", "7A1 Tiếng Anh")
        page.click("button:has-text('Lưu và tính lại')")
        page.wait_for_selector("text=Đã lưu và tính lại bản xem trước")
        assert page.locator("input[name='ten-7|A1']").input_value() == "7A1 Tiếng Anh"
        page.click("button:has-text('Chuyển dữ liệu (2 học sinh)')")
        page.wait_for_selector("text=Đã chuyển sang năm học 2027-2028")
        new = SchoolYear.objects.get(school=self.w.school, name="2027-2028")
        moved = Enrolment.objects.get(student=self.w.student_a, year=new)
        assert moved.school_class.name == "7A1 Tiếng Anh"
        # On a phone the page keeps its width: only tables scroll.
        phone = self.login(self.w.users["clerk"], viewport={"width": 390, "height": 844})
        phone.goto(page.url)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
