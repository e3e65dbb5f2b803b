"""``manage.py send_grade_reminders``: run hourly from cron (see gradebook/reminder_tasks.py)."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from hoso.gradebook.deadlines import LOCAL_TZ


class Command(BaseCommand):
    help = (
        "Nhắc giáo viên nhập điểm trước và sau hạn (thông báo trong HoSo, e-mail khi đã cấu hình) "
        "và gửi phó hiệu trưởng bản tổng hợp quá hạn mỗi ngày. Chạy lại không tạo trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", action="append", default=[], help="mã trường (lặp lại)")
        parser.add_argument("--now", help="thời điểm tính (ISO, giờ Việt Nam nếu không ghi múi)")
        parser.add_argument(
            "--enqueue", action="store_true", help="đưa vào hàng đợi django-tasks thay vì chạy ngay"
        )

    def handle(self, *args, school, now, enqueue, **options):
        from hoso.gradebook.progress_actions import grade_reminders_send
        from hoso.gradebook.reminder_tasks import send_grade_reminders
        from hoso.organisation.models import School

        when = None
        if now:
            try:
                when = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now không phải thời điểm ISO: {now}")
            if when.tzinfo is None:
                when = when.replace(tzinfo=LOCAL_TZ)
        schools = None
        if school:
            schools = list(School.objects.filter(code__in=school))
            unknown = set(school) - {s.code for s in schools}
            if unknown:
                raise CommandError("Không có trường mã: " + ", ".join(sorted(unknown)))
        if enqueue:
            result = send_grade_reminders.enqueue(
                when.isoformat() if when else None, [s.pk for s in schools] if schools else None
            )
            self.stdout.write(f"Đã đưa vào hàng đợi: {result.id}")
            return
        run = grade_reminders_send(now=when, schools=schools)
        self.stdout.write(
            f"Đã xét {run.sheets} sổ điểm ở {run.schools} trường: "
            f"{run.created} thông báo nhắc mới, {run.digests} bản tổng hợp cho phó hiệu trưởng."
        )
