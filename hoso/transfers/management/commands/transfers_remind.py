"""``manage.py transfers_remind``: daily (deploy/systemd/hoso-transfers-remind.timer)."""

from __future__ import annotations

from hoso.notifications.commands import ReminderCommand


class Command(ReminderCommand):
    help = (
        "Nhắc người phải làm bước tiếp theo của hồ sơ chuyển trường đã quá hạn (ngày làm việc, "
        "theo lịch nghỉ của trường). Mỗi bước nhắc tối đa một lần một ngày."
    )

    def task(self):
        from hoso.transfers.tasks import transfers_remind

        return transfers_remind

    def send(self, *, now, schools) -> str:
        from hoso.transfers.reminders import transfers_remind

        run = transfers_remind(now=now, schools=schools)
        return f"{run.late_steps} bước quá hạn, {run.notified} thông báo mới."
