"""End to end in a browser (Playwright + Debian's chromium): the homeroom teacher uploads her
PKCS#12, puts the confirmed class book up for signing and signs it with her password; the
principal signs second; the page then shows both signatures valid and trusted."""

from __future__ import annotations

import pytest

from hoso.signing.models import DocumentState, SignedDocument
from hoso.signing.testpki import DEMO_PASSWORD, demo_pki
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school


@pytest.mark.browser
class ClassBookSignedInTheBrowser(BrowserTestCase):
    def test_homeroom_uploads_a_key_and_signs_then_the_principal(self):
        import tempfile

        from hoso.gradebook.tests.results_helpers import (
            complete_inputs,
            fill_all,
            rich_school,
            sign_all,
        )
        from hoso.signing.actions import credential_add_p12, trust_root_add

        with self.settings(MEDIA_ROOT=tempfile.mkdtemp()):
            world = small_school()
            rich = rich_school(world)
            fill_all(rich, world.student_a, 8, terms=(1,))
            complete_inputs(world, world.student_a)
            sign_all(rich, terms=(1,))
            pki = demo_pki()
            trust_root_add(certificate_pem=pki.ca.cert_pem)
            principal = pki.person(world.people["principal"].full_name)
            credential_add_p12(
                school=world.school,
                owner=world.users["principal"],
                data=principal.pkcs12(DEMO_PASSWORD),
                password=DEMO_PASSWORD,
            )
            name = world.people["homeroom"].full_name
            p12 = pki.person(name).pkcs12(DEMO_PASSWORD)

            # The homeroom teacher uploads her key: a wrong password first.
            page = self.login(world.users["homeroom"])
            page.goto(f"{self.live_server_url}/chu-ky/")
            files = {"name": "chu-ky.p12", "mimeType": "application/x-pkcs12", "buffer": p12}
            page.set_input_files("input[name=file]", files=files)
            page.fill("input[name=password]", "sai")
            page.fill("input[name=label]", "Khoá của tôi")
            page.click("button:has-text('Tải lên')")
            page.wait_for_selector("text=Mật khẩu chữ ký số không đúng.")
            assert page.input_value("input[name=label]") == "Khoá của tôi"
            page.set_input_files("input[name=file]", files=files)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("button:has-text('Tải lên')")
            page.wait_for_selector(f"td:has-text('{name}')")

            # She puts the class book up for signing and signs it.
            page.goto(f"{self.live_server_url}/chu-ky/van-ban/")
            row = page.locator("tr", has_text="Sổ theo dõi và đánh giá lớp 6A1")
            row.locator("button").click()
            page.wait_for_selector("text=Ký với vai trò Giáo viên chủ nhiệm")
            page.fill("input[name=secret]", DEMO_PASSWORD)
            page.click("button:has-text('Ký với vai trò')")
            page.wait_for_selector("text=Đã ký; chờ người ký tiếp theo.")

            # The principal finds it waiting and signs.
            page = self.login(world.users["principal"])
            page.goto(f"{self.live_server_url}/chu-ky/van-ban/")
            page.click("section:has-text('Chờ tôi ký') a")
            page.fill("input[name=secret]", DEMO_PASSWORD)
            page.click("button:has-text('Ký với vai trò Hiệu trưởng')")
            page.wait_for_selector("text=Tất cả chữ ký số hợp lệ và tin cậy")
            doc = SignedDocument.objects.get()
            assert doc.state == DocumentState.SIGNED and doc.next_index == 2
