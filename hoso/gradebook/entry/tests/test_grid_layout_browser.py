"""Browser test (Playwright + Debian's chromium): the grade sheet on a 1366×768 laptop shows
every column of a TT22 term without scrolling sideways, its counters follow a pasted column
without a reload, and on a phone only the grid scrolls sideways, never the page."""

from __future__ import annotations

import pytest

from hoso.gradebook.entry.actions import assessment_save
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.entry.sheets import load_sheet
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import make_student, small_school

PASTE = """(text) => {
  const el = document.activeElement;
  const data = new DataTransfer();
  data.setData("text/plain", text);
  el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                cancelable: true}));
}"""

# The tab hidden or shown again, as the browser reports it when the user switches tabs.
VISIBILITY = """(state) => {
  Object.defineProperty(document, "visibilityState", {value: state, configurable: true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""

PAGE_OVERFLOW = "document.scrollingElement.scrollWidth - window.innerWidth"

GIVEN_NAMES = ["Bình", "Cúc", "Dũng", "Giang", "Hà", "Khánh", "Linh", "Minh", "Ngọc", "Phúc"]


def cell(row: int, col: int) -> str:
    return f'table[data-grid] [data-row="{row}"][data-col="{col}"]'


@pytest.mark.browser
class SheetOnALaptop(BrowserTestCase):
    def right_edge(self, page, selector: str) -> float:
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        return box["x"] + box["width"]

    def test_all_columns_fit_and_counters_follow_a_paste(self):
        # GIVEN a TT22 maths sheet of 6A1 (6 regular columns, GK, CK) with 11 students
        world = small_school()
        for given in GIVEN_NAMES:
            make_student(world.school, world.class_a, f"Trần Thị {given}", gender="F")
        students = 1 + len(GIVEN_NAMES)
        page = self.login(world.users["subject"], viewport={"width": 1366, "height": 768})
        page.goto(f"{self.live_server_url}/so-diem/")
        page.click("[data-testid=my-sheets] >> text=Toán — lớp 6A1")
        page.wait_for_selector("table[data-grid][data-ready]")

        # THEN the end-term column and the result column are on screen and the page is not
        # wider than the window
        heads = page.inner_text("thead")
        assert "ĐĐGtx 6" in heads and "ĐĐGck" in heads and "ĐTBmhk" in heads
        assert self.right_edge(page, "th[data-column=CK]") <= 1366
        assert self.right_edge(page, "th.c-result") <= 1366
        assert page.evaluate(PAGE_OVERFLOW) <= 1
        # ... nor does the grid itself scroll sideways
        assert (
            page.evaluate(
                "(w => w.scrollWidth - w.clientWidth)(document.querySelector('.grid-wrap'))"
            )
            <= 1
        )
        # a score fits its input
        page.fill(cell(0, 0), "10,0")
        assert page.evaluate(
            f"(el => el.scrollWidth <= el.clientWidth)(document.querySelector('{cell(0, 0)}'))"
        )
        page.keyboard.press("Escape")  # not saved

        ck = "[data-testid=grid] [data-progress=CK]"
        ck_button = "[data-testid=finalise-CK] [data-progress=CK]"
        assert page.inner_text(ck) == f"0/{students}"
        assert page.inner_text(ck_button) == f"0/{students}"

        # WHEN a column of 7 scores copied from Excel is pasted into CK of the first row
        page.click(cell(0, 7))
        page.evaluate(PASTE, "8\r\n7,5\r\n9\r\n6\r\n10\r\n5,5\r\n7\r\n")
        page.wait_for_function(
            "() => document.getElementById('grid-status').textContent === 'Đã lưu tất cả'"
        )

        # THEN the counters say 7 of them without a reload, and so does the database
        page.wait_for_function(
            f"() => document.querySelector('{ck}').textContent === '7/{students}'"
        )
        assert page.inner_text(ck_button) == f"7/{students}"
        assert page.inner_text("[data-testid=grid] [data-progress=GK]") == f"0/{students}"
        assert Assessment.objects.filter(column="CK").count() == 7
        # (each row's result cell was answered too: not enough results yet, so a warning)
        assert "⚠" in page.inner_text("tbody tr:first-child td.c-result")

        # WHEN one of them is cleared by typing
        page.click(cell(6, 7))
        page.keyboard.press("Delete")
        page.keyboard.press("Enter")
        page.wait_for_function(
            f"() => document.querySelector('{ck}').textContent === '6/{students}'"
        )
        assert page.inner_text(ck_button) == f"6/{students}"

        # THEN after a reload the server counts the same
        page.reload()
        page.wait_for_selector("table[data-grid][data-ready]")
        assert page.inner_text(ck) == f"6/{students}"
        page.context.close()

    def test_a_change_made_elsewhere_shows_when_the_tab_comes_back(self):
        # GIVEN the maths sheet open in a tab, then left for another tab (an Excel import)
        world = small_school()
        page = self.login(world.users["subject"], viewport={"width": 1366, "height": 768})
        page.goto(f"{self.live_server_url}/so-diem/")
        page.click("[data-testid=my-sheets] >> text=Toán — lớp 6A1")
        page.wait_for_selector("table[data-grid][data-ready]")
        ck = "[data-testid=grid] [data-progress=CK]"
        assert page.inner_text(ck) == "0/1"
        with page.expect_response(lambda r: r.url.endswith("/moc/")):
            page.evaluate(VISIBILITY, "hidden")
        # WHEN the end-term score is saved elsewhere while the tab is hidden
        assessment_save(
            actor=world.actor("subject"),
            sheet=load_sheet(world.class_a, world.math, world.term1),
            student=world.student_a,
            column_key="CK",
            raw_value="8.5",
        )
        # THEN coming back to the tab loads the sheet afresh: the score and its counter show
        with page.expect_navigation():
            page.evaluate(VISIBILITY, "visible")
        page.wait_for_selector("table[data-grid][data-ready]")
        assert page.input_value(cell(0, 7)) == "8,5"
        assert page.inner_text(ck) == "1/1"
        # ... and with nothing changed, coming back does not reload
        with page.expect_response(lambda r: r.url.endswith("/moc/")):
            page.evaluate(VISIBILITY, "hidden")
        page.evaluate("() => { window.stillHere = true; }")
        with page.expect_response(lambda r: r.url.endswith("/moc/")):
            page.evaluate(VISIBILITY, "visible")
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.stillHere === true")
        page.context.close()

    def test_on_a_phone_only_the_grid_scrolls_sideways(self):
        world = small_school()
        page = self.login(world.users["subject"], viewport={"width": 390, "height": 844})
        page.goto(f"{self.live_server_url}/so-diem/")
        page.click("[data-testid=my-sheets] >> text=Toán — lớp 6A1")
        page.wait_for_selector("table[data-grid][data-ready]")
        assert page.evaluate(PAGE_OVERFLOW) <= 1
        # the grid is wider than the phone and scrolls inside its own box
        assert page.evaluate(
            "(w => w.scrollWidth > w.clientWidth)(document.querySelector('.grid-wrap'))"
        )
        # the name column stays at the left when the grid is scrolled to its end
        page.evaluate(
            "(w => { w.scrollLeft = w.scrollWidth; })(document.querySelector('.grid-wrap'))"
        )
        name = page.locator("tbody tr:first-child td.c-name").bounding_box()
        result = page.locator("tbody tr:first-child td.c-result").bounding_box()
        assert name is not None and result is not None
        assert name["x"] >= 0 and result["x"] + result["width"] <= 390
        page.context.close()
