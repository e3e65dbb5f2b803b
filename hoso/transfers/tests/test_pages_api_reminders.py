"""Pages, API, scope and reminders of transfers."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from hoso.accounts.actions import api_token_create
from hoso.core.clock import VN_TZ
from hoso.notifications.models import Notification
from hoso.students.models import Student
from hoso.testing.factories import small_school
from hoso.transfers import actions
from hoso.transfers.models import Transfer
from hoso.transfers.reminders import transfers_remind

pytestmark = pytest.mark.django_db
V1 = "/api/v1/transfers"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _in(world, code="0123456789", filed_on=date(2026, 11, 18)) -> Transfer:
    return actions.transfer_in_create(
        actor=world.actor("clerk"), student_code=code, family_name="Phạm", given_name="Khoa",
        gender="M", birth_date=date(2014, 6, 1), grade=6, other_school_name="THCS Lê Lợi",
        filed_on=filed_on, documents=["application", "transcript", "referral"],
    )  # fmt: skip


def test_pages_and_scope(world):
    t = _in(world)
    clerk = _client(world.users["clerk"])
    page = clerk.get(reverse("transfers:index"))
    assert page.status_code == 200 and "Phạm Khoa" in page.content.decode()
    detail = clerk.get(reverse("transfers:detail", kwargs={"transfer_id": t.pk}))
    assert detail.status_code == 200
    assert "Đơn xin chuyển trường" in detail.content.decode()
    # A teacher sees no transfer and may record none.
    teacher = _client(world.users["homeroom"])
    assert teacher.get(reverse("transfers:index")).status_code == 404
    assert teacher.get(reverse("transfers:detail", kwargs={"transfer_id": t.pk})).status_code == 404
    assert teacher.get(reverse("transfers:create_in")).status_code == 403
    # Another school's clerk: 404, like absent.
    other = small_school("B")
    stranger = _client(other.users["clerk"])
    assert (
        stranger.get(reverse("transfers:detail", kwargs={"transfer_id": t.pk})).status_code == 404
    )


def test_form_keeps_what_was_typed_and_answers_in_vietnamese(world):
    clerk = _client(world.users["clerk"])
    response = clerk.post(
        reverse("transfers:create_in"),
        {
            "student_code": "0987654321", "family_name": "Vũ", "given_name": "Hà",
            "gender": "F", "birth_date": "2014-01-01", "grade": "9",  # grade 9: no such here? yes
            "other_school_name": "THCS Ngô Quyền", "filed_on": "2026-12-01",  # in the future
            "documents": ["application"],
        },
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày nhận đơn không hợp lệ: sau hôm nay" in html
    assert 'value="THCS Ngô Quyền"' in html and 'value="0987654321"' in html
    assert 'value="application" checked' in html
    assert not Transfer.objects.exists()


def test_actions_through_the_page(world):
    t = _in(world)
    principal = _client(world.users["principal"])
    url = reverse("transfers:act", kwargs={"transfer_id": t.pk, "what": "quyet-dinh"})
    response = principal.post(url, {"decision": "refuse", "reason": "  "}, follow=True)
    html = response.content.decode()
    assert "Từ chối tiếp nhận phải nêu lý do." in html
    assert 'value="refuse" checked' in html
    response = principal.post(url, {"decision": "", "reason": "Lớp đã đủ sĩ số"}, follow=True)
    html = response.content.decode()
    assert "Hãy chọn đồng ý hoặc từ chối." in html and 'value="Lớp đã đủ sĩ số"' in html
    principal.post(url, {"decision": "accept"})
    t.refresh_from_db()
    assert t.state == Transfer.State.ACCEPTED
    clerk = _client(world.users["clerk"])
    clerk.post(
        reverse("transfers:act", kwargs={"transfer_id": t.pk, "what": "xep-lop"}),
        {"class": world.class_a.pk, "start_date": "2026-11-20"},
    )
    t.refresh_from_db()
    assert t.state == Transfer.State.COMPLETED and t.placed_class == world.class_a


def test_api_list_get_create_decide_place(world):
    _, token = api_token_create(user=world.users["clerk"], name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    c = Client()
    created = c.post(
        f"{V1}/in",
        data={
            "student_code": "0123400000", "family_name": "Đỗ", "given_name": "Minh",
            "gender": "M", "birth_date": "2014-03-03", "grade": 6,
            "other_school_name": "THCS Lê Lợi", "filed_on": "2026-11-18",
            "documents": ["application", "transcript", "referral"],
        },
        content_type="application/json",
        **auth,
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["steps"][0]["due_on"] == "2026-11-25"
    tid = body["id"]
    assert [r["id"] for r in c.get(V1, **auth).json()] == [tid]
    # The clerk may not decide.
    refused = c.post(f"{V1}/{tid}/decide", data={"accept": True},
                     content_type="application/json", **auth)  # fmt: skip
    assert refused.status_code == 403
    _, ptoken = api_token_create(user=world.users["principal"], name="p")
    ok = c.post(f"{V1}/{tid}/decide", data={"accept": True}, content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {ptoken}")  # fmt: skip
    assert ok.json()["state"] == "accepted"
    placed = c.post(
        f"{V1}/{tid}/place", data={"class_id": world.class_a.pk, "start_date": "2026-11-20"},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert placed.status_code == 200 and placed.json()["placed_class"] == "6A1"
    assert Student.objects.filter(school=world.school, student_code="0123400000").count() == 1
    # A bad step: 400 with the Vietnamese message.
    again = c.post(
        f"{V1}/{tid}/place", data={"class_id": world.class_a.pk, "start_date": "2026-11-20"},
        content_type="application/json", **auth,
    )  # fmt: skip
    assert again.status_code == 400 and "không ở bước" in again.json()["detail"]
    # Out of school: 404.
    other = small_school("B")
    _, otoken = api_token_create(user=other.users["clerk"], name="o")
    assert c.get(f"{V1}/{tid}", HTTP_AUTHORIZATION=f"Bearer {otoken}").status_code == 404
    # A teacher: 404 on the list.
    _, ttoken = api_token_create(user=world.users["homeroom"], name="h")
    assert c.get(V1, HTTP_AUTHORIZATION=f"Bearer {ttoken}").status_code == 404


def test_reminders_once_per_step_per_day(world):
    # Filed Mon 9/11: the answer was due Mon 16/11 (5 working days) — late on Fri 20/11.
    t = _in(world, filed_on=date(2026, 11, 9))
    _in(world, code="0000000002", filed_on=date(2026, 11, 19))  # not late
    first = transfers_remind()
    assert first.late_steps == 1 and first.notified == 1
    note = Notification.objects.get(user=world.users["principal"])
    assert "Quá hạn (16/11/2026)" in note.text and note.url.endswith(f"/{t.pk}/")
    assert transfers_remind().late_steps == 0  # the same day: nothing again
    assert Notification.objects.count() == 1
    nextday = transfers_remind(now=datetime(2026, 11, 23, 8, tzinfo=VN_TZ))
    assert nextday.notified == 1 and Notification.objects.count() == 2
    # Decided: the step is done, no more reminders.
    actions.transfer_decide(actor=world.actor("principal"), transfer=t, accept=True)
    assert transfers_remind(now=datetime(2026, 11, 24, 8, tzinfo=VN_TZ)).late_steps == 0


def test_list_reads_in_constant_queries(world, django_assert_num_queries):
    from hoso.transfers.selectors import transfer_rows

    for i in range(6):
        _in(world, code=f"05000000{i:02d}", filed_on=date(2026, 11, 9 + i))
    clerk = world.actor("clerk")
    with django_assert_num_queries(2):
        rows = transfer_rows(clerk)
    assert (
        len(rows) == 6 and sum(r.late for r in rows) == 4
    )  # due 16..20/11: four before today (20/11)


def test_the_student_page_links_to_its_transfers(world):
    page = reverse("students:detail", args=[world.student_a.pk])
    history = reverse("transfers:student", args=[world.student_a.pk])
    clerk = _client(world.users["clerk"])
    assert history not in clerk.get(page).content.decode()  # no transfer yet: no link
    actions.transfer_out_create(
        actor=world.actor("clerk"), student=world.student_a, filed_on=date(2026, 11, 17),
        leaving_on=date(2026, 11, 30), other_school_name="THCS Lê Lợi",
    )  # fmt: skip
    body = clerk.get(page).content.decode()
    assert history in body and "Chuyển trường và quá trình học ở trường khác" in body
    # The parent sees its child's page, not the school's transfer records.
    parent_view = _client(world.users["parent"]).get(page)
    assert parent_view.status_code == 200 and history not in parent_view.content.decode()
