"""The notice, consents (online, paper, a child's agreement, a new version), what the school holds
about a child, requests to correct it with their deadline, and outsiders' reads in the audit."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.notifications.models import Notification
from hoso.privacy import actions
from hoso.privacy.errors import PrivacyError
from hoso.privacy.models import Consent, DataRequest, EndReason, PrivacyNotice, Purpose
from hoso.privacy.selectors import channel_allowed_user_ids
from hoso.students.models import Guardian, Student, StudentGuardian
from hoso.testing.factories import PASSWORD


def _publish(world, text="Thông báo …", changed=None):
    principal = world.actor("principal")
    draft = actions.notice_draft_save(actor=principal, text=text, processors="SMS: Công ty X")
    notice, lapsed = actions.notice_publish(
        actor=principal, notice_id=draft.pk, changed_purposes=changed
    )
    return notice, lapsed


def _login(world, role):
    client = Client()
    client.post(
        reverse("accounts:login"),
        {"username": world.users[role].username, "password": PASSWORD},
    )
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,allowed",
    [("principal", True), ("admin", True), ("vice", False), ("clerk", False), ("parent", False)],
)
def test_who_writes_the_notice(world, role, allowed):
    """GIVEN each role, WHEN it saves a draft, THEN only the principal and the administrator may."""
    if allowed:
        assert (
            actions.notice_draft_save(actor=world.actor(role), text="x", processors="").version == 1
        )
    else:
        with pytest.raises(PermissionDenied):
            actions.notice_draft_save(actor=world.actor(role), text="x", processors="")


@pytest.mark.django_db
def test_a_published_version_never_changes(world):
    """GIVEN version 1 published, WHEN the principal saves again, THEN it is a version 2 draft;
    publishing version 1 again is refused; both events are audited."""
    v1, _ = _publish(world, "Bản 1")
    draft = actions.notice_draft_save(actor=world.actor("principal"), text="Bản 2", processors="")
    assert draft.version == 2 and draft.pk != v1.pk
    v1.refresh_from_db()
    assert v1.text == "Bản 1"
    with pytest.raises(DomainError) as exc:
        actions.notice_publish(actor=world.actor("principal"), notice_id=v1.pk)
    assert exc.value.code == PrivacyError.PUBLISHED
    assert AuditEvent.objects.filter(event_type="privacy.notice_published").count() == 1
    assert AuditEvent.objects.filter(event_type="privacy.notice_drafted").count() == 2


@pytest.mark.django_db
def test_the_default_text_has_what_the_law_asks(client, world):
    """GIVEN no notice yet, WHEN the principal opens the page, THEN the offered text names the
    purposes, the types of data, the processors, the rights, the consequences, the duration."""
    page = _login(world, "principal").get(reverse("privacy:notice")).content.decode()
    for heading in (
        "Loại dữ liệu",
        "Mục đích xử lý",
        "Bên xử lý dữ liệu",
        "Quyền của chủ thể dữ liệu",
        "Hậu quả",
        "Thời gian xử lý, lưu trữ",
        "91/2025/QH15",
        "356/2025/NĐ-CP",
    ):
        assert heading in page, heading


@pytest.mark.django_db
def test_silence_give_withdraw_in_one_click(world):
    """GIVEN a published notice, THEN without an answer the parent is not reachable by SMS; one
    click gives (audited with the version), one click withdraws, effective at once."""
    _publish(world)
    parent = world.users["parent"]
    ids = [parent.pk]
    assert channel_allowed_user_ids(school_id=world.school.pk, channel="sms", user_ids=ids) == set()
    client = _login(world, "parent")
    page = client.get(reverse("privacy:mine")).content.decode()
    assert "Chưa đồng ý" in page and "phiên bản 1" in page
    client.post(reverse("privacy:consent"), {"purpose": "sms", "answer": "give"})
    assert channel_allowed_user_ids(school_id=world.school.pk, channel="sms", user_ids=ids) == {
        parent.pk
    }
    event = AuditEvent.objects.get(event_type="privacy.consent_given")
    assert event.after["notice_version"] == 1 and event.after["source"] == "online"
    client.post(reverse("privacy:consent"), {"purpose": "sms", "answer": "withdraw"})
    assert channel_allowed_user_ids(school_id=world.school.pk, channel="sms", user_ids=ids) == set()
    assert AuditEvent.objects.filter(event_type="privacy.consent_withdrawn").count() == 1


@pytest.mark.django_db
def test_no_consent_before_a_notice(world):
    """GIVEN no published notice, WHEN a parent consents, THEN it is refused (nothing to agree to)."""
    with pytest.raises(DomainError) as exc:
        actions.consent_give(actor=world.actor("parent"), purpose=Purpose.SMS)
    assert exc.value.code == PrivacyError.NO_NOTICE


@pytest.mark.django_db
def test_a_child_of_seven_or_more_agrees_to_publication_too(world):
    """GIVEN a child born 2015 (11 years old), WHEN the parent consents to publication without
    the child's agreement, THEN it is refused; with the box ticked it is recorded; a child of 5
    needs no box."""
    _publish(world)
    parent = world.actor("parent")
    with pytest.raises(DomainError) as exc:
        actions.consent_give(
            actor=parent, purpose=Purpose.PUBLICATION, student_id=world.student_a.pk
        )
    assert exc.value.code == PrivacyError.CHILD_AGREEMENT
    consent = actions.consent_give(
        actor=parent, purpose=Purpose.PUBLICATION, student_id=world.student_a.pk, child_agreed=True
    )
    assert consent.child_agreed and consent.student_id == world.student_a.pk
    assert actions.age_on(date(2021, 12, 9), date(2026, 12, 8)) == 4
    assert actions.age_on(date(2019, 12, 8), date(2026, 12, 8)) == 7
    # never about another's child
    with pytest.raises(Http404):
        actions.consent_give(
            actor=parent, purpose=Purpose.PUBLICATION, student_id=world.student_b.pk
        )


@pytest.mark.django_db
def test_a_new_version_asks_again_for_changed_purposes_only(world):
    """GIVEN consents to SMS and Zalo under version 1, WHEN version 2 changes SMS (a new
    provider), THEN the SMS consent lapses at once, the Zalo one stays live under version 1
    until the parent answers, and answering replaces it with one under version 2."""
    _publish(world)
    parent = world.actor("parent")
    actions.consent_give(actor=parent, purpose=Purpose.SMS)
    actions.consent_give(actor=parent, purpose=Purpose.ZALO)
    _, lapsed = _publish(world, "Bản 2: nhà cung cấp SMS mới", changed=[Purpose.SMS])
    assert lapsed == 1
    uid = world.users["parent"].pk
    assert (
        channel_allowed_user_ids(school_id=world.school.pk, channel="sms", user_ids=[uid]) == set()
    )
    assert channel_allowed_user_ids(school_id=world.school.pk, channel="zalo", user_ids=[uid]) == {
        uid
    }
    assert Consent.objects.get(purpose="sms").ended_reason == EndReason.LAPSED
    page = _login(world, "parent").get(reverse("privacy:mine")).content.decode()
    assert "hãy xem và đồng ý lại" in page
    renewed = actions.consent_give(actor=parent, purpose=Purpose.ZALO)
    assert renewed.notice.version == 2
    assert Consent.objects.filter(purpose="zalo", withdrawn_at__isnull=True).count() == 1
    assert Consent.objects.get(purpose="zalo", notice__version=1).ended_reason == EndReason.RENEWED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,allowed", [("homeroom", True), ("clerk", True), ("subject", False), ("parent", False)]
)
def test_a_paper_form_is_recorded_by_staff(world, role, allowed):
    """GIVEN a parent without a smartphone who signed a paper form, WHEN staff record it, THEN
    the homeroom teacher (own class) and the clerk may; the consent says "paper" and who."""
    _publish(world)
    guardian = world.users["parent"].guardian_profiles.get()
    if allowed:
        consent = actions.consent_record_paper(
            actor=world.actor(role),
            guardian_id=guardian.pk,
            purpose=Purpose.SMS,
            paper_note="Phiếu 12, 01/12/2026",
        )
        assert consent.source == Consent.Source.PAPER
        assert consent.recorded_by == world.users[role] and consent.user == world.users["parent"]
    else:
        with pytest.raises(Http404):
            actions.consent_record_paper(
                actor=world.actor(role),
                guardian_id=guardian.pk,
                purpose=Purpose.SMS,
                paper_note="x",
            )


@pytest.mark.django_db
def test_the_child_data_page_lists_values_and_outsiders_reads(world):
    """GIVEN a parent, WHEN they open their child's data page and an inspector opens the child's
    profile, THEN the page lists the profile values, the guardians, the enrolment, and both
    reads (the parent's and the inspector's); the JSON download has the same sections; another
    child answers 404."""
    Student.objects.filter(pk=world.student_a.pk).update(birth_place="Hà Nội")
    inspector = _login(world, "inspector")
    assert inspector.get(reverse("students:detail", args=[world.student_a.pk])).status_code == 200
    client = _login(world, "parent")
    page = client.get(reverse("privacy:child", args=[world.student_a.pk])).content.decode()
    for text in ("Hà Nội", "Nguyễn Văn Cường", "6A1", "Chuyên cần", "Kết quả đánh giá", "Học bạ"):
        assert text in page, text
    assert "Thanh tra Sở GD" in page
    data = json.loads(
        client.get(reverse("privacy:child_download", args=[world.student_a.pk])).content
    )
    assert {
        "profile",
        "guardians",
        "enrolments",
        "attendance",
        "assessments",
        "transcripts",
        "access",
    } <= set(data["sections"])
    assert client.get(reverse("privacy:child", args=[world.student_b.pk])).status_code == 404
    views = AuditEvent.objects.filter(event_type="privacy.child_data_viewed")
    assert {e.after["as"] for e in views} == {"parent", "inspector"}


@pytest.mark.django_db
def test_staff_reads_are_not_logged_as_outsiders(world):
    """GIVEN the homeroom teacher, WHEN she opens the student's profile, THEN no outsider read."""
    assert (
        _login(world, "homeroom")
        .get(reverse("students:detail", args=[world.student_a.pk]))
        .status_code
        == 200
    )
    assert not AuditEvent.objects.filter(event_type="privacy.child_data_viewed").exists()


@pytest.mark.django_db
def test_parent_reads_of_attendance_and_leave_are_logged(world):
    """GIVEN a parent, WHEN they open the child's attendance and their leave requests, THEN both
    reads are in the audit trail with the child as target."""
    client = _login(world, "parent")
    assert client.get(reverse("attendance:child", args=[world.student_a.pk])).status_code == 200
    assert client.get(reverse("attendance:leave_list")).status_code == 200
    whats = set(
        AuditEvent.objects.filter(
            event_type="privacy.child_data_viewed", target_id=str(world.student_a.pk)
        ).values_list("after__what", flat=True)
    )
    assert any(w.startswith("Điểm danh") for w in whats) and "Đơn xin phép nghỉ học" in whats


@pytest.mark.django_db
def test_a_correction_request_runs_to_its_deadline(world, _fixed_clock):
    """GIVEN the school's 48-hour deadline, WHEN a parent asks to correct the birth place, THEN
    the clerk and the principal are told, the request is due in 48 h; a reminder comes 24 h
    before and once late (never twice); refusing needs a reason; done tells the parent."""
    actions.settings_save(actor=world.actor("principal"), request_hours=48, contact="Văn thư")
    client = _login(world, "parent")
    page = client.post(
        reverse("privacy:child", args=[world.student_a.pk]),
        {
            "kind": "correct",
            "field": "Nơi sinh",
            "what_is_wrong": "Ghi sai tỉnh",
            "right_value": "",
        },
    )
    assert page.status_code == 422 and "Hãy ghi thông tin đúng" in page.content.decode()
    assert "Ghi sai tỉnh" in page.content.decode()  # kept
    client.post(
        reverse("privacy:child", args=[world.student_a.pk]),
        {
            "kind": "correct",
            "field": "Nơi sinh",
            "what_is_wrong": "Ghi sai tỉnh",
            "right_value": "Hải Phòng",
        },
    )
    request = DataRequest.objects.get()
    assert request.due_at - request.received_at == timedelta(hours=48)
    handlers = {world.users["clerk"].pk, world.users["principal"].pk}
    assert (
        set(Notification.objects.filter(kind="privacy.request").values_list("user_id", flat=True))
        == handlers
    )
    assert actions.request_reminders_send(schools=[world.school]).created == 0
    _fixed_clock.shift(timedelta(hours=25))
    assert actions.request_reminders_send(schools=[world.school]).created == 2
    assert actions.request_reminders_send(schools=[world.school]).created == 0
    _fixed_clock.shift(timedelta(hours=24))
    assert actions.request_reminders_send(schools=[world.school]).created == 2
    with pytest.raises(DomainError) as exc:
        actions.request_update(actor=world.actor("clerk"), request_id=request.pk, state="refused")
    assert exc.value.code == PrivacyError.REASON_REQUIRED
    with pytest.raises(PermissionDenied):
        actions.request_update(actor=world.actor("homeroom"), request_id=request.pk, state="done")
    actions.request_update(
        actor=world.actor("clerk"), request_id=request.pk, state="done", answer="Đã sửa nơi sinh."
    )
    request.refresh_from_db()
    assert request.state == "done" and request.closed_at is not None
    assert Notification.objects.filter(user=world.users["parent"], kind="privacy.request").exists()
    event = AuditEvent.objects.get(event_type="privacy.request_updated")
    assert event.after["late"] is True
    assert _login(world, "clerk").get(reverse("privacy:requests") + "?tat-ca=1").status_code == 200


@pytest.mark.django_db
def test_a_guardian_of_two_children_sees_both_and_only_them(world):
    """GIVEN the parent is also the guardian of 6A2's student, THEN the rights page lists both
    children, and a third student's data answers 404."""
    guardian = Guardian.objects.get(user=world.users["parent"])
    StudentGuardian.objects.create(student=world.student_b, guardian=guardian, relation="father")
    client = _login(world, "parent")
    page = client.get(reverse("privacy:mine")).content.decode()
    assert world.student_a.full_name in page and world.student_b.full_name in page
    assert client.get(reverse("privacy:child", args=[world.student_b.pk])).status_code == 200


@pytest.mark.django_db
def test_published_versions_stay_readable(world):
    """GIVEN versions 1 and 2, THEN each is read as published by a parent."""
    _publish(world, "Bản 1")
    _publish(world, "Bản 2")
    client = _login(world, "parent")
    assert "Bản 1" in client.get(reverse("privacy:notice_version", args=[1])).content.decode()
    assert "Bản 2" in client.get(reverse("privacy:notice_version", args=[2])).content.decode()
    assert PrivacyNotice.objects.filter(published_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_the_register_and_the_data_page_have_bounded_queries(world, django_assert_max_num_queries):
    """GIVEN 20 requests and a child with data, THEN the register and the child's data page are
    read in a fixed number of queries, whatever their length."""
    parent = world.actor("parent")
    for n in range(20):
        actions.request_create(
            actor=parent,
            student_id=world.student_a.pk,
            kind="correct",
            field=f"Trường {n}",
            what_is_wrong="sai",
            right_value="đúng",
        )
    clerk = _login(world, "clerk")
    with django_assert_max_num_queries(20):
        page = clerk.get(reverse("privacy:requests")).content.decode()
    assert page.count('value="done"') == 20
    client = _login(world, "parent")
    with django_assert_max_num_queries(40):
        assert client.get(reverse("privacy:child", args=[world.student_a.pk])).status_code == 200


@pytest.mark.django_db
def test_a_paper_withdrawal_is_as_easy_as_a_paper_consent(world):
    """GIVEN a paper consent to SMS, WHEN the homeroom teacher records the parent's paper
    withdrawal from the page, THEN SMS stops at once and the audit names the form."""
    _publish(world)
    guardian = world.users["parent"].guardian_profiles.get()
    consent = actions.consent_record_paper(
        actor=world.actor("homeroom"), guardian_id=guardian.pk, purpose=Purpose.SMS, paper_note="P1"
    )
    client = _login(world, "homeroom")
    page = client.get(reverse("privacy:paper") + f"?g={guardian.pk}").content.decode()
    assert "Rút lại (phiếu giấy)" in page
    client.post(
        reverse("privacy:paper"),
        {"guardian": guardian.pk, "withdraw": consent.pk, "paper_note": "Phiếu rút 05/12"},
    )
    uid = world.users["parent"].pk
    assert (
        channel_allowed_user_ids(school_id=world.school.pk, channel="sms", user_ids=[uid]) == set()
    )
    event = AuditEvent.objects.get(event_type="privacy.consent_withdrawn")
    assert event.after["paper_note"] == "Phiếu rút 05/12" and event.actor == world.users["homeroom"]


@pytest.mark.django_db
def test_an_inspector_reading_a_class_page_shows_on_each_child_s_page(world):
    """GIVEN an inspector opens 6A1's class list and its attendance month, THEN the data page
    of a child of 6A1 lists both reads ("cả lớp 6A1"), a child of 6A2 lists none, and staff
    opening the same pages leave no outsider read."""
    _login(world, "homeroom").get(reverse("organisation:class_detail", args=[world.class_a.pk]))
    inspector = _login(world, "inspector")
    assert (
        inspector.get(reverse("organisation:class_detail", args=[world.class_a.pk])).status_code
        == 200
    )
    assert (
        inspector.get(reverse("attendance:month", args=[world.class_a.pk, "2026-11"])).status_code
        == 200
    )
    assert AuditEvent.objects.filter(event_type="privacy.class_data_viewed").count() == 2
    page = _login(world, "parent").get(reverse("privacy:child", args=[world.student_a.pk]))
    assert page.content.decode().count("(cả lớp 6A1)") == 2
    from hoso.privacy.inventory import outsiders

    assert outsiders(world.student_b).rows == []


@pytest.mark.django_db
def test_the_reminder_command_runs_once_per_stage(world):
    """GIVEN a request received now (72 h), WHEN the command runs 50 h later twice, THEN the
    handlers get one reminder each, not two."""
    from io import StringIO

    from django.core.management import call_command

    actions.request_create(
        actor=world.actor("parent"),
        student_id=world.student_a.pk,
        kind="delete",
        field="Ảnh",
        what_is_wrong="Không còn cần",
    )
    later = (DataRequest.objects.get().received_at + timedelta(hours=50)).isoformat()
    out = StringIO()
    call_command("send_privacy_reminders", "--now", later, stdout=out)
    call_command("send_privacy_reminders", "--now", later, stdout=out)
    assert "2 thông báo nhắc mới" in out.getvalue() and "0 thông báo nhắc mới" in out.getvalue()


@pytest.mark.django_db
def test_a_co_parent_s_own_consents_are_not_shown_on_the_child_s_page(world):
    """GIVEN the father consented to SMS and the mother (another account) opens the child's data
    page, THEN she does not see his channel choices (they are his data, not the child's)."""
    from hoso.accounts.actor import build_actor
    from hoso.testing.factories import make_user

    _publish(world)
    actions.consent_give(actor=world.actor("parent"), purpose=Purpose.SMS)
    mother_user = make_user("me.an", "Lê Thị Mẹ")
    mother = Guardian.objects.create(
        school=world.school, user=mother_user, full_name="Lê Thị Mẹ", search_name="le thi me"
    )
    StudentGuardian.objects.create(student=world.student_a, guardian=mother, relation="mother")
    client = Client()
    client.post(reverse("accounts:login"), {"username": "me.an", "password": PASSWORD})
    data = json.loads(
        client.get(reverse("privacy:child_download", args=[world.student_a.pk])).content
    )
    assert data["sections"]["consents"]["rows"] == []
    actions.consent_give(
        actor=build_actor(mother_user, world.school, world.year), purpose=Purpose.ZALO
    )
    data = json.loads(
        client.get(reverse("privacy:child_download", args=[world.student_a.pk])).content
    )
    assert [r["Người đồng ý"] for r in data["sections"]["consents"]["rows"]] == ["Lê Thị Mẹ"]


@pytest.mark.django_db
def test_the_contact_books_child_page_counts_as_an_outsiders_read(world):
    """GIVEN a parent who opened the contact book's page of the child, WHEN the parent opens
    the child's data page, THEN that view is listed among outsiders' reads, as a parent's."""
    from hoso.privacy.inventory import outsiders

    client = _login(world, "parent")
    assert client.get(reverse("parents:child", args=[world.student_a.pk])).status_code == 200
    rows = outsiders(world.student_a).rows
    assert [r[2] for r in rows] == ["Phụ huynh"]
    assert outsiders(world.student_b).rows == []
