"""A column corrected in a browser at 1366 px (Playwright + Debian's chromium): the teacher opens
"Yêu cầu sửa điểm" from a finalised column of the grid, changes only the wrong cells, the
principal approves once, the witness and the homeroom teacher confirm once, and the one minute
(PDF) lists every change."""

from __future__ import annotations

import pytest

from hoso.gradebook.corrections.models import CorrectionRequest
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.models import Assessment
from hoso.gradebook.entry.sheets import load_sheet
from hoso.printing.tests.pdfcheck import pdf_text
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import make_student, small_school

EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LAPTOP = {"viewport": {"width": 1366, "height": 768}}


@pytest.mark.browser
class ColumnCorrection(BrowserTestCase):
    def test_teacher_requests_a_column_principal_decides_witnessed_application_minute(self):
        world = small_school()
        sheet = load_sheet(world.class_a, world.math, world.term1)
        pupils = [world.student_a] + [
            make_student(world.school, world.class_a, name)
            for name in ("Lê Thị Bích", "Phạm Văn Cường")
        ]
        for pupil, value in zip(pupils, ("5", "6", "7"), strict=True):
            actions.assessment_save(
                actor=world.actor("subject"),
                sheet=sheet,
                student=pupil,
                column_key="GK",
                raw_value=value,
            )
        actions.columns_finalise(actor=world.actor("subject"), sheet=sheet, column_keys=["GK"])
        sheet_url = (
            f"{self.live_server_url}/so-diem/lop/{world.class_a.pk}/mon/{world.math.pk}"
            f"/ky/{world.term1.pk}/"
        )
        # The teacher opens the column's request from the grid, on a laptop screen.
        page = self.login(world.users["subject"], **LAPTOP)
        page.goto(sheet_url)
        page.wait_for_selector("table[data-grid][data-ready]")
        page.click("[data-testid=fix-GK]")
        page.wait_for_selector("h1:has-text('Yêu cầu sửa điểm')")
        assert page.input_value(f"input[name=v_{pupils[1].pk}_GK]") == "6,0"
        page.fill(f"input[name=v_{pupils[1].pk}_GK]", "6,5")
        page.fill(f"input[name=v_{pupils[2].pk}_GK]", "8")
        page.fill("textarea[name=reason]", "Chép lệch một dòng khi nhập điểm giữa kỳ.")
        page.set_input_files(
            "input[name=evidence]",
            files=[{"name": "bang-diem.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE}],
        )
        page.click("button:has-text('Gửi đơn')")
        page.wait_for_selector("[data-testid=items]")
        correction = CorrectionRequest.objects.get()
        assert [(i.student_id, i.old_value, i.new_value) for i in correction.cells] == [
            (pupils[1].pk, "6.0", "6.5"),
            (pupils[2].pk, "7.0", "8.0"),
        ]
        detail = f"{self.live_server_url}/so-diem/sua-diem/{correction.pk}/"
        # The principal decides once, for every cell.
        principal = self.login(world.users["principal"], **LAPTOP)
        principal.goto(detail)
        assert principal.locator("[data-testid=items] tbody tr").count() == 2
        principal.select_option("select[name=witness]", str(world.users["vice"].pk))
        principal.click("button[name=decision][value=approve]")
        principal.wait_for_selector("text=Đã duyệt đơn")
        # The witnessed application: the vice principal and the homeroom teacher confirm once.
        for who in ("vice", "homeroom"):
            other = self.login(world.users[who], **LAPTOP)
            other.goto(detail)
            assert other.locator("text=2 kết quả").first.is_visible()
            other.click("button:has-text('Xác nhận')")
            other.wait_for_load_state()
        correction.refresh_from_db()
        assert correction.state == "applied" and correction.minute_number == "01/BB-SĐ"
        values = dict(
            Assessment.objects.filter(column="GK", student__in=pupils).values_list(
                "student_id", "value"
            )
        )
        assert [values[p.pk] for p in pupils] == ["5.0", "6.5", "8.0"]
        # The one minute, downloadable as PDF, lists every change.
        page.goto(detail)
        href = page.get_attribute("[data-testid=minute-pdf]", "href")
        response = page.request.get(f"{self.live_server_url}{href}")
        assert response.ok and response.headers["content-type"] == "application/pdf"
        lines = [" ".join(line.split()) for line in pdf_text(response.body()).splitlines()]
        for expected in ("1 Lê Thị Bích ĐĐGgk 6,0 6,5", "2 Phạm Văn Cường ĐĐGgk 7,0 8,0"):
            assert any(expected in line for line in lines), expected

    def test_teacher_chooses_cells_of_two_columns_for_one_request(self):
        # GIVEN GK and CK finalised for three students
        world = small_school()
        sheet = load_sheet(world.class_a, world.math, world.term1)
        pupils = [world.student_a] + [
            make_student(world.school, world.class_a, name)
            for name in ("Lê Thị Bích", "Phạm Văn Cường")
        ]
        for pupil in pupils:
            for column, value in (("GK", "6"), ("CK", "7")):
                actions.assessment_save(
                    actor=world.actor("subject"),
                    sheet=sheet,
                    student=pupil,
                    column_key=column,
                    raw_value=value,
                )
        actions.columns_finalise(
            actor=world.actor("subject"), sheet=sheet, column_keys=["GK", "CK"]
        )
        page = self.login(world.users["subject"], **LAPTOP)
        page.goto(
            f"{self.live_server_url}/so-diem/lop/{world.class_a.pk}/mon/{world.math.pk}"
            f"/ky/{world.term1.pk}/"
        )
        page.wait_for_selector("table[data-grid][data-ready]")
        bar = page.locator("[data-testid=fix-bar]")
        assert bar.is_visible() and not page.locator("[data-testid=fix-chosen]").is_visible()
        # WHEN the teacher turns on the choice and picks Bích's GK and Cường's CK, then Cường's
        # GK by mistake and off again
        page.click("[data-fix-mode]")
        page.click(f"a[data-fix-cell='{pupils[1].pk}:GK']")
        page.click(f"a[data-fix-cell='{pupils[2].pk}:CK']")
        page.click(f"a[data-fix-cell='{pupils[2].pk}:GK']")
        page.click(f"a[data-fix-cell='{pupils[2].pk}:GK']")
        assert page.url.endswith(f"/ky/{world.term1.pk}/")  # still on the grid
        assert page.locator("td.fix-chosen").count() == 2
        assert page.inner_text("[data-testid=fix-chosen]") == "Đề nghị sửa 2 ô đã chọn"
        # THEN one request form lists exactly those two cells
        page.click("[data-testid=fix-chosen]")
        page.wait_for_selector("h1:has-text('Yêu cầu sửa điểm')")
        assert page.input_value(f"input[name=v_{pupils[1].pk}_GK]") == "6,0"
        assert page.input_value(f"input[name=v_{pupils[2].pk}_CK]") == "7,0"
        assert page.locator(f"input[name=v_{pupils[2].pk}_GK]").count() == 0
        assert page.locator(f"input[name=v_{pupils[0].pk}_GK]").count() == 0
        # ... and a plain click on a cell's ✎ still opens the one-cell request
        page.go_back()
        page.wait_for_selector("table[data-grid][data-ready]")
        page.click(f"a[data-fix-cell='{pupils[0].pk}:CK']")
        page.wait_for_load_state()
        assert "/sua-diem/" in page.url and f"student={pupils[0].pk}" in page.url
        page.context.close()
