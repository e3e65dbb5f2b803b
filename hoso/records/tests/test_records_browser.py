"""End to end in a browser (Playwright + Debian's chromium): a teacher uploads next week's
lesson plan, the department head returns it with a comment from the inbox, the teacher
resubmits a corrected file, the head approves; the obligation is approved and on time."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hoso.audit.verify import verify_all
from hoso.records.models import Obligation, ObligationState, Timeliness
from hoso.records.tests.helpers import PDF_BYTES, setup_records
from hoso.records.timeliness import timeliness
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school


@pytest.mark.browser
class LessonPlanReturnedResubmittedApproved(BrowserTestCase):
    timeout_ms = 60_000  # the machine's 2 cores are shared

    def upload_and_submit(self, page, url, name, content):
        page.goto(url)
        page.set_input_files(
            "input[name=file]",
            files=[{"name": name, "mimeType": "application/pdf", "buffer": content}],
        )
        page.click("button[name=submit][value='1']")
        page.wait_for_selector("text=Đã nộp hồ sơ.")

    def decide_from_inbox(self, page, ob, decision, comment=""):
        page.goto(f"{self.live_server_url}/ho-so/cho-duyet/")
        page.wait_for_function("() => window.htmx !== undefined")
        page.click(f"#inbox-row-{ob.pk} button:has-text('Xem')")
        page.wait_for_selector("#preview iframe")
        page.wait_for_selector(f"#preview form[hx-post$='/nghia-vu/{ob.pk}/duyet/']")
        # htmx binds swapped-in content when it settles (after a short delay): clicking before
        # that would post the form without htmx.
        page.wait_for_function(
            "() => !document.querySelector('#preview').classList.contains('htmx-settling')"
        )
        if comment:
            page.fill("#preview textarea[name=comment]", comment)
        # The PDF viewer in the iframe above may take focus or scroll the page when it finishes
        # loading, so a pointer click can land beside the button: activate the button itself.
        page.locator(f"#preview button[name=decision][value={decision}]").dispatch_event("click")
        page.wait_for_selector("#preview .banner.success")

    def test_teacher_uploads_head_returns_teacher_resubmits_head_approves(self):
        world = small_school()
        setup_records(world)
        now = timezone.now()
        # Next week's lesson plan: the first one whose deadline is still ahead.
        ob = (
            Obligation.objects.filter(
                record_type__code="ke-hoach-bai-day",
                owner_staff=world.people["subject"],
                due_at__gt=now,
            )
            .order_by("due_at")
            .first()
        )
        assert ob is not None, "the test year must contain today"
        url = f"{self.live_server_url}/ho-so/nghia-vu/{ob.pk}/"
        teacher = self.login(world.users["subject"])
        self.upload_and_submit(teacher, url, "ke-hoach-bai-day.pdf", PDF_BYTES)
        assert teacher.locator("#state").inner_text().startswith("Đã nộp")

        head = self.login(world.users["dept_head"])
        self.decide_from_inbox(head, ob, "return", "Bổ sung phần mục tiêu của bài 3.")
        ob.refresh_from_db()
        assert ob.state == ObligationState.RETURNED and ob.returned_count == 1

        teacher.goto(url)
        assert "Bổ sung phần mục tiêu của bài 3." in teacher.locator("#history").inner_text()
        self.upload_and_submit(teacher, url, "ke-hoach-bai-day-sua.pdf", PDF_BYTES + b"% v2\n")

        self.decide_from_inbox(head, ob, "approve")
        ob.refresh_from_db()
        assert ob.state == ObligationState.APPROVED and ob.submissions.count() == 2
        assert timeliness(ob.due_at, ob.first_submitted_at, timezone.now()) == Timeliness.ON_TIME
        teacher.goto(url)
        assert "Đúng hạn" in teacher.locator("#timeliness").inner_text()
        assert "Đã duyệt" in teacher.locator("#state").inner_text()
        assert list(ob.decisions.order_by("at", "pk").values_list("kind", flat=True)) == [
            "submit",
            "return",
            "resubmit",
            "approve",
        ]
        assert verify_all()[1] == []
