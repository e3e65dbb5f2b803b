"""``manage.py send_record_reminders``: run hourly from cron (see records/reminder_tasks.py)."""

from __future__ import annotations

from hoso.notifications.commands import ReminderCommand


class Command(ReminderCommand):
    help = (
        "Nhắc nộp hồ sơ trước hạn và sau khi quá hạn (thông báo trong HoSo, e-mail khi đã cấu "
        "hình). Chạy lại không gửi trùng."
    )

    def task(self):
        from hoso.records.reminder_tasks import send_record_reminders

        return send_record_reminders

    def send(self, *, now, schools) -> str:
        from hoso.records.reminders import record_reminders_send

        run = record_reminders_send(now=now, schools=schools)
        return (
            f"Đã xét {run.considered} hồ sơ chưa nộp ở {run.schools} trường: {run.created} thông "
            f"báo mới ({run.before} nhắc trước hạn, {run.after} báo quá hạn)."
        )
