"""Nhắc / Nhắc tất cả from the progress board.

GIVEN the small school in the middle of term I (math 6A1 by the subject teacher, literature 6A1
by the homeroom teacher, nothing entered: both sheets are behind), WHEN the vice principal presses
"Nhắc" on one sheet or "Nhắc tất cả", THEN a page shows each message before sending; sending puts
one in-app notification per late sheet, audited; pressing again the same day sends nothing more;
teachers and department heads have no such button and get 403."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.gradebook.progress import actions as progress_actions
from hoso.gradebook.progress.selectors import progress_board
from hoso.notifications.models import Notification
from hoso.organisation.models import TeachingAssignment

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-20")]

REMIND = reverse("gradebook:progress_remind")


def as_user(world, who) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def math_assignment(world):
    return TeachingAssignment.objects.get(
        school_class=world.class_a, subject=world.math, term=world.term1
    )


def test_the_board_offers_nhac_per_late_sheet_and_for_all(world):
    html = as_user(world, "vice").get(reverse("gradebook:progress")).content.decode()
    assert 'data-testid="remind-all"' in html and "Nhắc tất cả (2 sổ còn thiếu)" in html
    assert f'data-testid="remind-{math_assignment(world).pk}"' in html
    for who in ("subject", "dept_head", "homeroom"):
        page = as_user(world, who).get(reverse("gradebook:progress")).content.decode()
        assert "remind-all" not in page and ">Nhắc<" not in page, who


def test_one_sheet_shows_the_message_then_sends_it_once_a_day(world):
    client = as_user(world, "vice")
    url = f"{REMIND}?phan-cong={math_assignment(world).pk}"
    preview = client.get(url)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Nhắc nhập điểm: môn Toán lớp 6A1" in html and "Gửi 1 lời nhắc" in html
    assert not Notification.objects.filter(
        kind="grade_reminder_manual"
    ).exists()  # GET sends nothing
    sent = client.post(url, follow=True)
    assert "Đã nhắc 1 sổ điểm." in sent.content.decode()
    note = Notification.objects.get(kind="grade_reminder_manual")
    assert note.user == world.users["subject"] and "môn Toán lớp 6A1" in note.text
    event = AuditEvent.objects.get(event_type="gradebook.teachers_reminded")
    assert event.actor == world.users["vice"]
    assert [s["sheet"] for s in event.after["sent"]] == ["Toán 6A1"]
    again = client.post(url, follow=True).content.decode()
    assert "Đã nhắc 0 sổ điểm. 1 sổ đã được nhắc hôm nay, không nhắc lại." in again
    assert Notification.objects.filter(kind="grade_reminder_manual").count() == 1
    assert AuditEvent.objects.filter(event_type="gradebook.teachers_reminded").count() == 1


def test_nhac_tat_ca_reminds_every_late_sheet(world):
    client = as_user(world, "vice")
    assert "Gửi 2 lời nhắc" in client.get(REMIND).content.decode()
    client.post(REMIND)
    users = set(
        Notification.objects.filter(kind="grade_reminder_manual").values_list("user", flat=True)
    )
    assert users == {world.users["subject"].pk, world.users["homeroom"].pk}


def test_others_may_not_remind(world):
    for who in ("subject", "dept_head", "homeroom", "clerk"):
        client = as_user(world, who)
        assert client.get(REMIND).status_code == 403, who
        assert client.post(REMIND).status_code == 403, who
    assert not Notification.objects.filter(kind="grade_reminder_manual").exists()


def test_nothing_late_is_refused(world):
    actor = world.actor("vice")
    board = progress_board(actor, term=world.term1)
    for row in board.rows:
        row.counts.entered = row.counts.required  # as if everything were entered
    with pytest.raises(DomainError) as exc:
        progress_actions.teachers_remind(actor=actor, rows=board.rows)
    assert exc.value.code == "NOTHING_TO_REMIND"
