"""Browser tests (Playwright + Debian's chromium) of the accounts' security pages, walked as people
use them, at a phone's width (390×844) and a laptop's (1366 px), under the strict CSP:
GIVEN a school WHEN the principal turns the second step on, signs in with a code, replays it,
uses a recovery code; WHEN someone forgot their password and follows the e-mailed link; WHEN
passwords are guessed; WHEN the administrator turns someone's second step off THEN each page
answers in Vietnamese, keeps what was typed, fits the screen and reports no CSP violation.

What a browser cannot show stays in test_security.py: a sign-in from another address while one
address is slowed (the live server sees one address for every browser here)."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
import segno
from django.core import mail
from django.urls import reverse

from hoso.accounts import two_factor
from hoso.accounts.models import RecoveryCode, TwoFactor
from hoso.audit.models import AuditEvent
from hoso.core import clock
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import PASSWORD, small_school

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
LOGIN = "/tai-khoan/dang-nhap/"
PROFILE = "/tai-khoan/ca-nhan/"

# Every CSP violation, also those the console does not print (see core/tests/test_csp_browser.py).
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});
"""


def qr_matrix_from_svg(svg_path: str) -> set[tuple[int, int]]:
    """The dark modules drawn by segno's SVG path ("M x y.5 h n m dx dy …", one module a unit)."""
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?", svg_path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(float(a))):
                dark.add((int(x) + i, int(y)))
            x += float(a)
    return dark


def qr_matrix(content: str) -> set[tuple[int, int]]:
    """The dark modules of the QR code of ``content`` as segno draws it (border 4)."""
    qr = segno.make_qr(content, error="m")
    return {(x + 4, y + 4) for y, row in enumerate(qr.matrix) for x, dark in enumerate(row) if dark}


@pytest.mark.browser
class SecurityPagesInABrowser(BrowserTestCase):
    timeout_ms = 60_000  # the machine's 2 cores are shared

    def setUp(self):
        super().setUp()
        self.world = small_school()
        self.contexts = []

    def tearDown(self):
        for context in self.contexts:
            context.close()
        super().tearDown()

    # --- helpers ---------------------------------------------------------------------------

    def new_page(self, viewport=PHONE):
        context = self.browser.new_context(viewport=viewport, locale="vi-VN")
        context.set_default_timeout(self.timeout_ms)
        self.contexts.append(context)
        page = context.new_page()
        page.add_init_script(WATCH)
        page.hoso_messages = []
        page.on(
            "console",
            lambda m: (
                page.hoso_messages.append(m.text)
                if "Content Security Policy" in m.text or m.text.startswith("Refused")
                else None
            ),
        )
        page.on("pageerror", lambda e: page.hoso_messages.append(f"pageerror: {e}"))
        return page

    def go(self, page, path: str):
        response = page.goto(f"{self.live_server_url}{path}")
        assert response.status == 200, (path, response.status)
        return response

    def check(self, page, name: str = ""):
        """No CSP violation, no script error, no server error page, nothing wider than the
        screen at both widths; a screenshot of each when HOSO_SCREENSHOTS names a folder."""
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], page.evaluate("window.__csp")
        assert page.hoso_messages == []
        body = page.inner_text("body")
        assert "Server Error" not in body and "Traceback" not in body
        if not name:
            return
        original = page.viewport_size
        for label, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
            page.set_viewport_size(viewport)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (name, label, overflow)
            folder = os.environ.get("HOSO_SCREENSHOTS")
            if folder:
                Path(folder).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{folder}/{name}-{label}.png", full_page=True)
        page.set_viewport_size(original)

    def sign_in(self, page, username: str, password: str = PASSWORD):
        self.go(page, LOGIN)
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")

    def banner(self, page) -> str:
        return page.locator("main .banner.error").first.inner_text()

    def sign_out(self, page):
        page.click("form[action$='/dang-xuat/'] button")
        page.wait_for_selector("input[name=username]")

    # --- 1. the principal turns the second step on --------------------------------------

    def test_principal_turns_on_two_factor_and_signs_in_with_codes(self):
        principal = self.world.users["principal"]
        page = self.new_page(PHONE)
        self.sign_in(page, principal.username)
        page.wait_for_selector("h1:has-text('Xin chào')")
        self.go(page, PROFILE)
        page.click("button:has-text('Bật xác thực hai bước')")
        page.wait_for_selector(".qr svg")
        self.check(page, "2fa-setup")

        # The QR code holds the otpauth address of the secret shown as text, module by module.
        secret = page.inner_text("[data-testid=two-factor-secret]").replace(" ", "")
        assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
        uri = pyotp.TOTP(secret).provisioning_uri(name=principal.username, issuer_name="HoSo")
        drawn = qr_matrix_from_svg(page.get_attribute(".qr svg path", "d"))
        assert drawn == qr_matrix(uri)
        box = page.locator(".qr svg").bounding_box()  # big enough for a phone's camera, square
        assert box["width"] >= 160 and abs(box["width"] - box["height"]) < 1
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert page.eval_on_selector(".qr svg", "s => getComputedStyle(s).backgroundColor") in (
            "rgb(255, 255, 255)",
        )

        # A wrong code: a Vietnamese message, the setup still there.
        page.fill("input[name=code]", "123456")
        page.click("button:has-text('Xác nhận và bật')")
        assert "Mã không đúng" in self.banner(page)
        assert page.inner_text("[data-testid=two-factor-secret]").replace(" ", "") == secret

        totp = pyotp.TOTP(secret)
        page.fill("input[name=code]", totp.at(clock.now()))
        page.click("button:has-text('Xác nhận và bật')")
        page.wait_for_selector(".recovery-codes")
        codes = page.eval_on_selector_all(".recovery-codes code", "cs => cs.map(c => c.innerText)")
        assert len(codes) == 10 and len(set(codes)) == 10
        assert two_factor.is_on(principal)
        self.check(page, "2fa-codes")
        # Shown once: not on the next visit.
        self.go(page, PROFILE)
        assert page.locator(".recovery-codes").count() == 0
        assert "Còn 10 mã khôi phục" in page.inner_text("main")
        self.sign_out(page)

        # Password, then a code (of the next time step: the confirming one is used up).
        self.sign_in(page, principal.username)
        page.wait_for_selector("h1:has-text('Xác thực hai bước')")
        self.check(page, "login-code")
        code = totp.at(clock.now() + timedelta(seconds=30))
        page.fill("input[name=code]", code)
        page.click("button:has-text('Xác nhận')")
        page.wait_for_selector("h1:has-text('Xin chào')")
        self.sign_out(page)

        # The same code again: refused, in Vietnamese, the page still asks for a code.
        self.sign_in(page, principal.username)
        page.wait_for_selector("h1:has-text('Xác thực hai bước')")
        page.fill("input[name=code]", code)
        page.click("button:has-text('Xác nhận')")
        assert self.banner(page) == "Mã không đúng hoặc đã dùng."
        assert page.locator("input[name=code]").is_visible()
        self.check(page)

        # A recovery code (typed as people do: capitals, spaces) works once.
        page.fill("input[name=code]", " " + codes[0].upper() + " ")
        page.click("button:has-text('Xác nhận')")
        page.wait_for_selector("h1:has-text('Xin chào')")
        self.sign_out(page)
        self.sign_in(page, principal.username)
        page.wait_for_selector("h1:has-text('Xác thực hai bước')")
        page.fill("input[name=code]", codes[0])
        page.click("button:has-text('Xác nhận')")
        assert self.banner(page) == "Mã không đúng hoặc đã dùng."
        assert RecoveryCode.objects.filter(user=principal, used_at__isnull=True).count() == 9
        # The way back to the password is there.
        page.click("a:has-text('Quay lại đăng nhập')")
        page.wait_for_selector("input[name=username]")

    # --- 2. "Quên mật khẩu?" -----------------------------------------------------------------

    def test_forgotten_password_by_email(self):
        vice = self.world.users["vice"]
        vice.email = "mai.tran@example.edu.vn"
        vice.save(update_fields=["email"])
        mail.outbox.clear()
        page = self.new_page(LAPTOP)
        self.go(page, LOGIN)
        page.click("a:has-text('Quên mật khẩu?')")
        page.wait_for_selector("h1:has-text('Quên mật khẩu')")
        self.check(page, "forgot-password")

        # An unknown name gets the same answer as a known one.
        page.fill("input[name=identifier]", "khong.co.ai")
        page.click("button:has-text('Gửi liên kết')")
        unknown_answer = page.locator("main .banner").first.inner_text()
        # The answer page puts the cursor back in the field (autofocus): wait for it — the banner
        # can be read before the browser applies autofocus (a race seen under load).
        page.wait_for_function(
            "() => document.activeElement && document.activeElement.name === 'identifier'",
            timeout=5000,
        )
        page.fill("input[name=identifier]", vice.username)
        page.click("button:has-text('Gửi liên kết')")
        answer = page.locator("main .banner").first.inner_text()
        assert answer == unknown_answer and "Nếu tài khoản tồn tại và có e-mail" in answer
        self.check(page, "forgot-password-sent")
        assert len(mail.outbox) == 1, [m.to for m in mail.outbox]
        message = mail.outbox[0]
        assert message.to == [vice.email]
        link = re.search(r"https?://\S+/tai-khoan/dat-lai-mat-khau/\S+/", message.body).group(0)
        assert link.startswith(self.live_server_url)

        page.goto(link)
        page.wait_for_selector("h1:has-text('Đặt mật khẩu mới')")
        assert "/dat/" in page.url  # the token left the address bar
        assert page.locator("a:has-text('Quay lại đăng nhập')").count() == 1
        self.check(page, "reset-password")
        # A common password: refused with its message.
        page.fill("input[name=new_password]", "matkhau123")
        page.fill("input[name=new_password2]", "matkhau123")
        page.click("button:has-text('Đặt mật khẩu')")
        assert "phổ biến" in page.inner_text("form")
        # Two different ones: the second field's message.
        page.fill("input[name=new_password]", "Hoaphuong2027")
        page.fill("input[name=new_password2]", "Hoaphuong2028")
        page.click("button:has-text('Đặt mật khẩu')")
        assert "không giống nhau" in page.inner_text("form")
        # The current one: refused.
        page.fill("input[name=new_password]", PASSWORD)
        page.fill("input[name=new_password2]", PASSWORD)
        page.click("button:has-text('Đặt mật khẩu')")
        assert "khác mật khẩu hiện tại" in page.inner_text("form")
        self.check(page, "reset-password-refused")
        page.fill("input[name=new_password]", "Hoaphuong2027")
        page.fill("input[name=new_password2]", "Hoaphuong2027")
        page.click("button:has-text('Đặt mật khẩu')")
        page.wait_for_selector("input[name=username]")
        assert "Đã đặt mật khẩu mới" in page.inner_text("main")

        # The link once only.
        page.goto(link)
        assert "không hợp lệ, đã hết hạn hoặc đã được dùng" in self.banner(page)
        page.click("a:has-text('Yêu cầu liên kết mới')")
        page.wait_for_selector("input[name=identifier]")

        # The new password works (the vice principal has no second step).
        self.sign_in(page, vice.username, "Hoaphuong2027")
        page.wait_for_selector("h1:has-text('Xin chào')")
        assert AuditEvent.objects.filter(
            event_type="account.password_reset_by_email", target_id=vice.pk
        ).exists()

    # --- 3. guessed passwords -------------------------------------------------------------

    def test_guessed_passwords_are_slowed_the_same_for_unknown_names(self):
        principal = self.world.users["principal"]
        seen = {}
        for username in (principal.username, "khong.co.ai"):
            page = self.new_page(PHONE)
            answers = []
            for _ in range(7):
                self.sign_in(page, username, "Sai-mat-khau-1")
                answers.append(self.banner(page))
                # What was typed as the name is kept.
                assert page.input_value("input[name=username]") == username
            seen[username] = [re.sub(r"\d+ giây", "N giây", a) for a in answers]
            assert answers[0] == "Tên đăng nhập hoặc mật khẩu không đúng."
            assert re.fullmatch(r"Đăng nhập sai nhiều lần, hãy thử lại sau \d+ giây\.", answers[-1])
            self.check(page, "login-throttled" if username == principal.username else "")
        assert seen[principal.username] == seen["khong.co.ai"]

    # --- 4. the administrator turns someone's second step off --------------------------

    def test_administrator_resets_a_second_step_with_confirmation_never_their_own(self):
        admin = self.world.users["admin"]
        clerk = self.world.users["clerk"]
        vice = self.world.users["vice"]
        for key in ("admin", "clerk", "vice"):
            row = two_factor.two_factor_begin(actor=self.world.actor(key))
            code = pyotp.TOTP(row.secret).at(clock.now())
            two_factor.two_factor_confirm(actor=self.world.actor(key), code=code)
        page = self.new_page(PHONE)
        self.sign_in(page, admin.username)
        page.wait_for_selector("h1:has-text('Xác thực hai bước')")
        secret = TwoFactor.objects.get(user=admin).secret
        page.fill("input[name=code]", pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30)))
        page.click("button:has-text('Xác nhận')")
        page.wait_for_selector("h1:has-text('Xin chào')")
        self.go(page, "/tai-khoan/quan-tri/")
        self.check(page, "accounts-admin")
        clerk_row = page.locator("tr", has_text=clerk.username)
        own_row = page.locator("tr", has_text=admin.username)
        vice_row = page.locator("tr", has_text=vice.username)
        assert own_row.locator("button:has-text('Tắt xác thực hai bước')").count() == 0
        # A leader's is the principal's to reset (on the person's page), not here.
        assert vice_row.locator("button:has-text('Tắt xác thực hai bước')").count() == 0
        assert "do Hiệu trưởng quản lý" in vice_row.inner_text()

        # Asked first: "Hủy" changes nothing.
        asked = []
        page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
        clerk_row.locator("button:has-text('Tắt xác thực hai bước')").click()
        page.wait_for_timeout(300)
        assert asked and clerk.username in asked[0]
        assert two_factor.is_on(clerk)
        page.once("dialog", lambda d: d.accept())
        with page.expect_navigation():
            clerk_row.locator("button:has-text('Tắt xác thực hai bước')").click()
        assert f"Đã tắt xác thực hai bước của {clerk.username}" in page.inner_text("main")
        assert not two_factor.is_on(clerk)
        assert AuditEvent.objects.filter(
            event_type="account.two_factor_reset", target_id=clerk.pk, actor=admin
        ).exists()
        self.check(page)

        # The principal resets the vice principal's on the vice principal's page.
        principal_page = self.new_page(LAPTOP)
        self.sign_in(principal_page, self.world.users["principal"].username)
        principal_page.wait_for_selector("h1:has-text('Xin chào')")
        self.go(
            principal_page,
            reverse("organisation:staff_detail", args=[self.world.people["vice"].pk]),
        )
        principal_page.once("dialog", lambda d: d.accept())
        with principal_page.expect_navigation():
            principal_page.click("button:has-text('Tắt xác thực hai bước')")
        assert not two_factor.is_on(vice)
        self.check(principal_page)
