"""Incoming documents (văn bản đến): số đến, presentation deadline, the principal's direction,
acknowledgement, progress, reply, done, reminders, the overdue board and who sees what."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.correspondence import actions
from hoso.correspondence.errors import CorrespondenceError as E
from hoso.correspondence.models import IncomingDocument, Register
from hoso.correspondence.reminders import incoming_reminders_send
from hoso.correspondence.tests.helpers import on, pdf, setup_office, signed_and_numbered
from hoso.notifications.models import Notification
from hoso.organisation.models import Holiday
from hoso.testing.factories import SMALL_SCHOOL_ROLES

pytestmark = pytest.mark.clock("2026-11-18")


@pytest.fixture
def office(world):
    setup_office(world)
    return world


def register(world, *, urgency="normal", confidential=False, medium="electronic"):
    return actions.incoming_register(
        actor=world.actor("clerk"),
        author="Phòng Giáo dục và Đào tạo",
        their_symbol="512/PGDĐT-THCS",
        their_date=date(2026, 11, 16),
        type_name="Công văn",
        summary="V/v tổ chức thi học sinh giỏi cấp huyện",
        urgency=urgency,
        medium=medium,
        confidential=confidential,
        upload=pdf("cv512.pdf"),
    )


def direct(world, doc, *, deadline=date(2026, 11, 25)):
    return actions.incoming_direct(
        actor=world.actor("principal"),
        document_id=doc.pk,
        lead_user_id=world.users["vice"].pk,
        support_user_ids=[world.users["homeroom"].pk],
        deadline=deadline,
        directive="Đ/c Mai chủ trì, lập danh sách đội tuyển.",
    )


def test_full_workflow(office, django_capture_on_commit_callbacks):
    """GIVEN a registered document WHEN presented, directed, acknowledged, updated, answered and
    closed THEN each step is recorded and audited, and the routed people were notified."""
    world = office
    doc = register(world)
    assert (doc.number, doc.year, doc.present_due) == (1, 2026, date(2026, 11, 19))
    actions.incoming_present(actor=world.actor("clerk"), document_id=doc.pk)
    with django_capture_on_commit_callbacks(execute=True):
        direct(world, doc)
    assert (
        Notification.objects.filter(
            user__in=[world.users["vice"], world.users["homeroom"]], kind="correspondence.routed"
        ).count()
        == 2
    )
    actions.incoming_acknowledge(actor=world.actor("vice"), document_id=doc.pk)
    actions.incoming_acknowledge(actor=world.actor("homeroom"), document_id=doc.pk)
    actions.incoming_progress_add(
        actor=world.actor("homeroom"), document_id=doc.pk, text="Đã chọn 6 học sinh."
    )
    reply = signed_and_numbered(world, "Báo cáo")
    actions.incoming_reply_link(actor=world.actor("vice"), document_id=doc.pk, outgoing_id=reply.pk)
    actions.incoming_done(actor=world.actor("vice"), document_id=doc.pk)
    doc.refresh_from_db()
    assert doc.state == "done" and doc.reply == reply
    assert all(a.acknowledged_at for a in doc.assignees.all())
    kinds = set(
        AuditEvent.objects.filter(
            target_id=str(doc.pk), event_type__startswith="correspondence.incoming"
        ).values_list("event_type", flat=True)
    )
    assert kinds == {
        "correspondence.incoming_registered",
        "correspondence.incoming_presented",
        "correspondence.incoming_directed",
        "correspondence.incoming_acknowledged",
        "correspondence.incoming_progress",
        "correspondence.incoming_reply_linked",
        "correspondence.incoming_done",
    }


def test_one_series_for_paper_and_electronic_and_own_series_for_confidential(office):
    """GIVEN paper, electronic and confidential documents THEN paper and electronic share the
    series (1, 2) and the confidential one is 1 of its own register."""
    world = office
    assert register(world, medium="paper").number == 1
    assert register(world, medium="electronic").number == 2
    secret = register(world, confidential=True)
    assert (secret.register, secret.number) == (Register.INCOMING_CONFIDENTIAL, 1)


def test_so_den_restarts_on_first_of_january(office):
    """GIVEN documents received on 31/12 WHEN one arrives on 4/1 THEN its số đến is 1 of 2027."""
    world = office
    with on(date(2026, 12, 31)):
        register(world)
        assert register(world).number == 2
    with on(date(2027, 1, 4)):
        doc = register(world)
    assert (doc.number, doc.year) == (1, 2027)


def test_presentation_deadline_friday_holiday_and_urgent(office):
    """GIVEN a Friday arrival THEN present by Monday; with Monday a holiday THEN Tuesday; an
    urgent (Hỏa tốc) document must be presented the same day."""
    world = office
    with on(date(2026, 11, 20)):
        assert register(world).present_due == date(2026, 11, 23)
        assert register(world, urgency="flash").present_due == date(2026, 11, 20)
    Holiday.objects.create(
        year=world.year, name="Nghỉ bù", start_date=date(2026, 11, 23), end_date=date(2026, 11, 23)
    )
    with on(date(2026, 11, 20)):
        assert register(world).present_due == date(2026, 11, 24)


@pytest.mark.parametrize("role", ["principal", "vice", "homeroom", "inspector"])
def test_only_the_clerk_registers(office, role):
    """GIVEN any other role WHEN registering THEN NOT_ALLOWED and no number is used."""
    world = office
    with pytest.raises(DomainError) as err:
        actions.incoming_register(
            actor=world.actor(role),
            author="Sở GDĐT",
            type_name="Công văn",
            summary="x",
            upload=pdf(),
        )
    assert err.value.code == E.NOT_ALLOWED
    assert not IncomingDocument.objects.exists()


@pytest.mark.parametrize("role", ["clerk", "vice", "homeroom"])
def test_only_the_principal_directs(office, role):
    world = office
    doc = register(world)
    with pytest.raises(DomainError) as err:
        actions.incoming_direct(
            actor=world.actor(role),
            document_id=doc.pk,
            lead_user_id=world.users["vice"].pk,
            directive="Xử lý",
        )
    assert err.value.code == E.NOT_ALLOWED


def test_only_those_routed_acknowledge_and_update(office):
    """GIVEN a document routed to vice and homeroom WHEN the subject teacher acknowledges or
    updates THEN refused; a supporting person cannot close it."""
    world = office
    doc = register(world)
    direct(world, doc)
    with pytest.raises(DomainError):
        actions.incoming_acknowledge(actor=world.actor("subject"), document_id=doc.pk)
    with pytest.raises(DomainError):
        actions.incoming_progress_add(actor=world.actor("clerk"), document_id=doc.pk, text="x")
    with pytest.raises(DomainError) as err:
        actions.incoming_done(actor=world.actor("homeroom"), document_id=doc.pk)
    assert err.value.code == E.NOT_ALLOWED


def test_reminders_when_late_once_a_day(office):
    """GIVEN a directed document due 25/11 and a registered one never presented WHEN reminders
    run on 26/11 (twice) THEN the lead and support are reminded once, the clerk too."""
    world = office
    late = register(world)
    direct(world, late)
    register(world)  # due to be presented 19/11
    with on(date(2026, 11, 26)):
        sent = incoming_reminders_send(schools=[world.school])
        again = incoming_reminders_send(schools=[world.school])
    assert again == 0
    reminded = set(
        Notification.objects.filter(kind="correspondence.late").values_list("user_id", flat=True)
    )
    assert reminded == {world.users[k].pk for k in ("vice", "homeroom", "clerk")}
    assert sent == 3
    assert AuditEvent.objects.filter(event_type="correspondence.reminders_sent").count() == 1


def test_reminder_command_runs(office, capsys):
    world = office
    register(world)
    with on(date(2026, 11, 26)):
        call_command("send_correspondence_reminders")
    assert "lời nhắc" in capsys.readouterr().out


def test_overdue_board(client, office):
    """GIVEN a late document WHEN the principal opens the board THEN it is listed; a teacher
    gets 404."""
    world = office
    doc = register(world)
    with on(date(2026, 11, 26)):
        client.force_login(world.users["principal"])
        body = client.get(reverse("correspondence:overdue")).content.decode()
        assert doc.summary in body
        client.force_login(world.users["homeroom"])
        assert client.get(reverse("correspondence:overdue")).status_code == 404


SEES_INCOMING = {"principal", "vice", "clerk", "admin", "inspector", "homeroom"}


@pytest.mark.parametrize("role", SMALL_SCHOOL_ROLES)
def test_incoming_permissions_matrix(client, office, role):
    """GIVEN an ordinary document routed to homeroom and a confidential one naming nobody WHEN
    each role opens them THEN leaders, clerk, admin, inspectors and the routed person see the
    first; only principal and clerk see the second; the others get 404."""
    world = office
    doc = register(world)
    direct(world, doc)
    secret = register(world, confidential=True)
    client.force_login(world.users[role])
    page = client.get(reverse("correspondence:incoming_detail", args=[doc.pk]))
    assert page.status_code == (200 if role in SEES_INCOMING else 404)
    page = client.get(reverse("correspondence:incoming_detail", args=[secret.pk]))
    assert page.status_code == (200 if role in {"principal", "clerk"} else 404)
    listing = client.get(reverse("correspondence:incoming"))
    if role == "parent":
        assert listing.status_code == 404
    else:  # staff see the register, or only what is routed to them (maybe nothing)
        assert listing.status_code == 200
        body = listing.content.decode()
        assert (doc.summary in body) == (role in SEES_INCOMING)
        assert "Sổ văn bản mật" not in body or role in {"principal", "clerk"}


def test_register_form_keeps_input_and_pages_flow(client, office):
    """GIVEN the register form WHEN posted without a file THEN 422 keeping the text; with a file
    THEN số đến 1; the principal directs through the page; the routed person signs for it."""
    world = office
    client.force_login(world.users["clerk"])
    data = {
        "author": "Sở GDĐT Hải Phòng",
        "their_symbol": "99/SGDĐT-GDTrH",
        "their_date": "2026-11-17",
        "type_name": "Công văn",
        "summary": "V/v kiểm tra nội bộ",
        "urgency": "urgent",
        "medium": "paper",
    }
    response = client.post(reverse("correspondence:incoming_new"), data)
    assert response.status_code == 422
    assert "Sở GDĐT Hải Phòng" in response.content.decode()
    response = client.post(reverse("correspondence:incoming_new"), {**data, "file": pdf()})
    doc = IncomingDocument.objects.get()
    assert response.status_code == 302 and doc.number == 1 and doc.urgency == "urgent"
    client.force_login(world.users["principal"])
    client.post(
        reverse("correspondence:incoming_direct", args=[doc.pk]),
        {
            "lead": str(world.users["homeroom"].pk),
            "deadline": "2026-11-30",
            "directive": "Chuẩn bị hồ sơ kiểm tra.",
        },
    )
    doc.refresh_from_db()
    assert doc.state == "directed" and doc.deadline == date(2026, 11, 30)
    client.force_login(world.users["homeroom"])
    body = client.post(
        reverse("correspondence:incoming_ack", args=[doc.pk]), follow=True
    ).content.decode()
    assert "ký nhận" in body
