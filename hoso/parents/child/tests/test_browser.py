"""The demo parent opens its child's contact-book page in a browser, on a phone (390 px) and a
laptop (1366 px): GIVEN the lower-secondary demo seeded on 20 November (the school publishes
columns once finalised; the teachers have finalised what they entered) WHEN the parent follows
the home page's link THEN the child's page shows published scores with decimal commas,
attendance and the coming tests, and nothing overflows the phone's width."""

from __future__ import annotations

import re

import pytest

from hoso.demo.data import DEMO_PASSWORD
from hoso.testing.browser import BrowserTestCase, off_the_event_loop

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.mark.clock("2026-11-20T09:00:00")
class ParentOpensTheChildsPage(BrowserTestCase):
    timeout_ms = 60_000  # two shared cores

    def setUp(self):
        from hoso.demo.actions import demo_seed

        off_the_event_loop(lambda: demo_seed(codes=("THCS-NT",)))

    def fits(self, page) -> None:
        width = page.evaluate("document.scrollingElement.scrollWidth")
        inner = page.evaluate("window.innerWidth")
        assert width <= inner + 1, (page.url, width, inner)

    def test_the_childs_page_on_a_phone_and_a_laptop(self):
        from hoso.students.models import StudentGuardian

        child = (
            StudentGuardian.objects.filter(guardian__user__username="phuhuynh")
            .select_related("student")
            .first()
            .student
        )
        for viewport in (PHONE, LAPTOP):
            page = self.login_as("phuhuynh", DEMO_PASSWORD, viewport=viewport)
            page.click(f"a[href='/lien-lac/con/{child.pk}/']")
            page.wait_for_selector(f"[data-testid=child-name]:has-text('{child.full_name}')")
            self.fits(page)
            subjects = page.inner_text("[data-testid=subjects]")
            assert re.search(r"\b\d{1,2},\d\b", subjects), subjects[:500]  # 7,5 not 7.5
            assert "ĐĐGtx 1" in subjects
            assert page.locator("[data-testid=subject]").count() >= 1
            assert "Năm học đến nay: nghỉ" in page.inner_text("[data-testid=attendance]")
            assert page.locator("[data-testid=upcoming] li").count() >= 1
            page.context.close()
