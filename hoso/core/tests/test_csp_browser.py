"""Browser test (Playwright + Debian's chromium): GIVEN the strict Content-Security-Policy of
core/security.py (no inline style either) WHEN people open the main pages of their roles (login,
home, the grade sheet with its JS, the year-end results page, records and its inbox preview,
corrections and their minute, signing, transcripts, the import preview, the student form, the API
docs) THEN the browser reports no violation, and the behaviours moved from inline handlers into
hoso/static/hoso/behaviours.js still work."""

from __future__ import annotations

import tempfile

import pytest
from django.urls import reverse

from hoso.testing.browser import BrowserTestCase
from hoso.testing.factories import small_school

# Every violation, also the ones the console does not print (a report-only directive, a blocked
# style attribute), collected by the page itself before any of our scripts runs.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});
"""


@pytest.mark.browser
class PagesUnderTheContentSecurityPolicy(BrowserTestCase):
    timeout_ms = 60_000  # the machine's 2 cores are shared

    def watch(self, page):
        page.add_init_script(WATCH)
        messages: list[str] = []
        page.on(
            "console",
            lambda m: (
                messages.append(m.text)
                if "Content Security Policy" in m.text or m.text.startswith("Refused")
                else None
            ),
        )
        page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
        return messages

    def visit(self, page, messages, path: str, ready: str = "body"):
        response = page.goto(f"{self.live_server_url}{path}")
        assert response.status == 200, path
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, policy
        page.wait_for_selector(ready)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [], (path, page.evaluate("window.__csp"))
        assert messages == [], (path, messages)

    def test_anonymous_pages_and_the_api_docs(self):
        world = small_school()
        page = self.browser.new_page()
        messages = self.watch(page)
        self.visit(page, messages, "/tai-khoan/dang-nhap/", "input[name=username]")
        self.visit(page, messages, "/xac-minh/", "form")
        page = self.login(world.users["principal"])
        messages = self.watch(page)
        self.visit(page, messages, "/", "h1")
        self.visit(page, messages, "/api/docs", "#swagger-ui .information-container")

    def test_grade_sheet_and_the_autosubmitting_pickers(self):
        world = small_school()
        page = self.login(world.users["subject"])
        messages = self.watch(page)
        self.visit(page, messages, "/so-diem/", "[data-testid=term-picker]")
        # The term picker submits itself on change (was onchange="this.form.submit()").
        other = page.eval_on_selector(
            "select[name=ky]",
            "s => Array.from(s.options).find(o => !o.selected).value",
        )
        with page.expect_navigation():
            page.select_option("select[name=ky]", other)
        assert f"ky={other}" in page.url
        page.goto(f"{self.live_server_url}/so-diem/")
        page.click("[data-testid=my-sheets] >> text=Toán — lớp 6A1")
        page.wait_for_selector("table[data-grid][data-ready]")  # grid.js has run
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [] and messages == []

    def test_year_end_traits_fill_buttons_and_the_records_schedule_form(self):
        from hoso.gradebook.tests.results_helpers import primary_school
        from hoso.records.models import RecordType
        from hoso.records.tests.helpers import setup_records
        from hoso.testing.factories import make_student

        world = small_school()
        primary = primary_school(world)
        make_student(world.school, primary.school_class, "Phan Minh Châu")
        make_student(world.school, primary.school_class, "Trần Văn Bình")
        page = self.login(primary.homeroom)
        messages = self.watch(page)
        url = reverse("gradebook:results_inputs", args=[primary.school_class.pk]) + "?moc=end2"
        self.visit(page, messages, url, "table[data-testid=traits]")
        traits = "table[data-testid=traits] tbody select[data-trait]"
        assert set(page.eval_on_selector_all(traits, "ss => ss.map(s => s.value)")) == {""}
        # A column's picker fills that column only, then returns to its empty choice.
        column = page.locator("select[data-fill-traits]").first
        key = column.get_attribute("data-fill-traits")
        (chosen,) = column.select_option(label="Đ")
        assert chosen and chosen != "T"
        assert set(
            page.eval_on_selector_all(f'select[data-trait="{key}"]', "ss => ss.map(s => s.value)")
        ) == {chosen}
        assert column.input_value() == ""
        # "Điền T vào mọi ô còn trống" fills the others and keeps the column already chosen.
        page.click("button[data-fill-traits]")
        values = page.eval_on_selector_all(traits, "ss => ss.map(s => [s.dataset.trait, s.value])")
        assert all(v == (chosen if k == key else "T") for k, v in values), values
        assert page.evaluate("window.__csp") == [] and messages == []

        # Records: the schedule kind shows only its own fieldset (was an inline <script>).
        setup_records(world)
        page = self.login(world.users["principal"])
        messages = self.watch(page)
        record_type = RecordType.objects.filter(school=world.school).first()
        self.visit(
            page,
            messages,
            reverse("records:type_edit", args=[record_type.pk]),
            "select[name=schedule_kind]",
        )
        kinds = page.eval_on_selector_all(
            "fieldset[data-sched]", "fs => fs.map(f => f.dataset.sched)"
        )
        for kind in kinds:
            page.select_option("select[name=schedule_kind]", kind)
            shown = page.eval_on_selector_all(
                "fieldset[data-sched]", "fs => fs.filter(f => !f.hidden).map(f => f.dataset.sched)"
            )
            assert shown == [kind]
        assert page.evaluate("window.__csp") == [] and messages == []

    def test_pages_whose_inline_styles_became_classes(self):
        """Every template that carried a style= attribute, opened by someone who may see it."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        from hoso.gradebook.corrections.actions import correction_request
        from hoso.gradebook.entry import actions as entry
        from hoso.gradebook.entry.sheets import load_sheet
        from hoso.records import actions as records
        from hoso.records.tests.helpers import lesson_plan, pdf, setup_records
        from hoso.signing.books import record_spec
        from hoso.signing.documents import document_prepare
        from hoso.transcripts.actions import transcripts_draft_class
        from hoso.transcripts.models import Transcript
        from hoso.transcripts.tests.conftest import approve_results

        with self.settings(MEDIA_ROOT=tempfile.mkdtemp()):
            world = small_school()
            sheet = load_sheet(world.class_a, world.math, world.term1)
            subject = world.actor("subject")
            entry.assessment_save(
                actor=subject, sheet=sheet, student=world.student_a, column_key="GK", raw_value="7"
            )
            entry.columns_finalise(actor=subject, sheet=sheet, column_keys=["GK"])
            correction_form = (
                reverse("gradebook:correction_new")
                + f"?class={world.class_a.pk}&subject={world.math.pk}&term={world.term1.pk}"
                f"&student={world.student_a.pk}&column=GK"
            )
            page = self.login(world.users["subject"])
            messages = self.watch(page)
            self.visit(page, messages, correction_form, "textarea[name=reason]")
            correction = correction_request(
                actor=subject,
                sheet=sheet,
                student=world.student_a,
                column_key="GK",
                new_value="8",
                reason="Nhập nhầm.\nĐã kiểm tra lại bài.",
                files=[SimpleUploadedFile("bai.pdf", b"%PDF-1.4\n%%EOF\n")],
            )
            self.visit(page, messages, "/so-diem/", "progress.progress")
            for name in ("correction_detail", "correction_minute"):
                self.visit(page, messages, reverse(f"gradebook:{name}", args=[correction.pk]))

            # Records: a lesson plan submitted, its page, the inbox and its htmx preview.
            setup_records(world)
            plan = lesson_plan(world)
            records.submission_upload(
                actor=subject, obligation_id=plan.pk, upload=pdf(), submit=True
            )
            self.visit(page, messages, reverse("records:obligation", args=[plan.pk]))
            self.visit(page, messages, reverse("records:folders"), "ul.cards")
            teacher_messages = messages
            head = self.login(world.users["dept_head"])
            messages = self.watch(head)
            self.visit(head, messages, reverse("records:inbox"), ".inbox-split")
            head.wait_for_function("() => window.htmx !== undefined")
            head.click(f"#inbox-row-{plan.pk} button:has-text('Xem')")
            preview = head.wait_for_selector("#preview iframe.inbox-preview")
            # The PDF viewer inside the iframe may keep the network busy: wait for the frame's
            # load instead of the page's network idle (which flaked at 60 s under load).
            preview.content_frame().wait_for_load_state("load")
            assert head.evaluate("window.__csp") == [] and messages == []
            # The approved plan put up for signing: the signing document's page.
            plan = records.obligation_approve(actor=world.actor("dept_head"), obligation_id=plan.pk)
            document = document_prepare(spec=record_spec(plan), acting_user=world.users["subject"])
            self.visit(page, teacher_messages, reverse("signing:document", args=[document.pk]))

            # The principal: signing, locks, the comment bank, a transcript's preview.
            approve_results(world)
            transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
            transcript = Transcript.objects.filter(school_class=world.class_a).first()
            page = self.login(world.users["principal"])
            messages = self.watch(page)
            for path in (
                reverse("signing:credentials"),
                reverse("signing:documents"),
                reverse("signing:verify"),
                reverse("gradebook:locks"),
                reverse("gradebook:results_comment_bank"),
                reverse("transcripts:detail", args=[transcript.pk]),
            ):
                self.visit(page, messages, path)

            # The clerk: the student form, and an import whose preview shows a bad cell.
            page = self.login(world.users["clerk"])
            messages = self.watch(page)
            self.visit(page, messages, reverse("students:create", args=[world.class_a.pk]))
            self.visit(page, messages, reverse("students:edit", args=[world.student_a.pk]))
            self.import_with_a_bad_cell(page, messages, world)

    def import_with_a_bad_cell(self, page, messages, world):
        from pathlib import Path

        from hoso.imports.tests.files import xlsx

        upload = Path(tempfile.mkdtemp()) / "smas.xlsx"
        header = ["STT", "Số hiệu HS", "Họ tên học sinh", "Ngày tháng năm sinh", "GT"]
        upload.write_bytes(xlsx([header, [1, "SM002", "Bùi Văn Tùng", "31/02/2015", "Nam"]]))
        self.visit(page, messages, f"/to-chuc/lop/{world.class_a.pk}/")
        page.click("text=Nhập danh sách từ Excel")
        page.set_input_files("input[name=file]", str(upload))
        page.click("button:has-text('Tải lên và kiểm tra')")
        page.wait_for_selector("select[name=header_row]")  # the column mapping
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [] and messages == []
        page.select_option("select[name=col_1]", "student_code")
        page.click("button:has-text('Ghép cột và kiểm tra')")
        page.wait_for_selector('td[aria-invalid="true"] .cell-message')
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__csp") == [] and messages == []
