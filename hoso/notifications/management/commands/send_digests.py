"""The weekly digests due now (hourly from cron; the day and hour are each school's setting)."""

from __future__ import annotations

from hoso.notifications.commands import ReminderCommand


class Command(ReminderCommand):
    help = "Lập và gửi bản tin tuần cho những người đã chọn nhận bản tin tuần."

    def task(self):
        from hoso.notifications.tasks import outbox_digests

        return outbox_digests

    def send(self, *, now, schools) -> str:
        from hoso.notifications.digest import send_digests

        made = send_digests(now=now, school_ids=[s.pk for s in schools] if schools else None)
        return f"Đã lập {made} bản tin tuần."
