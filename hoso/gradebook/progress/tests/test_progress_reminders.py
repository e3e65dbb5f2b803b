"""Reminders before and after each deadline (GIVEN assigned teachers with missing results, WHEN
the reminder job runs at known moments, THEN each teacher gets one notification per sheet,
deadline and phase, vice principals one digest a day, and running again adds nothing)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from hoso.audit.models import AuditEvent
from hoso.gradebook.entry.models import SheetColumn
from hoso.gradebook.progress.actions import grade_reminders_send
from hoso.gradebook.progress.tasks import send_grade_reminders
from hoso.gradebook.tests.progress_helpers import put, second_vice, vn
from hoso.notifications.models import Notification

FRIDAY = vn(2026, 9, 25, 16)  # 23 hours before Saturday 26/9 15:00


def notes_of(world, who):
    return list(
        Notification.objects.filter(user=world.users[who])
        .order_by("dedupe_key")
        .values_list("kind", "text")
    )


@pytest.mark.django_db
def test_before_and_after_the_weekly_deadline_once(world):
    run = grade_reminders_send(now=FRIDAY, schools=[world.school])
    # math 6A1 (subject teacher) and literature 6A1 (homeroom teacher), one student each:
    # the coming Saturday (due 1 regular result) and the Saturday that passed (due 1)
    assert run.sheets == 2
    subject = notes_of(world, "subject")
    assert [k for k, _ in subject] == ["grade_reminder_after", "grade_reminder_before"]
    after, before = (t for _, t in subject)
    assert before.startswith("Nhắc nhập điểm lớp 6A1, môn Toán, Học kỳ I: còn thiếu 1 kết quả")
    assert "hạn 15:00 thứ bảy 26/09/2026" in before
    assert after.startswith(
        "Quá hạn nhập điểm lớp 6A1, môn Toán, Học kỳ I: hạn 15:00 thứ bảy 19/09"
    )
    assert len(notes_of(world, "homeroom")) == 2
    # the vice principal's digest
    (digest,) = notes_of(world, "vice")
    assert digest[0] == "grade_overdue_digest"
    assert "2 giáo viên, 2 sổ điểm còn thiếu 2 kết quả đã quá hạn" in digest[1]
    assert run.created == 4 and run.digests == 1
    total = Notification.objects.count()
    event = AuditEvent.objects.get(event_type="gradebook.reminders_sent")
    assert event.after == {"reminders": 4, "digests": 1, "sheets": 2}

    # WHEN it runs again (the next hour, the same deadlines) THEN nothing is added
    again = grade_reminders_send(now=vn(2026, 9, 25, 17), schools=[world.school])
    assert again.created == 0 and again.digests == 0
    assert Notification.objects.count() == total
    assert AuditEvent.objects.filter(event_type="gradebook.reminders_sent").count() == 1


@pytest.mark.django_db
def test_nothing_when_results_are_entered(world):
    put(
        world,
        world.student_a,
        world.class_a,
        world.math,
        "TX1",
        "8.0",
        assessed_on=date(2026, 9, 14),
    )
    grade_reminders_send(now=FRIDAY, schools=[world.school])
    assert notes_of(world, "subject") == []
    assert len(notes_of(world, "homeroom")) == 2  # literature still missing


@pytest.mark.django_db
def test_outside_the_remind_window_only_the_passed_deadline(world):
    monday = vn(2026, 9, 21, 9)
    grade_reminders_send(now=monday, schools=[world.school])
    assert [k for k, _ in notes_of(world, "subject")] == ["grade_reminder_after"]
    # after the next Saturday: a new "after" reminder for the new deadline (no "before": the job
    # did not run within the 24 hours before it, and the next one is a week away)
    grade_reminders_send(now=vn(2026, 9, 26, 16), schools=[world.school])
    assert [k for k, _ in notes_of(world, "subject")] == [
        "grade_reminder_after",
        "grade_reminder_after",
    ]


@pytest.mark.django_db
def test_periodic_deadline_before_and_after(world):
    SheetColumn.objects.create(
        school_class=world.class_a,
        subject=world.math,
        term=world.term1,
        column="GK",
        test_date=date(2026, 10, 20),
    )
    # deadline 3/11 23:59:59; 2/11 09:00 is 39 hours before: outside the 24-hour window
    grade_reminders_send(now=vn(2026, 11, 2, 9), schools=[world.school])
    assert not [t for _, t in notes_of(world, "subject") if "ĐĐGgk" in t]
    grade_reminders_send(now=vn(2026, 11, 3, 9), schools=[world.school])
    gk = [t for _, t in notes_of(world, "subject") if "ĐĐGgk" in t]
    assert gk == [
        "Nhắc nhập điểm lớp 6A1, môn Toán, Học kỳ I: còn thiếu 1 kết quả ĐĐGgk, "
        "hạn hết ngày 03/11/2026."
    ]
    grade_reminders_send(now=vn(2026, 11, 4, 9), schools=[world.school])
    gk = [t for _, t in notes_of(world, "subject") if "ĐĐGgk" in t]
    assert len(gk) == 2 and any(t.startswith("Quá hạn") for t in gk)


@pytest.mark.django_db
def test_one_digest_per_vice_principal_per_day(world):
    second_vice(world)
    grade_reminders_send(now=FRIDAY, schools=[world.school])
    grade_reminders_send(now=vn(2026, 9, 25, 23), schools=[world.school])
    assert len(notes_of(world, "vice")) == len(notes_of(world, "vice2")) == 1
    grade_reminders_send(now=vn(2026, 9, 26, 8), schools=[world.school])
    assert len(notes_of(world, "vice")) == 2
    assert not notes_of(world, "principal")  # the principal reads the board, no digest


@pytest.mark.django_db
def test_email_when_configured(world, settings, django_capture_on_commit_callbacks):
    world.users["subject"].email = "duc@example.edu.vn"
    world.users["subject"].save()
    settings.HOSO_EMAIL_ENABLED = True
    with django_capture_on_commit_callbacks(execute=True):
        grade_reminders_send(now=FRIDAY, schools=[world.school])
    sent = [m for m in mail.outbox if m.to == ["duc@example.edu.vn"]]
    assert sorted(m.subject for m in sent) == ["[HoSo] Nhắc nhập điểm", "[HoSo] Quá hạn nhập điểm"]
    assert "lớp 6A1, môn Toán" in sent[0].body
    assert (
        Notification.objects.filter(user=world.users["subject"], emailed_at__isnull=False).count()
        == 2
    )
    # people without an address get the in-app notification only
    assert (
        Notification.objects.filter(user=world.users["homeroom"], emailed_at__isnull=True).count()
        == 2
    )


@pytest.mark.django_db
def test_no_email_without_smtp(world, settings, django_capture_on_commit_callbacks):
    world.users["subject"].email = "duc@example.edu.vn"
    world.users["subject"].save()
    settings.HOSO_EMAIL_ENABLED = None  # decided by the backend: the tests' in-memory one
    with django_capture_on_commit_callbacks(execute=True):
        grade_reminders_send(now=FRIDAY, schools=[world.school])
    assert mail.outbox == []
    assert Notification.objects.filter(user=world.users["subject"]).count() == 2


@pytest.mark.django_db
def test_closed_year_and_finished_terms_are_left_alone(world):
    world.year.is_closed = True
    world.year.save()
    run = grade_reminders_send(now=FRIDAY, schools=[world.school])
    assert run.schools == 0 and not Notification.objects.exists()


@pytest.mark.django_db
def test_task_and_command(world, capsys):
    result = send_grade_reminders.enqueue(FRIDAY.isoformat(), [world.school.pk])
    assert result.return_value["created"] == 4
    call_command("send_grade_reminders", "--now", "2026-09-25T17:00", "--school", world.school.code)
    out = capsys.readouterr().out
    assert "0 thông báo nhắc mới" in out
    assert Notification.objects.count() == 5
