"""A real school runs its own year, in a browser (Playwright + Debian's chromium), from an empty
database without the demo (issue 10, "Done when"):

1. late August: ``manage.py create_school`` makes THCS Lê Lợi and its administrator, who logs in
   with the one-time password, changes it and sets the school up on the web (year, classes, the
   programme's subjects, a department, the rule sets);
2. the administrator imports the staff list from an .xlsx saved by LibreOffice (everyone a teacher
   or without a position: the clerk's and the leaders' positions are not the administrator's to
   give); the principal is recorded on the server (``appoint_principal``), logs in, makes the vice
   principal (whose one-time password the administrator saw is replaced and shown to her only)
   and the clerk, and confirms the set-up;
3. the clerk imports each class list from an .xlsx saved by LibreOffice;
4. the vice principal imports the assignment table (.xlsx saved by LibreOffice) and sets one
   homeroom teacher in the editor;
5. early October: the maths teacher types the first regular scores of 6A1 in the grid;
6. late May: the rest of the year is filled by a test shortcut (scores, homeroom inputs, the
   teachers' sign-offs and the homeroom teachers' confirmations through the real actions);
   the principal approves term I, term II and the year on the results page;
7. mid-June: the clerk rolls the year over on a phone, and every student is where the approved decisions
   put them (6A1 → 7A1, 6A2 → 7A2, grade 9 completes lower secondary, the transferred-out student
   is not carried).
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings

from hoso.assessment.rules import ruleset_code_for
from hoso.core.clock import VN_TZ
from hoso.gradebook.entry.columns import COMMENT_RESULT, LEVEL, SCORE, TEST
from hoso.imports.tests.files import saved_by_libreoffice, soffice
from hoso.organisation.models import School, SchoolClass, SchoolYear, Staff, Subject
from hoso.organisation.setup.tests import pages
from hoso.students.models import Enrolment, Student
from hoso.testing.browser import BrowserTestCase

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
ADMIN_PASSWORD = "Quantri2026moi"
NEW_PASSWORD = "Matkhau2026moi"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

CLASSES = {
    "6A1": ["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Châu"],
    "6A2": ["Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang"],
    "9A1": ["Đỗ Văn Hải", "Bùi Thị Hoa", "Ngô Văn Khánh"],
}


def moment(day: str, hour: int = 9) -> datetime:
    from datetime import date

    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=VN_TZ)


def csv(rows: list[list[str]]) -> str:
    def quoted(value: str) -> str:
        return '"' + str(value).replace('"', '""') + '"'

    return "\n".join(",".join(quoted(v) for v in row) for row in rows) + "\n"


@pytest.mark.browser
@override_settings(TASKS=IMMEDIATE)
class ARealSchoolRunsItsYear(BrowserTestCase):
    timeout_ms = 60_000  # two shared cores

    @pytest.fixture(autouse=True)
    def _clock(self, _fixed_clock, tmp_path):
        self.clock = _fixed_clock
        self.folder = tmp_path

    # ----------------------------------------------------------------------------- helpers

    def page_for(self, username: str, password: str, viewport=LAPTOP, change_to: str = ""):
        return self.login_as(username, password, change_to=change_to, viewport=viewport)

    def fits(self, page) -> None:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], (page.url, width)

    def libreoffice_file(self, name: str, rows: list[list[str]]) -> str:
        path = self.folder / name
        path.write_bytes(saved_by_libreoffice(csv(rows), "xlsx"))
        return str(path)

    # ----------------------------------------------------------------------------- the year

    def test_from_nothing_to_the_next_year(self):
        soffice()  # skips without LibreOffice
        self.clock.move_to(moment("2026-08-24"))
        one_time = self.create_school()
        admin = self.set_up(one_time)
        school = School.objects.get(code="THCS-LL")
        year = SchoolYear.objects.get(school=school)
        assert year.name == "2026-2027"

        self.import_staff(admin, school)
        self.principal_confirms(school)
        clerk = self.page_for(
            "thult.ll", self.one_time_passwords["thult.ll"], change_to=NEW_PASSWORD
        )
        self.import_students(clerk, year)
        vice = self.page_for(
            "phodv.ll", self.one_time_passwords["phodv.ll"], change_to=NEW_PASSWORD
        )
        self.assign_teachers(vice, year)

        # Sessions end after an hour idle: each later step logs in again.
        self.clock.move_to(moment("2026-10-05"))
        self.teacher_enters_scores(year)
        self.transfer_one_out(self.page_for("thult.ll", NEW_PASSWORD), year)

        self.clock.move_to(moment("2027-05-26"))
        self.fill_the_rest(year)
        self.principal_approves(self.page_for("hientn.ll", NEW_PASSWORD), year)

        self.clock.move_to(moment("2027-06-15"))
        self.clerk_rolls_over(self.page_for("thult.ll", NEW_PASSWORD, viewport=PHONE), year)

    # ----------------------------------------------------------------------------- 1. set-up

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
        output = out.getvalue()
        assert "Ủy ban nhân dân phường Hải An" in output
        return re.search(r"Mật khẩu dùng một lần: (\S+)", output).group(1)

    def set_up(self, one_time: str):
        page = self.page_for("quantri.ll", one_time, change_to=ADMIN_PASSWORD)
        pages.create_year(page, "2026-2027")
        pages.step(page, "Lớp")
        pages.add_class_series(page, 6, "6A", 2)
        pages.add_class_names(page, 9, "9A1", "9A1")
        pages.step(page, "Môn học")
        pages.programme_subjects(page)
        pages.step(page, "Tổ")
        pages.add_department(page, "Tổ Khoa học tự nhiên")
        pages.add_department(page, "Tổ văn phòng", "office")
        pages.step(page, "Quy tắc đánh giá")
        proposed = ruleset_code_for("lower_secondary", 2026, grade=9)  # the roadmap's
        assert page.locator("select[name=grade_9]").input_value() == proposed
        pages.keep_rule_sets(page)
        pages.step(page, "Tổng quan")
        page.wait_for_selector("[data-testid=confirmation]:has-text('Chờ hiệu trưởng xác nhận')")
        self.fits(page)
        return page

    # ----------------------------------------------------------------------------- 2. staff

    # code, name, birth, gender, department, main subject, username
    STAFF = [
        (
            "CB001",
            "Nguyễn Thị Hiền",
            "12/03/1975",
            "Nữ",
            "Tổ Khoa học tự nhiên",
            "Toán",
            "hientn.ll",
        ),
        (
            "CB002",
            "Đặng Văn Phó",
            "20/07/1980",
            "Nam",
            "Tổ Khoa học tự nhiên",
            "Vật lí",
            "phodv.ll",
        ),
        ("CB003", "Lê Thị Thư", "02/02/1990", "Nữ", "Tổ văn phòng", "", "thult.ll"),
        ("CB004", "Vũ Minh Đức", "15/05/1985", "Nam", "Tổ Khoa học tự nhiên", "Toán", "ducvm.ll"),
        (
            "CB005",
            "Phạm Thị Hoa",
            "09/09/1988",
            "Nữ",
            "Tổ Khoa học tự nhiên",
            "Ngữ văn",
            "hoapt.ll",
        ),
        (
            "CB006",
            "Trần Văn Nam",
            "01/12/1983",
            "Nam",
            "Tổ Khoa học tự nhiên",
            "Hóa học",
            "namtv.ll",
        ),
        (
            "CB007",
            "Đỗ Thị Lan",
            "23/04/1991",
            "Nữ",
            "Tổ Khoa học tự nhiên",
            "Tiếng Anh",
            "landt.ll",
        ),
        (
            "CB008",
            "Hoàng Văn Sơn",
            "30/06/1987",
            "Nam",
            "Tổ Khoa học tự nhiên",
            "Thể dục",
            "sonhv.ll",
        ),
    ]
    TEACHERS = ["Vũ Minh Đức", "Phạm Thị Hoa", "Trần Văn Nam", "Đỗ Thị Lan", "Hoàng Văn Sơn"]

    def import_staff(self, page, school) -> None:
        """The administrator imports the staff list (a LibreOffice file): everyone comes in as a
        teacher or without a position — giving the clerk's or a leader's position is not the
        administrator's to do — and takes the one-time passwords once."""
        rows = [
            [
                "STT",
                "Mã cán bộ",
                "Họ và tên",
                "Ngày sinh",
                "Giới tính",
                "Chức vụ",
                "Tổ",
                "Môn giảng dạy chính",
                "Tên đăng nhập",
            ]
        ]
        for number, (code, name, birth, gender, team, subject, username) in enumerate(
            self.STAFF, start=1
        ):
            position = "" if team == "Tổ văn phòng" else "Giáo viên"
            rows.append([str(number), code, name, birth, gender, position, team, subject, username])
        path = self.libreoffice_file("danh-sach-can-bo.xlsx", rows)
        page.goto(f"{self.live_server_url}/to-chuc/can-bo/")
        page.click("text=Nhập từ Excel")
        page.wait_for_selector("h1:has-text('Nhập danh sách cán bộ từ Excel')")
        page.set_input_files("input[name=file]", path)
        page.click("button:has-text('Tải lên và kiểm tra')")
        page.wait_for_selector("h2:has-text('Xem trước')")
        page.click(f"button:has-text('Ghi {len(self.STAFF)} người mới vào sổ cán bộ')")
        page.wait_for_selector(f"text=Đã vào sổ {len(self.STAFF)} người")
        page.click("text=Danh sách tài khoản và mật khẩu dùng một lần")
        page.click("button:has-text('Hiện mật khẩu dùng một lần')")
        page.wait_for_selector("text=Mật khẩu chỉ hiện")
        self.one_time_passwords = {}
        for row in page.locator("main table tbody tr").all():
            username, password = (c.inner_text() for c in row.locator("code").all())
            self.one_time_passwords[username] = password
        assert sorted(self.one_time_passwords) == sorted(s[-1] for s in self.STAFF)
        assert Staff.objects.filter(school=school).count() == len(self.STAFF) + 1  # + admin

    def principal_confirms(self, school):
        """The principal is recorded on the server (nobody in the school makes a principal); she
        logs in with her one-time password, makes the vice principal and the clerk, and confirms
        the set-up."""
        out = io.StringIO()
        call_command("appoint_principal", "--school=THCS-LL", "--staff=CB001", stdout=out)
        assert "Đã ghi Nguyễn Thị Hiền là Hiệu trưởng" in out.getvalue()
        # Her account was opened by the import; its unchanged one-time password is replaced.
        match = re.search(r"Mật khẩu dùng một lần: (\S+)", out.getvalue())
        password = match.group(1) if match else self.one_time_passwords["hientn.ll"]
        page = self.page_for("hientn.ll", password, change_to=NEW_PASSWORD)

        for code, position in (("CB002", "vice_principal"), ("CB003", "clerk")):
            staff = Staff.objects.get(school=school, code=code)
            page.goto(f"{self.live_server_url}/to-chuc/can-bo/{staff.pk}/chuc-vu/")
            page.select_option("select[name=position]", position)
            page.click("button:has-text('Lưu')")
            if position == "vice_principal":
                # A leader's one-time password the administrator saw is replaced, and shown
                # once, to the principal only.
                page.wait_for_selector("h1:has-text('Mật khẩu mới của Đặng Văn Phó')")
                seen_by_admin = self.one_time_passwords["phodv.ll"]
                self.one_time_passwords["phodv.ll"] = page.inner_text("code.secret")
                assert self.one_time_passwords["phodv.ll"] != seen_by_admin
            else:
                page.wait_for_selector("text=Đã cập nhật chức vụ của Lê Thị Thư.")
            staff.refresh_from_db()
            assert staff.position == position

        page.goto(f"{self.live_server_url}/")
        page.click("main a:has-text('Xác nhận thiết lập năm học 2026-2027')")
        page.click("[data-testid=confirm]")
        page.wait_for_selector("text=Đã xác nhận thiết lập năm học 2026-2027.")
        return page

    # ----------------------------------------------------------------------------- 3. students

    def import_students(self, page, year) -> None:
        code = 0
        for class_name, names in CLASSES.items():
            school_class = SchoolClass.objects.get(year=year, name=class_name)
            rows = [["STT", "Mã học sinh", "Họ và tên", "Ngày sinh", "Giới tính"]]
            birth_year = 2014 if class_name.startswith("6") else 2011
            for number, name in enumerate(names, start=1):
                code += 1
                gender = "Nữ" if "Thị" in name else "Nam"
                rows.append(
                    [str(number), f"HS{code:04d}", name, f"0{number}/05/{birth_year}", gender]
                )
            path = self.libreoffice_file(f"lop-{class_name}.xlsx", rows)
            page.goto(f"{self.live_server_url}/to-chuc/lop/{school_class.pk}/")
            page.click("text=Nhập danh sách từ Excel")
            page.set_input_files("input[name=file]", path)
            page.click("button:has-text('Tải lên và kiểm tra')")
            page.click(f"button:has-text('Ghi {len(names)} học sinh vào lớp {class_name}')")
            page.wait_for_selector(f"text=Đã ghi {len(names)} học sinh vào lớp {class_name}")
        assert Enrolment.objects.filter(year=year).count() == 9

    # ----------------------------------------------------------------------------- 4. assignments

    def assign_teachers(self, page, year) -> None:
        """The vice principal imports the usual table (classes × subjects, GVCN), saved by
        LibreOffice, for the whole year; then gives 9A1 its homeroom teacher in the editor."""
        from hoso.organisation.models import HomeroomAssignment, SubjectOffering, TeachingAssignment

        subjects = list(
            Subject.objects.filter(school=year.school, offerings__isnull=False)
            .distinct()
            .order_by("order", "name")
        )
        homeroom = {"6A1": "Vũ Minh Đức", "6A2": "Phạm Thị Hoa", "9A1": ""}
        rows = [["STT", "Lớp", "GVCN", *[s.name for s in subjects]]]
        for number, class_name in enumerate(CLASSES, start=1):
            school_class = SchoolClass.objects.get(year=year, name=class_name)
            offered = set(
                SubjectOffering.objects.filter(grade=school_class.grade).values_list(
                    "subject_id", flat=True
                )
            )
            cells = [
                # Mathematics is Đức's everywhere; the others go round the teachers.
                ("Vũ Minh Đức" if s.code == "TOAN" else self.TEACHERS[(i + number) % 5])
                if s.pk in offered
                else ""
                for i, s in enumerate(subjects)
            ]
            rows.append([str(number), class_name, homeroom[class_name], *cells])
        path = self.libreoffice_file("phan-cong.xlsx", rows)
        page.goto(f"{self.live_server_url}/to-chuc/phan-cong/")
        page.click("text=Nhập từ Excel")
        page.wait_for_selector("h1:has-text('Nhập bảng phân công chuyên môn')")
        page.set_input_files("input[name=file]", path)
        page.fill("input[name=starts_on]", year.start_date.isoformat())
        page.click("button:has-text('Tải lên và kiểm tra')")
        page.wait_for_selector("h2:has-text('Xem trước')")
        page.locator("button:has-text('Ghi ')").click()
        page.wait_for_selector("text=Đã ghi ")

        # 9A1's homeroom teacher in the editor, from the first day of the year.
        page.goto(f"{self.live_server_url}/to-chuc/phan-cong/?ngay={year.start_date.isoformat()}")
        page.wait_for_function("() => window.htmx !== undefined")
        son = Staff.objects.get(school=year.school, code="CB008")
        page.select_option("[data-testid='homeroom-9A1'] select", str(son.pk))
        page.wait_for_selector("[data-testid='homeroom-9A1'] .cell-ok")
        self.fits(page)

        terms = year.terms.count()
        offered = SubjectOffering.objects.filter(grade__classes__year=year).count()
        assert TeachingAssignment.objects.filter(school_class__year=year).count() == offered * terms
        assert {
            h.school_class.name: h.teacher.full_name
            for h in HomeroomAssignment.objects.filter(school_class__year=year).select_related(
                "school_class", "teacher"
            )
        } == {
            "6A1": "Vũ Minh Đức",
            "6A2": "Phạm Thị Hoa",
            "9A1": "Hoàng Văn Sơn",
        }

    # ----------------------------------------------------------------------------- 5. scores

    def teacher_enters_scores(self, year) -> None:
        page = self.page_for(
            "ducvm.ll", self.one_time_passwords["ducvm.ll"], change_to=NEW_PASSWORD
        )
        page.goto(f"{self.live_server_url}/so-diem/")
        page.click("[data-testid=my-sheets] >> text=Toán — lớp 6A1")
        page.wait_for_selector("table[data-grid][data-ready]")
        page.click('table[data-grid] [data-row="0"][data-col="0"]')
        for value in ("8", "7,5", "9"):
            page.keyboard.type(value)
            page.keyboard.press("ArrowDown")
        page.wait_for_function(
            "() => document.getElementById('grid-status').textContent === 'Đã lưu tất cả'"
        )
        from hoso.gradebook.entry.models import Assessment

        typed = Assessment.objects.filter(
            school_class__year=year, school_class__name="6A1", column="TX1", subject__code="TOAN"
        )
        assert sorted(a.value for a in typed) == ["7.5", "8.0", "9.0"]
        assert {a.entered_by.username for a in typed} == {"ducvm.ll"}

    def transfer_one_out(self, page, year) -> None:
        """Châu (6A1) moves to another city in October: the clerk ends her enrolment."""
        chau = Student.objects.get(school=year.school, family_name="Lê", given_name="Châu")
        enrolment = Enrolment.objects.get(student=chau, year=year)
        page.goto(f"{self.live_server_url}/hoc-sinh/{chau.pk}/")
        page.click("text=Chuyển đi / bỏ học")
        page.select_option("select[name=status]", Enrolment.Status.TRANSFERRED_OUT)
        page.fill("input[name=end_date]", "2026-10-05")
        page.fill("input[name=note]", "Chuyển đến Trường THCS Chu Văn An, Hà Nội")
        page.click("button:has-text('Xác nhận')")
        page.wait_for_load_state()
        enrolment.refresh_from_db()
        assert enrolment.status == Enrolment.Status.TRANSFERRED_OUT

    # ----------------------------------------------------------------------------- 6. approval

    def fill_the_rest(self, year) -> None:
        """Test shortcut: every required cell still empty gets a passing value and every column
        is finalised (bulk writes), the homeroom inputs are filled; then the subject teachers
        sign their sheets off and the homeroom teachers sign their classes off and confirm the
        results of term I, term II and the year, through the real actions."""
        from hoso.accounts.actor import build_actor
        from hoso.core import clock
        from hoso.gradebook.entry.models import Assessment, SheetColumn
        from hoso.gradebook.entry.sheets import load_sheet
        from hoso.gradebook.results import actions as results_actions
        from hoso.gradebook.results.models import HomeroomInput
        from hoso.gradebook.signoff import actions as signoff
        from hoso.organisation.assignments.selectors import homeroom_teacher_of
        from hoso.organisation.models import SubjectOffering, TeachingAssignment

        good = {SCORE: "8.0", COMMENT_RESULT: "D", LEVEL: "T", TEST: "8"}
        now = clock.now()
        terms = list(year.terms.order_by("number"))
        classes = list(SchoolClass.objects.filter(year=year).select_related("grade", "year"))
        cells, columns = [], []
        for school_class in classes:
            roster = [
                e.student
                for e in Enrolment.objects.filter(
                    school_class=school_class, status__in=Enrolment.ACTIVE, end_date__isnull=True
                ).select_related("student")
            ]
            for offering in SubjectOffering.objects.filter(grade=school_class.grade).select_related(
                "subject"
            ):
                for term in terms:
                    teacher = TeachingAssignment.objects.get(
                        school_class=school_class, subject=offering.subject, term=term
                    ).teacher.user
                    sheet = load_sheet(school_class, offering.subject, term)
                    have = set(
                        Assessment.objects.filter(
                            school_class=school_class, subject=offering.subject, term=term
                        ).values_list("student_id", "column")
                    )
                    for column in sheet.columns:
                        if not column.required:
                            continue
                        day = term.end_date - timedelta(days=20)
                        columns.append(
                            SheetColumn(
                                school_class=school_class,
                                subject=offering.subject,
                                term=term,
                                column=column.key,
                                test_date=day if column.dated else None,
                                finalised_at=now,
                                finalised_by=teacher,
                            )
                        )
                        cells += [
                            Assessment(
                                student=student,
                                school_class=school_class,
                                subject=offering.subject,
                                term=term,
                                column=column.key,
                                value=good[column.kind],
                                assessed_on=day,
                                entered_by=teacher,
                                entered_at=now,
                                updated_at=now,
                            )
                            for student in roster
                            if (student.pk, column.key) not in have
                        ]
            homeroom = homeroom_teacher_of(school_class).user
            HomeroomInput.objects.bulk_create(
                HomeroomInput(
                    student=student,
                    year=year,
                    training_term1="T",
                    training_term2="T",
                    absences_term1=1,
                    absences_term2=0,
                    updated_by=homeroom,
                )
                for student in roster
            )
        Assessment.objects.bulk_create(cells)
        SheetColumn.objects.bulk_create(columns)

        actors = {}

        def actor_of(user):
            return actors.setdefault(user.pk, build_actor(user, year.school, year))

        for ta in TeachingAssignment.objects.filter(school_class__year=year).select_related(
            "school_class", "subject", "term", "teacher__user"
        ):
            sheet = load_sheet(ta.school_class, ta.subject, ta.term)
            signoff.sheet_signoff(actor=actor_of(ta.teacher.user), sheet=sheet)
        for school_class in classes:
            homeroom = actor_of(homeroom_teacher_of(school_class).user)
            for term in terms:
                signoff.class_signoff(actor=homeroom, school_class=school_class, term=term)
            for period in ("term1", "term2", "year"):
                results_actions.class_result_confirm(
                    actor=homeroom, school_class=school_class, period=period
                )

    def principal_approves(self, page, year) -> None:
        for period in ("term1", "term2", "year"):
            page.goto(f"{self.live_server_url}/so-diem/ket-qua/danh-sach/?ky={period}")
            page.click("button:has-text('Phê duyệt 3 lớp đã xác nhận')")
            page.wait_for_selector("text=Đã phê duyệt: ")
        from hoso.gradebook.results.models import ClassResult

        states = set(
            ClassResult.objects.filter(school_class__year=year).values_list("period", "state")
        )
        assert states == {(p, ClassResult.State.APPROVED) for p in ("term1", "term2", "year")}

    # ----------------------------------------------------------------------------- 7. rollover

    def clerk_rolls_over(self, page, year) -> None:
        page.goto(f"{self.live_server_url}/chuyen-nam-hoc/")
        page.click("button:has-text('Chuẩn bị chuyển năm học 2026-2027')")
        page.wait_for_selector("h1:has-text('Chuyển năm học 2026-2027')")
        assert page.locator("input[name='ten-7|A1']").input_value() == "7A1"
        page.click("button:has-text('Chuyển dữ liệu (8 học sinh)')")
        page.wait_for_selector("text=Đã chuyển sang năm học 2027-2028")
        self.fits(page)

        new = SchoolYear.objects.get(school=year.school, name="2027-2028")
        year.refresh_from_db()
        assert year.is_closed
        placed = {
            e.student.full_name: e.school_class.name
            for e in Enrolment.objects.filter(year=new).select_related("student", "school_class")
        }
        assert placed == {
            "Nguyễn Văn An": "7A1",
            "Trần Thị Bình": "7A1",
            "Phạm Thị Dung": "7A2",
            "Hoàng Văn Em": "7A2",
            "Vũ Thị Giang": "7A2",
        }
        outcomes = {
            e.student.full_name: (e.status, e.outcome, e.end_date)
            for e in Enrolment.objects.filter(year=year).select_related("student")
        }
        for name in ("Nguyễn Văn An", "Trần Thị Bình", "Phạm Thị Dung"):
            assert outcomes[name][1] == Enrolment.Outcome.PROMOTED
        for name in ("Đỗ Văn Hải", "Bùi Thị Hoa", "Ngô Văn Khánh"):
            assert outcomes[name][1] == Enrolment.Outcome.COMPLETED
        assert outcomes["Lê Minh Châu"][0] == Enrolment.Status.TRANSFERRED_OUT
        assert not Enrolment.objects.filter(year=new, student__given_name="Châu").exists()
        # The classes of the new year, the old year read-only; the student's path shows both.
        assert sorted(SchoolClass.objects.filter(year=new).values_list("name", flat=True)) == [
            "7A1",
            "7A2",
        ]
        an = Student.objects.get(school=year.school, given_name="An")
        page.goto(f"{self.live_server_url}/hoc-sinh/{an.pk}/")
        path = page.inner_text("main")
        assert "2026-2027" in path and "2027-2028" in path and "7A1" in path and "6A1" in path
