"""Browser tests: Playwright driving Debian's chromium (headless) against Django's live server.

Subclass :class:`BrowserTestCase`; it is marked ``browser``, skips when chromium is missing
(``make browser-deps`` installs it), starts one browser per class and logs people in."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.db import connections

from hoso.testing.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.mark.browser
class BrowserTestCase(StaticLiveServerTestCase):
    timeout_ms = 30_000  # Playwright's default wait for each step

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(CHROMIUM):
            pytest.skip("Debian's chromium is not installed (make browser-deps)")
        # Playwright's sync API runs an event loop in this thread; Django's ORM would refuse.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

    def login(self, user, password: str = PASSWORD, **context_options):
        """A new browser context (its own cookies) with ``user`` logged in, on the home page."""
        return self.login_as(user.username, password, **context_options)

    def login_as(self, username: str, password: str, *, change_to: str = "", **context_options):
        """Log ``username`` in, in a new browser context; with ``change_to``, the account has a
        one-time password and is made to change it first (as at a real first login)."""
        context = self.browser.new_context(**context_options)
        context.set_default_timeout(self.timeout_ms)
        page = context.new_page()
        page.goto(f"{self.live_server_url}/tai-khoan/dang-nhap/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        if change_to:
            page.wait_for_selector("h1:has-text('Đổi mật khẩu')")
            page.fill("input[name=old_password]", password)
            page.fill("input[name=new_password]", change_to)
            page.fill("input[name=new_password2]", change_to)
            page.click("button:has-text('Đổi mật khẩu')")
        page.wait_for_selector("h1:has-text('Xin chào')")
        return page


def off_the_event_loop(call) -> None:
    """Run ``call`` in a thread of its own: pyHanko (signing, the demo's signed transcripts) runs
    its own asyncio loop, which cannot start inside Playwright's running one."""
    errors: list[BaseException] = []

    def run():
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
