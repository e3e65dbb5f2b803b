"""``manage.py send_privacy_reminders``: run hourly from cron (see privacy/tasks.py)."""

from __future__ import annotations

from hoso.notifications.commands import ReminderCommand


class Command(ReminderCommand):
    help = (
        "Nhắc văn thư, hiệu trưởng các yêu cầu về dữ liệu cá nhân sắp đến hạn (24 giờ) hoặc "
        "đã quá hạn trả lời. Chạy lại không tạo trùng."
    )

    def task(self):
        from hoso.privacy.tasks import send_privacy_reminders

        return send_privacy_reminders

    def send(self, *, now, schools) -> str:
        from hoso.privacy.actions import request_reminders_send

        run = request_reminders_send(now=now, schools=schools)
        return (
            f"Đã xét {run.open} yêu cầu sắp/quá hạn ở {run.schools} trường: "
            f"{run.created} thông báo nhắc mới."
        )
