"""In a browser (Playwright + Debian's chromium): the vice principal replaces the maths teacher of
6A1 from 1 December in the table — refused without a reason, saved once the reason is typed —
then reads the cell's history; the old teacher keeps the class until 30 November."""

from __future__ import annotations

import pytest

from hoso.organisation.assignments import selectors
from hoso.organisation.assignments.tests.helpers import DEC_1
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school


@pytest.mark.browser
class ReplaceATeacherFromADate(BrowserTestCase):
    timeout_ms = 60_000  # the machine's 2 cores are shared

    def test_vice_principal_replaces_the_maths_teacher_from_a_date(self):
        world = small_school()
        page = self.login(world.users["vice"], viewport={"width": 1366, "height": 800})
        page.goto(f"{self.live_server_url}/to-chuc/phan-cong/?ky={world.term1.pk}&ngay=2026-12-01")
        page.wait_for_function("() => window.htmx !== undefined")
        assert "Bảng theo ngày 01/12/2026" in page.inner_text("#assign-context")
        # The grid scrolls by itself; the page does not.
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366

        cell = "[data-testid='cell-6A1-TOAN']"
        deputy = str(world.people["deputy"].pk)
        page.select_option(f"{cell} select", deputy)
        page.wait_for_selector(f"{cell} .cell-error")
        assert "Hãy ghi lý do thay đổi" in page.inner_text(cell)
        assert page.eval_on_selector(f"{cell} select", "s => s.value") == deputy  # kept

        page.fill("input[name=ly_do]", "Thầy Đức nghỉ ốm dài ngày")
        page.click(f"{cell} button:has-text('Lưu lại')")
        page.wait_for_selector(f"{cell} .cell-ok")
        assert "Phạm Thị Hoa" in page.inner_text("[data-testid='assign-load']")

        day = selectors.teacher_of
        args = {"school_class": world.class_a, "subject": world.math, "term": world.term1}
        assert day(**args, on=DEC_1) == world.people["deputy"]
        assert day(**args, on=DEC_1.replace(day=30, month=11)) == world.people["subject"]

        page.click(f"{cell} a.history")
        page.wait_for_selector("[data-testid='history']")
        history = page.inner_text("[data-testid='history']")
        assert "Vũ Minh Đức" in history and "30/11/2026" in history
        assert "Phạm Thị Hoa" in history and "Thầy Đức nghỉ ốm dài ngày" in history

    def test_a_phone_reads_the_table(self):
        world = small_school()
        page = self.login(world.users["principal"], viewport={"width": 390, "height": 844})
        page.goto(f"{self.live_server_url}/to-chuc/phan-cong/")
        page.wait_for_selector("[data-testid='assign-grid']")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert "Vũ Minh Đức" in page.inner_text("[data-testid='cell-6A1-TOAN']")
