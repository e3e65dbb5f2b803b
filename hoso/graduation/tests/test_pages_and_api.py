"""GIVEN the graduation pages and API WHEN each role asks THEN the scope holds: managers write,
inspectors read, a grade-9 homeroom teacher reads its class only, parents see nothing."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import date

import pytest
from django.test import Client
from openpyxl import load_workbook

from hoso.accounts.actions import api_token_create
from hoso.audit.models import AuditEvent
from hoso.graduation import actions, selectors
from hoso.graduation.models import GraduationRound
from hoso.graduation.tests.conftest import REVIEW, approve
from hoso.graduation.tests.test_book_and_documents import recognised_round
from hoso.organisation.models import GradeLevel, Level, SchoolClass
from hoso.testing.factories import make_student

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def reviewed(g9) -> GraduationRound:
    rnd = actions.round_create(actor=g9.actor("principal"), year=g9.world.year, review_date=REVIEW)
    g9.full_council(rnd)
    return actions.round_review(actor=g9.actor("principal"), rnd=rnd)


# ----------------------------------------------------------------------------- primary


@pytest.fixture
def grade5(world):
    world.school.levels = [*world.school.levels, Level.PRIMARY]  # a school with both levels
    world.school.save(update_fields=["levels"])
    grade = GradeLevel.objects.create(school=world.school, number=5, level=Level.PRIMARY)
    klass = SchoolClass.objects.create(year=world.year, grade=grade, name="5A")
    done = make_student(world.school, klass, "Hà Thu Trang", birth=date(2016, 1, 2), gender="F")
    not_done = make_student(world.school, klass, "Mai Văn Tú", birth=date(2016, 3, 2))
    approve(
        klass,
        {
            done: {"completed": True, "overall": "HTT"},
            not_done: {"completed": False, "overall": "CHT"},
        },
    )
    waiting = SchoolClass.objects.create(year=world.year, grade=grade, name="5B")
    pending = make_student(world.school, waiting, "Đinh Văn Lộc", birth=date(2016, 4, 2))
    return klass, done, not_done, pending


def test_primary_completion_list_with_reasons(world, grade5):
    _, done, not_done, pending = grade5
    listing = selectors.primary_completion(None, world.year)
    assert [r.student for r in listing.completed] == [done]
    assert listing.completed[0].result == "Hoàn thành tốt"
    reasons = {r.student.pk: r.reason for r in listing.not_completed}
    assert "Chưa hoàn thành chương trình lớp 5" in reasons[not_done.pk]
    assert "chưa được hiệu trưởng phê duyệt" in reasons[pending.pk]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) missing")
def test_primary_completion_print_and_excel(world, grade5, tmp_path):
    _, done, not_done, _ = grade5
    c = client_for(world.users["clerk"])
    r = c.get("/tot-nghiep/hoan-thanh-tieu-hoc/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    path = tmp_path / "p.pdf"
    path.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "HOÀN THÀNH CHƯƠNG TRÌNH TIỂU HỌC" in text
    assert done.full_name in text and not_done.full_name in text
    r = c.get("/tot-nghiep/hoan-thanh-tieu-hoc/xlsx/")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.worksheets[0].cell(row=2, column=2).value == done.full_name
    assert AuditEvent.objects.filter(event_type="graduation.exported").count() == 2


def test_a_lower_secondary_school_has_no_primary_completion_list(world):
    assert Level.PRIMARY not in world.school.levels
    c = client_for(world.users["principal"])
    page = c.get("/tot-nghiep/").content.decode()
    assert "Xét công nhận tốt nghiệp trung học cơ sở" in page
    assert "hoàn thành chương trình tiểu học" not in page
    assert c.get("/tot-nghiep/hoan-thanh-tieu-hoc/").status_code == 404
    assert c.get("/tot-nghiep/hoan-thanh-tieu-hoc/pdf/").status_code == 404


# ----------------------------------------------------------------------------- pages


def test_round_page_scope(g9):
    rnd = reviewed(g9)
    url = f"/tot-nghiep/dot/{rnd.pk}/"
    page = client_for(g9.world.users["principal"]).get(url).content.decode()
    for s in g9.students:
        assert s.full_name in page
    assert "Thêm vào hội đồng" in page
    # The homeroom teacher of 9A1 reads its class only, and no form.
    page = client_for(g9.homeroom.user).get(url).content.decode()
    assert g9.students[0].full_name in page and g9.students[2].full_name not in page
    assert "Thêm vào hội đồng" not in page and "Lưu và xét lại" not in page
    r = client_for(g9.homeroom.user).get(url + "tai/bien-ban.pdf")
    assert r.status_code == 404
    # The inspector reads all, writes nothing.
    insp = client_for(g9.world.users["inspector"])
    assert insp.get(url).status_code == 200
    assert insp.post(url + "xet/").status_code in (302, 403)
    assert GraduationRound.objects.get(pk=rnd.pk).reviewed_by == g9.world.users["principal"]
    # Parents and others: nothing.
    for who in ("parent", "accountant"):
        assert client_for(g9.world.users[who]).get(url).status_code == 404
        assert client_for(g9.world.users[who]).get("/tot-nghiep/").status_code == 404


def test_round_flow_through_pages(g9):
    c = client_for(g9.world.users["vice"])
    r = c.post("/tot-nghiep/dot/tao/", {"review_date": "2027-06-05"})
    rnd = GraduationRound.objects.get(year=g9.world.year)
    assert r.status_code == 302 and r["Location"].endswith(f"/dot/{rnd.pk}/")
    # An incomplete council is refused with the reason as a flash message.
    r = c.post(f"/tot-nghiep/dot/{rnd.pk}/xet/", follow=True)
    assert "cần ít nhất 7" in r.content.decode()
    g9.full_council(rnd)
    c.post(f"/tot-nghiep/dot/{rnd.pk}/xet/")
    cand = rnd.candidates.get(student=g9.students[0])
    c.post(
        f"/tot-nghiep/dot/{rnd.pk}/ho-so/",
        {"candidate": cand.pk, "item-hoc_ba": "1", "item-birth_certificate": "1"},
    )
    cand.refresh_from_db()
    assert cand.eligible is True
    c.post(
        f"/tot-nghiep/dot/{rnd.pk}/de-nghi/",
        {"proposal_number": "15/TTr", "proposal_date": "2027-06-06"},
    )
    r = c.post(
        f"/tot-nghiep/dot/{rnd.pk}/quyet-dinh/",
        {"decision_number": "88/QĐ", "decision_date": "2027-06-20", "signer": "Chủ tịch X"},
    )
    rnd.refresh_from_db()
    assert rnd.state == "recognised" and rnd.decision_number == "88/QĐ"
    assert list(rnd.candidates.filter(recognised=True).values_list("student", flat=True)) == [
        g9.students[0].pk
    ]


def test_book_page_keeps_typed_input_on_error(g9):
    recognised_round(g9)
    c = client_for(g9.world.users["clerk"])
    r = c.post(
        "/tot-nghiep/so-cap-phat/them/",
        {"student": g9.students[0].pk, "serial_number": "B12345", "register_number": ""},
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "Hãy nhập số vào sổ cấp bằng" in body and 'value="B12345"' in body
    r = c.post(
        "/tot-nghiep/so-cap-phat/them/",
        {"student": g9.students[0].pk, "serial_number": "B12345", "register_number": "01"},
    )
    assert r.status_code == 302
    assert (
        client_for(g9.world.users["inspector"]).get("/tot-nghiep/so-cap-phat/").status_code == 200
    )
    assert client_for(g9.homeroom.user).get("/tot-nghiep/so-cap-phat/").status_code == 404
    r = c.get("/tot-nghiep/so-cap-phat/in/")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


# ----------------------------------------------------------------------------- API


def api(world_user) -> Client:
    _, token = api_token_create(user=world_user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_api_rounds_scope_and_errors(g9):
    principal = api(g9.world.users["principal"])
    r = principal.post(
        "/api/v1/graduation/rounds", {"review_date": "2027-06-05"}, content_type="application/json"
    )
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    r = principal.post(f"/api/v1/graduation/rounds/{rid}/review")
    assert r.status_code == 400 and r.json()["code"] == "graduation_council_invalid"
    rnd = GraduationRound.objects.get(pk=rid)
    g9.full_council(rnd)
    r = principal.post(f"/api/v1/graduation/rounds/{rid}/review")
    assert r.status_code == 200
    body = r.json()
    assert len(body["not_eligible"]) == 3  # no dossier yet
    assert body["not_eligible"][0]["conditions"]["dossier"]["reason"].startswith("Thiếu")
    assert body["authority"] == "Chủ tịch Ủy ban nhân dân phường Thử Nghiệm"
    hr = api(g9.homeroom.user).get(f"/api/v1/graduation/rounds/{rid}")
    names = {c["name"] for c in hr.json()["not_eligible"]}
    assert names == {g9.students[0].full_name, g9.students[1].full_name}
    r = api(g9.homeroom.user).post(f"/api/v1/graduation/rounds/{rid}/review")
    assert r.status_code == 403
    assert api(g9.world.users["parent"]).get(f"/api/v1/graduation/rounds/{rid}").status_code == 404
    assert api(g9.homeroom.user).get("/api/v1/graduation/diplomas").status_code == 404


def test_api_diploma_book(g9):
    recognised_round(g9)
    clerk = api(g9.world.users["clerk"])
    body = {"student_id": g9.students[0].pk, "serial_number": "C1", "register_number": "1"}
    r = clerk.post("/api/v1/graduation/diplomas", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["entry_number"] == 1
    r = clerk.post(
        "/api/v1/graduation/diplomas",
        {**body, "student_id": g9.students[1].pk},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "graduation_serial_taken"
    listed = api(g9.world.users["inspector"]).get("/api/v1/graduation/diplomas").json()
    assert [d["serial_number"] for d in listed] == ["C1"]
    assert json.dumps(listed, ensure_ascii=False).count(g9.students[0].full_name) == 1


def test_menu_entry_in_classes_group(client, g9):
    client.force_login(g9.world.users["clerk"])
    items = client.get("/tot-nghiep/").context["nav_items"]
    group = next(i for i in items if i["label"] == "Lớp & học sinh")
    entry = next(c for c in group["children"] if c["label"] == "Hoàn thành, tốt nghiệp")
    assert entry["active"]
    client.force_login(g9.world.users["parent"])
    html = client.get("/").content.decode()
    assert "Hoàn thành, tốt nghiệp" not in html


def test_round_page_queries_do_not_grow_with_students(g9):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rnd = reviewed(g9)
    c = client_for(g9.world.users["principal"])
    url = f"/tot-nghiep/dot/{rnd.pk}/"
    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    for i in range(6):
        s = make_student(g9.world.school, g9.klass, f"Thêm Học Sinh {chr(65 + i)}")
        approve(g9.klass, {s: {"decision": "LEN_LOP"}})
    actions.round_review(actor=g9.actor("principal"), rnd=rnd)
    with CaptureQueriesContext(connection) as many:
        assert c.get(url).status_code == 200
    assert len(many.captured_queries) <= len(few.captured_queries)


def test_typed_forms_keep_input_on_error(g9):
    c = client_for(g9.world.users["clerk"])
    r = c.post("/tot-nghiep/dot/tao/", {"review_date": "2020-01-01", "council_decision": "9/QĐ"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "Ngày xét phải trong hoặc sau năm học" in body and 'value="9/QĐ"' in body
    rnd = reviewed(g9)
    g9.dossier_all(rnd)
    r = c.post(
        f"/tot-nghiep/dot/{rnd.pk}/de-nghi/",
        {"proposal_number": "77/TTr", "proposal_date": "2027-01-01"},
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "không thể trước ngày họp xét" in body and 'value="77/TTr"' in body
    rnd.refresh_from_db()
    assert rnd.state == "reviewed"


def test_api_primary_completion_scoped_to_homeroom_class(world, grade5):
    klass, done, not_done, pending = grade5
    from hoso.organisation.models import HomeroomAssignment
    from hoso.testing.factories import make_staff

    teacher = make_staff(world.school, "Lưu Thị Năm", username=f"hr5.{world.school.code}")
    HomeroomAssignment.objects.create(teacher=teacher, school_class=klass)
    body = api(teacher.user).get("/api/v1/graduation/primary-completion").json()
    assert [r["name"] for r in body["completed"]] == [done.full_name]
    assert [r["name"] for r in body["not_completed"]] == [not_done.full_name]  # not 5B's
    body = api(world.users["inspector"]).get("/api/v1/graduation/primary-completion").json()
    assert {r["name"] for r in body["not_completed"]} == {not_done.full_name, pending.full_name}
    r = api(world.users["parent"]).get("/api/v1/graduation/primary-completion")
    assert r.status_code == 404
