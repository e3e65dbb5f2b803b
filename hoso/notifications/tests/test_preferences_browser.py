"""A parent sets how to be reached, on a phone (390 × 844): channels, quiet hours, digest; the
service worker registers from the root and the push button answers when permission is refused."""

from __future__ import annotations

from django.test import override_settings

from hoso.notifications.channels.push import new_private_key
from hoso.notifications.models import ContactPreferences
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school


@override_settings(HOSO_VAPID_PRIVATE_KEY=new_private_key())
class PreferencesOnAPhone(BrowserTestCase):
    def setUp(self):
        self.w = small_school()

    def test_save_preferences_and_push_button(self):
        page = self.login(self.w.users["parent"], viewport={"width": 390, "height": 844})
        page.goto(f"{self.live_server_url}/thong-bao/")
        page.click("text=Cài đặt nhận thông báo")
        page.wait_for_selector("h1:has-text('Cài đặt nhận thông báo')")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.is_checked("input[name=sms]")  # a guardian's default
        page.uncheck("input[name=zalo]")
        page.check("input[name=weekly_digest]")
        page.fill("input[name=quiet_start]", "22:00")
        page.fill("input[name=quiet_end]", "06:30")
        page.click("button:has-text('Lưu cài đặt')")
        page.wait_for_selector("text=Đã lưu cài đặt nhận thông báo.")
        prefs = ContactPreferences.objects.get(user=self.w.users["parent"])
        assert prefs.sms and not prefs.zalo and prefs.weekly_digest
        assert prefs.quiet_start.strftime("%H:%M") == "22:00"
        # the service worker is served from the root with its scope
        scope = page.evaluate(
            "navigator.serviceWorker.register('/sw.js', {scope: '/'}).then(r => r.scope)"
        )
        assert scope == f"{self.live_server_url}/"
        # the push button is shown (the browser supports push) and says why nothing happened
        button = page.locator("#push-enable")
        button.wait_for(state="visible")
        page.context.clear_permissions()
        page.evaluate("Notification.requestPermission = async () => 'denied'")
        button.click()
        page.wait_for_selector("text=Bạn chưa cho phép thông báo trên thiết bị này.")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
