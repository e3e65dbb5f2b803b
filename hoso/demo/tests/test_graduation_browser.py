"""The demo principal opens the graduation pages in a browser, on a laptop (1366 px) and on a
phone (390 px): GIVEN the lower-secondary demo seeded on 15 July (the year over, grade 9's class
9A1 approved, round 1 recognised) THEN the round shows list 1 and list 2 with the reason of each
condition, and nothing overflows the phone's width (wide tables scroll inside their frame)."""

from __future__ import annotations

import pytest

from hoso.demo.data import DEMO_PASSWORD
from hoso.testing.browser import BrowserTestCase, off_the_event_loop

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.mark.clock("2027-07-15T09:00:00")
class PrincipalSeesTheGraduationLists(BrowserTestCase):
    timeout_ms = 60_000  # two shared cores

    def setUp(self):
        from hoso.demo.actions import demo_seed

        off_the_event_loop(lambda: demo_seed(codes=("THCS-NT",)))

    def fits(self, page) -> None:
        width = page.evaluate("document.scrollingElement.scrollWidth")
        inner = page.evaluate("window.innerWidth")
        assert width <= inner + 1, (page.url, width, inner)

    def test_lists_with_reasons_on_a_laptop_and_a_phone(self):
        from hoso.graduation.models import GraduationRound

        rnd = GraduationRound.objects.get(school__code="THCS-NT", number=1)
        eligible = rnd.candidates.filter(eligible=True).count()
        not_eligible = rnd.candidates.filter(eligible=False).count()
        assert eligible and not_eligible
        for viewport in (LAPTOP, PHONE):
            page = self.login_as("hieutruong", DEMO_PASSWORD, viewport=viewport)
            page.goto(f"{self.live_server_url}/tot-nghiep/")
            page.wait_for_selector("h1:has-text('Hoàn thành chương trình, xét công nhận')")
            self.fits(page)
            page.click(f"a[href='/tot-nghiep/dot/{rnd.pk}/']")
            page.wait_for_selector("h1:has-text('Xét công nhận tốt nghiệp THCS')")
            text = page.inner_text("main")
            assert f"Danh sách 1: đủ điều kiện công nhận tốt nghiệp ({eligible})" in text
            assert f"Danh sách 2: không đủ điều kiện ({not_eligible})" in text
            # The reasons, as the review wrote them.
            assert "Hoàn thành chương trình lớp 9" in text
            assert "Hồ sơ đủ." in text
            assert "Thiếu: Bản sao giấy khai sinh." in text
            assert "Kết quả cả năm lớp 9 chưa được hiệu trưởng phê duyệt." in text
            assert "Chờ kết quả kiểm tra lại hoặc rèn luyện trong hè." in text
            assert "đã công nhận" in text
            self.fits(page)
            page.context.close()
