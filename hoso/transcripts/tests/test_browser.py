"""End to end in a browser (Playwright + Debian's chromium): the homeroom teacher drafts and
signs the class from "Học bạ số" with one password, the chain is finished, a visitor checks the
printed code on the public page and sees it authentic; after revocation it shows as revoked."""

from __future__ import annotations

import os

import pytest
from django.test import override_settings

from hoso.testing.browser import BrowserTestCase, off_the_event_loop
from hoso.testing.factories import small_school
from hoso.transcripts import actions
from hoso.transcripts.models import Transcript
from hoso.transcripts.tests.conftest import PASSWORD, approve_results


@pytest.mark.browser
@override_settings(ROOT_URLCONF="hoso.transcripts.tests.urls")
class TranscriptFromBoardToPublicPage(BrowserTestCase):
    def test_board_signing_and_public_verification(self):
        from hoso.signing.actions import credential_add_p12, trust_root_add
        from hoso.signing.testpki import demo_pki

        world = small_school()
        approve_results(world)
        pki = demo_pki()
        trust_root_add(certificate_pem=pki.ca.cert_pem)
        for user, name in (
            (world.users["homeroom"], "Đỗ Thị Lan"),
            (world.users["principal"], "Nguyễn Văn Hùng"),
            (None, world.school.name),
        ):
            issued = pki.person(name) if user else pki.organisation(name)
            credential_add_p12(
                school=world.school, owner=user, data=issued.pkcs12(PASSWORD), password=PASSWORD
            )
        page = self.login(world.users["homeroom"])
        page.click("nav summary:has-text('Học bạ & ký số')")  # the menu group
        page.click("nav >> text=Học bạ số")
        page.click("text=6A1")
        page.click("button:has-text('Lập / cập nhật học bạ cả lớp')")
        page.wait_for_selector("text=Đã lập 1 học bạ")
        page.fill("input[name=secret]", "sai mật khẩu")
        page.click("button:has-text('Ký tất cả')")
        page.wait_for_selector("[data-testid=error]:has-text('không đúng')")
        page.fill("input[name=secret]", PASSWORD)
        page.click("button:has-text('Ký tất cả')")
        page.wait_for_selector("text=Đã ký 1 học bạ")
        assert page.locator("[data-state=homeroom_signed]").count() == 1
        a = world.actor

        def finish_chain():
            actions.transcripts_check(actor=a("vice"), school_class=world.class_a, approve=True)
            actions.transcripts_principal_sign(
                actor=a("principal"), school_class=world.class_a, secret=PASSWORD
            )
            actions.transcripts_issue(actor=a("clerk"), school_class=world.class_a, secret=PASSWORD)

        off_the_event_loop(finish_chain)
        t = Transcript.objects.get()
        visitor = self.browser.new_context().new_page()
        visitor.goto(f"{self.live_server_url}/xac-minh/")
        visitor.fill("input[name=code]", t.code.lower())
        visitor.click("button:has-text('Tra cứu')")
        visitor.wait_for_selector("[data-status=current]")
        assert "N*** V*** An" in visitor.content()
        visitor.screenshot(path=os.environ.get("HOSO_SCREENSHOT", "/tmp/xac-minh.png"))
        actions.transcript_revoke(actor=a("clerk"), transcript=t, reason="Sai ngày sinh")
        visitor.reload()
        visitor.wait_for_selector("[data-status=revoked]")
