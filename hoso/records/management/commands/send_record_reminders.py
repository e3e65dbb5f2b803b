"""``manage.py send_record_reminders``: run hourly from cron (see records/reminder_tasks.py)."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from hoso.records.reminders import LOCAL_TZ


class Command(BaseCommand):
    help = (
        "Nhắc nộp hồ sơ trước hạn và sau khi quá hạn (thông báo trong HoSo, e-mail khi đã cấu "
        "hình). Chạy lại không gửi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", action="append", default=[], help="mã trường (lặp lại)")
        parser.add_argument("--now", help="thời điểm tính (ISO, giờ Việt Nam nếu không ghi múi)")
        parser.add_argument(
            "--enqueue", action="store_true", help="đưa vào hàng đợi django-tasks thay vì chạy ngay"
        )

    def handle(self, *args, school, now, enqueue, **options):
        from hoso.core import context
        from hoso.organisation.models import School
        from hoso.records.reminder_tasks import send_record_reminders
        from hoso.records.reminders import record_reminders_send

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
            result = send_record_reminders.enqueue(
                when.isoformat() if when else None, [s.pk for s in schools] if schools else None
            )
            self.stdout.write(f"Đã đưa vào hàng đợi: {result.id}")
            return
        token = context.set_current(context.RequestContext(channel="command"))
        try:
            run = record_reminders_send(now=when, schools=schools)
        finally:
            context.reset(token)
        self.stdout.write(
            f"Đã xét {run.considered} hồ sơ chưa nộp ở {run.schools} trường: {run.created} thông "
            f"báo mới ({run.before} nhắc trước hạn, {run.after} báo quá hạn)."
        )
