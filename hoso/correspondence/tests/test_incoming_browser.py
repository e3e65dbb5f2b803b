"""End to end in a browser (Playwright + Debian's chromium): the clerk registers an incoming
document with its scanned file and gets số đến 1; the principal opens it, names the lead and a
supporting person with a deadline and a directive; the lead signs for it."""

from __future__ import annotations

import pytest

from hoso.archive.testing import pdf_bytes
from hoso.correspondence.actions import office_setup
from hoso.correspondence.models import IncomingDocument
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school


@pytest.mark.browser
class ClerkRegistersPrincipalDirects(BrowserTestCase):
    timeout_ms = 60_000  # the machine's 2 cores are shared

    def test_clerk_registers_principal_directs_lead_acknowledges(self):
        world = small_school()
        office_setup(school=world.school)
        base = f"{self.live_server_url}/van-ban/den/"

        page = self.login(world.users["clerk"])
        page.goto(base + "moi/")
        page.fill("input[name=author]", "Phòng Giáo dục và Đào tạo")
        page.fill("input[name=their_symbol]", "512/PGDĐT-THCS")
        page.fill("input[name=type_name]", "Công văn")
        page.fill("textarea[name=summary]", "V/v tổ chức thi học sinh giỏi cấp huyện")
        page.select_option("select[name=urgency]", "urgent")
        page.set_input_files(
            "input[name=file]",
            files=[
                {
                    "name": "cv512.pdf",
                    "mimeType": "application/pdf",
                    "buffer": pdf_bytes("Công văn số 512"),
                }
            ],
        )
        page.click("button:has-text('Đăng ký và cấp số đến')")
        page.wait_for_selector("text=Đã đăng ký văn bản đến số 1.")
        doc = IncomingDocument.objects.get()
        assert doc.number == 1 and doc.urgency == "urgent"
        page.click("button:has-text('Trình Hiệu trưởng')")
        page.wait_for_selector("text=Đã trình văn bản.")
        page.context.close()

        page = self.login(world.users["principal"])
        page.goto(f"{base}{doc.pk}/")
        page.select_option("#direct-form select[name=lead]", str(world.users["vice"].pk))
        page.select_option("#direct-form select[name=support]", [str(world.users["homeroom"].pk)])
        page.fill("#direct-form input[name=deadline]", "2026-11-30")
        page.fill("#direct-form textarea[name=directive]", "Đ/c Mai chủ trì, lập danh sách.")
        page.click("#direct-form button[type=submit]")
        page.wait_for_selector("text=Đã cho ý kiến chỉ đạo và chuyển văn bản.")
        assert "Đ/c Mai chủ trì" in page.inner_text("#directive")
        page.context.close()

        page = self.login(world.users["vice"])
        page.goto(f"{base}{doc.pk}/")
        page.click("button:has-text('Ký nhận')")
        page.wait_for_selector("text=Đã ký nhận văn bản.")
        doc.refresh_from_db()
        assert doc.state == "directed"
        assert doc.assignees.get(user=world.users["vice"]).acknowledged_at is not None
