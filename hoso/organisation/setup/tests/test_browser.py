"""From nothing, in a browser (Playwright + Debian's chromium), on a 1366-px laptop: the command
creates a lower-secondary school and its administrator; the administrator logs in with the
one-time password, changes it, and fills every step of "Thiết lập trường" on the web; one page is
checked on a 390-px phone; the principal confirms and the checklist shows every step done."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from hoso.assessment.rules import ruleset_code_for
from hoso.organisation.models import Department, Position, School, SchoolClass, SchoolYear, Subject
from hoso.organisation.setup.tests import pages
from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import PASSWORD, make_staff

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "Truong2026moi"


@pytest.mark.browser
class SetUpASchoolFromNothing(BrowserTestCase):
    def create_school(self) -> str:
        out = io.StringIO()
        call_command(
            "create_school",
            "--code=THCS-LL",
            "--name=Trường THCS Lê Lợi",
            "--short-name=THCS Lê Lợi",
            "--level=lower_secondary",
            "--province=Thành phố Hải Phòng",
            "--commune=Phường Hải An",
            "--admin-username=quantri.ll",
            "--admin-name=Trần Văn Quản",
            "--admin-gender=nam",
            stdout=out,
        )
        return re.search(r"Mật khẩu dùng một lần: (\S+)", out.getvalue()).group(1)

    def no_horizontal_scroll(self, page) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], width

    def test_the_administrator_sets_the_school_up_and_the_principal_confirms(self):
        one_time = self.create_school()
        school = School.objects.get(code="THCS-LL")
        base = self.live_server_url

        # The one-time password must be changed first.
        page = self.login_as("quantri.ll", one_time, change_to=NEW_PASSWORD, viewport=LAPTOP)
        context = page.context

        # Home: what I have to do → the set-up.
        pages.create_year(page, "2026-2027", term1_end="2027-01-16")
        assert page.locator("table.weeks tbody tr").count() == 40

        # a. School profile.
        pages.step(page, "Trường")
        page.fill("input[name=address]", "Số 1 đường Lê Lợi, phường Hải An")
        page.fill("input[name=phone]", "0225 3741 286")
        page.fill("input[name=email]", "không phải thư")
        page.click("button:has-text('Lưu')")
        page.wait_for_selector("[data-testid=error]:has-text('không hợp lệ')")
        assert page.input_value("input[name=address]") == "Số 1 đường Lê Lợi, phường Hải An"
        page.fill("input[name=email]", "thcs.leloi@example.vn")
        page.click("button:has-text('Lưu')")
        page.wait_for_selector("text=Đã lưu thông tin trường.")

        # b. The year: a holiday of the school's own.
        pages.step(page, "Năm học")
        page.fill("input[name=holiday_name]", "Giỗ Tổ Hùng Vương")
        page.fill("input[name=holiday_start]", "2027-04-16")
        page.click("button:has-text('Thêm ngày nghỉ')")
        page.wait_for_selector("text=Đã thêm ngày nghỉ “Giỗ Tổ Hùng Vương”.")

        # c. Classes: 6A1–6A3 quickly, 7A and 7B by name, one renamed.
        pages.step(page, "Lớp")
        pages.add_class_series(page, 6, "6A", 3)
        pages.add_class_names(page, 7, "7A, 7B\n7c", "7A, 7B, 7c")
        row = page.locator("tr[data-class='7c']")
        row.locator("input[name=name]").fill("7C")
        row.locator("button:has-text('Lưu')").click()
        page.wait_for_selector("text=Đã lưu lớp 7C.")

        # d. Subjects: the programme, a grade's periods, a subject of the school's own.
        pages.step(page, "Môn học")
        pages.programme_subjects(page)
        math = Subject.objects.get(school=school, code="TOAN")
        page.fill(f"input[name=periods_{math.pk}]", "175")
        page.click("button:has-text('Lưu môn học khối 6')")
        page.wait_for_selector("text=Đã lưu môn học khối 6.")
        own = page.locator("form[data-form=own]")
        own.locator("input[name=code]").fill("KNS")
        own.locator("input[name=name]").fill("Kỹ năng sống")
        own.locator("select[name=assessment]").select_option("comment")
        own.locator("input[name=periods_6]").fill("35")
        own.locator("button").click()
        page.wait_for_selector("text=Đã thêm môn Kỹ năng sống.")

        # e. Departments (no staff yet but the administrator: heads stay empty).
        pages.step(page, "Tổ")
        pages.add_department(page, "Tổ Toán – Tin")
        pages.add_department(page, "Tổ văn phòng", "office")

        # f. Rule sets: the roadmap's proposal, kept.
        pages.step(page, "Quy tắc đánh giá")
        proposed = ruleset_code_for("lower_secondary", 2026, grade=6)  # the roadmap's
        assert page.locator("select[name=grade_6]").input_value() == proposed
        pages.keep_rule_sets(page)

        # The checklist: everything done, waiting for the principal.
        pages.step(page, "Tổng quan")
        page.wait_for_selector("[data-testid=confirmation]:has-text('Chờ hiệu trưởng xác nhận')")
        assert page.locator("li[data-done='0']").count() == 1  # the confirmation itself
        self.no_horizontal_scroll(page)

        # One page on a phone.
        phone = context.new_page()
        phone.set_viewport_size(PHONE)
        phone.goto(f"{base}/to-chuc/thiet-lap/lop/")
        phone.wait_for_selector("h1:has-text('Khối và lớp')")
        self.no_horizontal_scroll(phone)
        phone.goto(f"{base}/to-chuc/thiet-lap/")
        self.no_horizontal_scroll(phone)
        context.close()

        # The principal (the staff register is another part: made here through the ORM).
        principal = make_staff(
            school, "Nguyễn Thị Hiền", Position.PRINCIPAL, username="hieutruong.ll"
        )
        page = self.login(principal.user, PASSWORD, viewport=LAPTOP)
        page.click("text=Xác nhận thiết lập năm học 2026-2027")
        page.wait_for_selector("[data-testid=confirm]")
        page.click("[data-testid=confirm]")
        page.wait_for_selector("text=Đã xác nhận thiết lập năm học 2026-2027.")
        assert page.locator("[data-testid=confirmation]").inner_text() == "Hiệu trưởng đã xác nhận"
        assert page.locator("li[data-done='0']").count() == 0
        assert page.locator("li[data-done='1']").count() == 7

        year = SchoolYear.objects.get(school=school)
        assert year.confirmed_by == principal.user
        assert sorted(SchoolClass.objects.filter(year=year).values_list("name", flat=True)) == [
            "6A1",
            "6A2",
            "6A3",
            "7A",
            "7B",
            "7C",
        ]
        assert math.offerings.get(grade__number=6).periods_per_year == 175
        assert Department.objects.filter(school=school).count() == 2
        assert year.holidays.filter(name="Giỗ Tổ Hùng Vương").exists()
        school.refresh_from_db()
        assert school.email == "thcs.leloi@example.vn"
