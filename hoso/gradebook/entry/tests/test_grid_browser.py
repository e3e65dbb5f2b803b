"""Browser test (Playwright + Debian's chromium): the subject teacher fills its grade sheet with
the keyboard, pastes a block from Excel, is told at once about an invalid score, and finalises
a column, which then cannot be changed."""

from __future__ import annotations

import pytest

from hoso.gradebook.entry.models import Assessment, SheetColumn
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import PASSWORD, make_student, small_school

PASTE = """(text) => {
  const el = document.activeElement;
  const data = new DataTransfer();
  data.setData("text/plain", text);
  el.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                cancelable: true}));
}"""


def cell(row: int, col: int) -> str:
    return f'table[data-grid] [data-row="{row}"][data-col="{col}"]'


def saved(row: int, col: int) -> str:
    return f'td[data-state="saved"] [data-row="{row}"][data-col="{col}"]'


@pytest.mark.browser
class TeacherFillsItsSheet(BrowserTestCase):
    def values(self, column: str) -> dict[str, str]:
        return {
            a.student.given_name: a.value
            for a in Assessment.objects.filter(column=column).select_related("student")
        }

    def test_teacher_types_pastes_is_warned_and_finalises(self):
        world = small_school()
        make_student(world.school, world.class_a, "Lê Thị Cúc", gender="F")  # row 1 (An, Cúc)
        page = self.browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(8000)
        page.goto(f"{self.live_server_url}/tai-khoan/dang-nhap/")
        page.fill("input[name=username]", world.users["subject"].username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("h1:has-text('Xin chào')")

        # The index lists the teacher's sheet; open it.
        page.goto(f"{self.live_server_url}/so-diem/")
        page.click("[data-testid=my-sheets] >> text=Toán — lớp 6A1")
        page.wait_for_selector("table[data-grid][data-ready]")  # grid.js has run
        assert "ĐĐGtx 1" in page.inner_text("thead")

        # Type with the keyboard: ArrowDown, Tab and Enter move between cells.
        page.click(cell(0, 0))
        page.keyboard.type("8")
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.dataset.row") == "1"
        page.keyboard.type("9")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.dataset.col") == "1"
        page.keyboard.type("7,5")
        page.keyboard.press("Enter")  # last row: saves in place
        page.wait_for_selector(saved(1, 1))
        page.wait_for_selector(saved(0, 0))
        page.wait_for_selector(saved(1, 0))
        page.wait_for_function(
            "() => document.getElementById('grid-status').textContent === 'Đã lưu tất cả'"
        )
        assert page.input_value(cell(0, 0)) == "8,0"  # shown with a decimal comma
        assert self.values("TX1") == {"An": "8.0", "Cúc": "9.0"}
        assert self.values("TX2") == {"Cúc": "7.5"}

        # Paste a 2×2 block copied from Excel at TX3 of the first row.
        # It is saved in one request to the batch endpoint, not one request per cell.
        posts: list[str] = []
        page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
        page.click(cell(0, 2))
        page.evaluate(PASTE, "7\t6,5\r\n8\t9\r\n")
        for row, col in ((0, 2), (0, 3), (1, 2), (1, 3)):
            page.wait_for_selector(saved(row, col))
        assert [u.rsplit("/", 2)[-2] for u in posts] == ["luu-nhieu"]
        assert "Đã dán 4 ô" in page.inner_text("[data-testid=grid-message]")
        assert self.values("TX3") == {"An": "7.0", "Cúc": "8.0"}
        assert self.values("TX4") == {"An": "6.5", "Cúc": "9.0"}

        # A save that fails (no connection) is shown, kept and retried until it lands.
        page.route("**/luu/", lambda route: route.abort())
        page.click(cell(0, 7))  # CK
        page.keyboard.type("8,5")
        page.keyboard.press("Enter")
        page.wait_for_function(
            "() => document.getElementById('grid-status').textContent.includes('đang thử lại')"
        )
        assert "Mất kết nối" in page.inner_text("[data-testid=grid-problems]")
        assert page.evaluate("localStorage.length") == 1  # survives a reload
        page.unroute("**/luu/")
        page.wait_for_selector(saved(0, 7), timeout=10000)
        assert self.values("CK") == {"An": "8.5"}
        assert page.evaluate("localStorage.length") == 0

        # An invalid score is refused at once with the rule set's Vietnamese message.
        page.click(cell(0, 6))  # GK
        page.keyboard.type("11")
        message = page.locator("[data-testid=grid-message]")
        message.wait_for(state="visible")
        assert "Điểm 11 nằm ngoài thang điểm 0–10." in message.inner_text()
        assert page.get_attribute(cell(0, 6), "aria-invalid") == "true"
        assert "cần sửa" in page.inner_text("[data-testid=grid-status]")
        assert not Assessment.objects.filter(column="GK").exists()
        page.keyboard.press("Control+A")
        page.keyboard.type("7")
        page.keyboard.press("ArrowDown")
        page.keyboard.type("8")
        page.keyboard.press("Enter")
        page.wait_for_selector(saved(0, 6))
        page.wait_for_selector(saved(1, 6))
        page.wait_for_function(
            "() => document.getElementById('grid-status').textContent === 'Đã lưu tất cả'"
        )
        assert self.values("GK") == {"An": "7.0", "Cúc": "8.0"}

        # Finalise the complete GK column: afterwards its inputs are disabled.
        page.check("[data-testid=finalise-confirm]")
        page.click("[data-testid=finalise-GK]")
        page.wait_for_selector("text=Đã chốt: ĐĐGgk.")
        assert page.is_disabled(cell(0, 6)) and page.is_disabled(cell(1, 6))
        assert page.is_enabled(cell(0, 7))  # CK stays open
        assert "🔒 đã chốt" in page.inner_text("[data-testid=finalised-GK]")
        assert SheetColumn.objects.get(column="GK").finalised_at is not None
        page.close()
