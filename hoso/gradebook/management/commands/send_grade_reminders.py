"""``manage.py send_grade_reminders``: run hourly from cron (see gradebook/progress/tasks.py)."""

from __future__ import annotations

from hoso.notifications.commands import ReminderCommand


class Command(ReminderCommand):
    help = (
        "Nhắc giáo viên nhập điểm trước và sau hạn (thông báo trong HoSo, e-mail khi đã cấu hình) "
        "và gửi phó hiệu trưởng bản tổng hợp quá hạn mỗi ngày. Chạy lại không tạo trùng."
    )

    def task(self):
        from hoso.gradebook.progress.tasks import send_grade_reminders

        return send_grade_reminders

    def send(self, *, now, schools) -> str:
        from hoso.gradebook.progress.actions import grade_reminders_send

        run = grade_reminders_send(now=now, schools=schools)
        return (
            f"Đã xét {run.sheets} sổ điểm ở {run.schools} trường: "
            f"{run.created} thông báo nhắc mới, {run.digests} bản tổng hợp cho phó hiệu trưởng."
        )
