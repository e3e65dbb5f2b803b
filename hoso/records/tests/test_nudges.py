"""Nhắc from the compliance board: one late person or all of them, the message shown first,
one notification per person and day, audited, only for leaders and only in their scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.notifications.models import Notification
from hoso.records.tests.test_board import NOW, records  # noqa: F401  (fixture)

pytestmark = [pytest.mark.clock(NOW), pytest.mark.calendar]

URL = "records:board_remind"


def _inbox(world, who: str) -> list[str]:
    return list(
        Notification.objects.filter(
            user=world.users[who], kind="records_reminder_manual"
        ).values_list("text", flat=True)
    )


def test_remind_all_shows_every_message_then_sends_once_a_day_audited(client, world, records):  # noqa: F811
    """GIVEN the maths teacher and the literature teacher each missing one lesson plan, WHEN the
    vice principal opens "Nhắc tất cả" and sends, THEN each gets one notification naming the
    record with the school's week, the sending is audited, and a second sending the same day
    adds nothing."""
    client.force_login(world.users["vice"])
    board = client.get(reverse("records:board")).content.decode()
    assert 'data-testid="remind-all"' in board and board.count('data-testid="remind-one"') == 2
    preview = client.get(reverse(URL)).content.decode()
    assert world.people["subject"].full_name in preview
    assert world.people["homeroom"].full_name in preview
    assert "Nhắc nộp hồ sơ: 1 hồ sơ đã quá hạn mà chưa nộp — “Kế hoạch bài dạy" in preview
    assert not Notification.objects.filter(
        kind="records_reminder_manual"
    ).exists()  # GET sends nothing

    response = client.post(reverse(URL))
    assert response.status_code == 302 and response.url.startswith(reverse("records:board"))
    assert len(_inbox(world, "subject")) == len(_inbox(world, "homeroom")) == 1
    event = AuditEvent.objects.get(event_type="records.owners_reminded")
    assert event.actor == world.users["vice"]
    assert {p["staff"] for p in event.after["sent"]} == {
        world.people["subject"].full_name,
        world.people["homeroom"].full_name,
    }
    again = client.post(reverse(URL), follow=True).content.decode()
    assert "đã được nhắc hôm nay" in again
    assert len(_inbox(world, "subject")) == 1
    assert AuditEvent.objects.filter(event_type="records.owners_reminded").count() == 1


def test_remind_one_person_reminds_only_that_person(client, world, records):  # noqa: F811
    client.force_login(world.users["principal"])
    one = {"nhac": world.people["subject"].pk}
    preview = client.get(reverse(URL), one).content.decode()
    assert world.people["homeroom"].full_name not in preview
    client.post(reverse(URL) + f"?nhac={world.people['subject'].pk}")
    assert len(_inbox(world, "subject")) == 1 and _inbox(world, "homeroom") == []


def test_a_department_head_reminds_only_the_department(client, world, records):  # noqa: F811
    head = world.people["dept_head"]
    assert head.department == world.people["subject"].department
    assert world.people["homeroom"].department != head.department
    client.force_login(world.users["dept_head"])
    client.post(reverse(URL))
    assert len(_inbox(world, "subject")) == 1 and _inbox(world, "homeroom") == []


@pytest.mark.parametrize("who", ["subject", "parent", "inspector"])
def test_only_leaders_remind(client, world, records, who):  # noqa: F811
    client.force_login(world.users[who])
    assert client.get(reverse(URL)).status_code == 403
    assert client.post(reverse(URL)).status_code == 403
    assert not Notification.objects.filter(kind="records_reminder_manual").exists()
    if who == "subject":
        board = client.get(reverse("records:board")).content.decode()
        assert "remind-all" not in board and "remind-one" not in board
