"""End to end in a browser (Playwright + Debian's chromium): a teacher enters and finalises a
column, files a correction from the finalised cell, the principal approves it naming a witness,
the witness and the homeroom teacher confirm, the change is made under the teacher's account,
and the audit chain still verifies."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hoso.audit.models import AuditEvent
from hoso.audit.verify import verify_all
from hoso.gradebook.corrections.models import CorrectionRequest
from hoso.gradebook.entry.models import Assessment
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school

EVIDENCE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.browser
class CorrectionFromEntryToMinute(BrowserTestCase):
    def test_teacher_finalises_requests_principal_approves_witness_and_homeroom_confirm(self):
        world = small_school()
        teacher, student = world.users["subject"], world.student_a
        sheet_url = (
            f"{self.live_server_url}/so-diem/lop/{world.class_a.pk}/mon/{world.math.pk}"
            f"/ky/{world.term1.pk}/"
        )
        # The teacher enters the mid-term result and finalises the column.
        page = self.login(teacher)
        page.goto(sheet_url)
        page.wait_for_selector("table[data-grid][data-ready]")  # grid.js has run
        gk = page.locator('[data-column="GK"][data-cell]')
        gk.fill("7")
        gk.press("Tab")
        page.wait_for_selector("[data-testid=grid-status]:has-text('Đã lưu tất cả')")
        page.check("[data-testid=finalise-confirm]")
        page.click("[data-testid=finalise-GK]")
        page.wait_for_selector("[data-testid=finalised-GK]")
        assert page.locator('[data-column="GK"][data-cell]').is_disabled()
        # From the finalised cell, the correction request with its evidence.
        page.click("a.cell-fix")
        page.fill("input[name=new_value]", "8")
        page.fill("textarea[name=reason]", "Cộng nhầm điểm bài kiểm tra giữa kì.")
        page.set_input_files(
            "input[name=evidence]",
            files=[{"name": "bai-kiem-tra.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE}],
        )
        page.click("button:has-text('Gửi đơn')")
        correction = CorrectionRequest.objects.get()
        assert correction.state == "requested" and correction.single.old_value == "7.0"
        detail = f"{self.live_server_url}/so-diem/sua-diem/{correction.pk}/"
        # The principal approves and names the vice principal as witness.
        principal = self.login(world.users["principal"])
        principal.goto(detail)
        principal.select_option("select[name=witness]", str(world.users["vice"].pk))
        principal.click("button[name=decision][value=approve]")
        principal.wait_for_load_state()
        correction.refresh_from_db()
        assert correction.state == "approved"
        # The witness and the homeroom teacher confirm; the change is applied.
        for who in ("vice", "homeroom"):
            other = self.login(world.users[who])
            other.goto(detail)
            other.click("button:has-text('Xác nhận')")
            other.wait_for_load_state()
        correction.refresh_from_db()
        assert correction.state == "applied" and correction.minute_number.startswith("01/")
        cell = Assessment.objects.get(student=student, subject=world.math, column="GK")
        assert cell.value == "8.0"
        event = AuditEvent.objects.get(event_type="grade.corrected")
        assert event.actor == teacher and "chứng kiến" in event.acting_as
        assert event.before["value"] == "7.0" and event.after["value"] == "8.0"
        # The teacher still cannot change the finalised cell itself.
        page.goto(sheet_url)
        assert page.locator('[data-column="GK"][data-cell]').is_disabled()
        assert page.locator('[data-column="GK"][data-cell]').input_value() == "8,0"
        assert verify_all()[1] == []
        call_command("audit_verify")
