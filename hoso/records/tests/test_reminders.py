"""Reminders: before the deadline (setting), after a miss, to the right person, e-mail when
configured, never twice, a moved deadline reminded again, the command and the task."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from hoso.archive.testing import make_obligation, make_record_type
from hoso.notifications.models import Notification
from hoso.records.models import Obligation, ObligationState, OwnerKind
from hoso.records.reminders import record_reminders_send

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 18, 8, 0, tzinfo=VN)  # Wednesday morning


@pytest.fixture
def obligations(world):
    plans = make_record_type(world.school, "Kế hoạch bài dạy")
    minutes = make_record_type(
        world.school, "Biên bản sinh hoạt tổ", owner_kind=OwnerKind.DEPARTMENT
    )
    s, h = world.people["subject"], world.people["homeroom"]
    y = world.year
    return {
        # due Friday 17:00: within 2 days and 9 hours → no (2 days = Friday 08:00)
        "friday": make_obligation(
            y, plans, owner_staff=s, due_at=datetime(2026, 11, 20, 17, tzinfo=VN)
        ),
        # due Thursday 17:00: within 2 days → "before"
        "thursday": make_obligation(
            y, plans, owner_staff=s, due_at=datetime(2026, 11, 19, 17, tzinfo=VN)
        ),
        # due Monday: missed → "after"
        "missed": make_obligation(
            y, plans, owner_staff=h, due_at=datetime(2026, 11, 16, 17, tzinfo=VN)
        ),
        # submitted already → nothing
        "done": make_obligation(
            y,
            plans,
            owner_staff=s,
            due_at=datetime(2026, 11, 19, 12, tzinfo=VN),
            first_submitted_at=datetime(2026, 11, 17, 9, tzinfo=VN),
        ),
        # missed a month ago → not re-announced
        "old": make_obligation(
            y, plans, owner_staff=h, due_at=datetime(2026, 10, 12, 17, tzinfo=VN)
        ),
        # team record due tomorrow → the department head
        "team": make_obligation(
            y, minutes, owner_department=s.department, due_at=datetime(2026, 11, 19, 9, tzinfo=VN)
        ),
        # inactive → nothing
        "inactive": make_obligation(
            y, plans, owner_staff=s, due_at=datetime(2026, 11, 19, 17, tzinfo=VN), is_active=False
        ),
    }


def _by_user(world, key):
    return list(
        Notification.objects.filter(user=world.users[key])
        .order_by("id")
        .values_list("kind", "text")
    )


def test_before_and_after_reminders_go_to_who_must_submit(world, obligations):
    run = record_reminders_send(now=NOW, schools=[world.school])
    assert (run.before, run.after, run.created) == (2, 1, 3)
    subject = _by_user(world, "subject")
    assert subject == [
        (
            "records_reminder_before",
            "Nhắc nộp hồ sơ “Kế hoạch bài dạy — "
            + obligations["thursday"].period_label
            + "”: hạn 17:00 thứ Năm 19/11/2026 (còn 1 ngày).",
        )
    ]
    kind, text = _by_user(world, "homeroom")[0]
    assert kind == "records_reminder_after" and "Quá hạn nộp hồ sơ" in text and "16/11/2026" in text
    head = _by_user(world, "dept_head")
    assert len(head) == 1 and "của Tổ Toán – Tin" in head[0][1] and "còn 1 ngày" in head[0][1]
    n = Notification.objects.get(user=world.users["homeroom"])
    assert n.url == f"/ho-so/nghia-vu/{obligations['missed'].pk}/"


def test_never_the_same_reminder_twice_and_a_moved_deadline_is_reminded_again(world, obligations):
    record_reminders_send(now=NOW, schools=[world.school])
    again = record_reminders_send(now=NOW + timedelta(minutes=30), schools=[world.school])
    assert again.created == 0
    assert Notification.objects.count() == 3
    # the Thursday deadline passes unsubmitted: one "after" reminder, once
    later = record_reminders_send(now=datetime(2026, 11, 19, 18, tzinfo=VN), schools=[world.school])
    assert later.after == 2  # Thursday plan + the team minutes
    assert record_reminders_send(now=datetime(2026, 11, 19, 19, tzinfo=VN)).created == 0
    # the school moves Friday's deadline: the new deadline gets its own reminder
    ob = obligations["friday"]
    Obligation.objects.filter(pk=ob.pk).update(due_at=datetime(2026, 11, 19, 10, tzinfo=VN))
    moved = record_reminders_send(now=NOW, schools=[world.school])
    assert moved.before == 1 and moved.reminders[0].obligation_id == ob.pk


def test_days_before_is_a_setting(world, obligations, settings):
    settings.HOSO_RECORD_REMINDER_DAYS = 3
    run = record_reminders_send(now=NOW, schools=[world.school])
    assert run.before == 3  # Friday's plan is now within 3 days


def test_email_when_configured_and_the_person_has_an_address(
    world, obligations, settings, django_capture_on_commit_callbacks
):
    settings.HOSO_EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = world.users["subject"]
    user.email = "duc@example.edu.vn"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        record_reminders_send(now=NOW, schools=[world.school])
    assert [m.to for m in mail.outbox] == [["duc@example.edu.vn"]]
    assert mail.outbox[0].subject == "[HoSo] Nhắc nộp hồ sơ"
    assert Notification.objects.get(user=user).emailed_at is not None


def test_returned_and_closed_year_obligations_are_not_reminded(world, obligations):
    Obligation.objects.filter(pk=obligations["thursday"].pk).update(state=ObligationState.RETURNED)
    world.year.is_closed = True
    world.year.save()
    assert record_reminders_send(now=NOW, schools=[world.school]).created == 0


def test_command_and_task(world, obligations):
    out = io.StringIO()
    call_command(
        "send_record_reminders",
        "--now",
        "2026-11-18T08:00",
        "--school",
        world.school.code,
        stdout=out,
    )
    assert "3 thông báo mới" in out.getvalue()
    from hoso.records.reminder_tasks import send_record_reminders

    result = send_record_reminders.enqueue(NOW.isoformat(), [world.school.pk])
    assert result.return_value["created"] == 0
