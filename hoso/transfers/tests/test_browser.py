"""End to end in a browser: school A's clerk records a transfer out and the student leaves, the
transcript is signed by its chain, the clerk hands over and downloads the signed PDF; school B's
clerk records the transfer in and uploads that PDF (verified, imported as history), B's principal
accepts, B's clerk places the student. One student in B with the same code, two histories (the
prior record and the new enrolment), one verified transcript."""

from __future__ import annotations

import pytest
from django.test import override_settings

from hoso.students.models import Enrolment, Student
from hoso.testing.browser import BrowserTestCase, off_the_event_loop
from hoso.testing.factories import small_school
from hoso.transcripts import actions as transcript_actions
from hoso.transcripts.tests.conftest import PASSWORD, approve_results
from hoso.transfers.models import PriorRecord, Transfer


@pytest.mark.browser
@override_settings(HOSO_VERIFY_RATE=1000)
class TransferOutThenIn(BrowserTestCase):
    def test_out_of_a_into_b_with_the_verified_transcript(self):
        from hoso.signing.actions import credential_add_p12, trust_root_add
        from hoso.signing.testpki import demo_pki

        a, b = small_school("A"), small_school("B")
        pki = demo_pki()
        trust_root_add(certificate_pem=pki.ca.cert_pem)
        for user, name in (
            (a.users["homeroom"], "Đỗ Thị Lan"),
            (a.users["principal"], "Nguyễn Văn Hùng"),
            (None, a.school.name),
        ):
            issued = pki.person(name) if user else pki.organisation(name)
            credential_add_p12(
                school=a.school, owner=user, data=issued.pkcs12(PASSWORD), password=PASSWORD
            )
        student = a.student_a
        base = self.live_server_url + "/chuyen-truong/"

        # School A: the transfer out.
        page = self.login(a.users["clerk"])
        page.goto(base + "chuyen-di/")
        page.fill("#id_student_code", student.student_code)
        page.fill("#id_filed_on", "2026-11-17")
        page.fill("#id_leaving_on", "2026-11-18")
        page.fill("#id_other_school_name", b.school.name)
        page.fill("#id_other_school_code", b.school.code)
        page.click("button:has-text('Ghi nhận')")
        page.wait_for_selector("text=Đã ghi nhận đơn chuyển đi")
        page.click("button:has-text('Học sinh thôi học tại trường')")
        page.wait_for_selector("#transfer-state:has-text('chờ học bạ ký số')")
        # Hand-over refused until the transcript is issued.
        page.click("button:has-text('Bàn giao hồ sơ')")
        page.wait_for_selector("text=chưa được ký số và cấp")

        def chain():
            approve_results(a)
            c, act = a.class_a, a.actor
            transcript_actions.transcripts_homeroom_sign(
                actor=act("homeroom"), school_class=c, secret=PASSWORD
            )
            transcript_actions.transcripts_check(actor=act("vice"), school_class=c, approve=True)
            transcript_actions.transcripts_principal_sign(
                actor=act("principal"), school_class=c, secret=PASSWORD
            )
            transcript_actions.transcripts_issue(
                actor=act("clerk"), school_class=c, secret=PASSWORD
            )

        off_the_event_loop(chain)
        page.click("button:has-text('Bàn giao hồ sơ')")
        page.wait_for_selector("#transfer-state:has-text('Hoàn tất')")
        with page.expect_download() as download:
            page.click("#signed-pdf")
        pdf_path = download.value.path()
        with open(pdf_path, "rb") as fh:
            assert fh.read(5) == b"%PDF-"

        # School B: the transfer in, with the signed PDF.
        page_b = self.login(b.users["clerk"])
        page_b.goto(base + "chuyen-den/")
        page_b.fill("#id_student_code", student.student_code)
        page_b.fill("#id_family_name", student.family_name)
        page_b.fill("#id_middle_name", student.middle_name)
        page_b.fill("#id_given_name", student.given_name)
        page_b.select_option("#id_gender", student.gender)
        page_b.fill("#id_birth_date", student.birth_date.isoformat())
        page_b.fill("#id_grade", "6")
        page_b.fill("#id_other_school_name", a.school.name)
        page_b.fill("#id_filed_on", "2026-11-19")
        for code in ("application", "transcript", "referral"):
            page_b.check(f"input[name=documents][value={code}]")
        page_b.click("button:has-text('Ghi nhận')")
        page_b.wait_for_selector("text=Đã ghi nhận hồ sơ chuyển đến")
        page_b.set_input_files("#upload-form input[name=pdf]", pdf_path)
        page_b.click("#upload-form button")
        page_b.wait_for_selector("text=Đã xác thực và nhập học bạ năm học 2026-2027")
        transfer_url = page_b.url

        principal = self.login(b.users["principal"])
        principal.goto(transfer_url)
        principal.check("#decide-form input[value=accept]")
        principal.click("#decide-form button")
        principal.wait_for_selector("#transfer-state:has-text('Đã đồng ý tiếp nhận')")

        page_b.goto(transfer_url)
        page_b.click("#place-form button")
        page_b.wait_for_selector("#placed-class:has-text('6A1')")
        page_b.click("text=Quá trình học của học sinh")
        page_b.wait_for_selector(".prior-records")

        placed = Student.objects.filter(school=b.school, student_code=student.student_code)
        assert placed.count() == 1
        new = placed.get()
        assert list(Enrolment.objects.filter(student=new).values_list("status", flat=True)) == [
            "transferred_in"
        ]
        records = PriorRecord.objects.filter(student=new)
        assert records.count() == 1 and records.get().class_name == "6A1"
        assert Transfer.objects.filter(state="completed").count() == 2
        # A's student is kept, its enrolment ended.
        assert Enrolment.objects.get(student=student).status == "transferred_out"
