"""The shared shape of the reminder commands (``send_grade_reminders``, ``send_record_reminders``):
meant to run hourly from cron; ``--school`` (repeatable), ``--now`` (ISO, Vietnam time when no
zone) and ``--enqueue`` (hand the run to the django-tasks worker). Running twice sends nothing twice."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class ReminderCommand(BaseCommand):
    #: the django-tasks task taking (now ISO | None, school ids | None)
    def task(self):
        raise NotImplementedError

    #: run now; returns the line to print
    def send(self, *, now, schools) -> str:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--school", action="append", default=[], help="mã trường (lặp lại)")
        parser.add_argument("--now", help="thời điểm tính (ISO, giờ Việt Nam nếu không ghi múi)")
        parser.add_argument(
            "--enqueue", action="store_true", help="đưa vào hàng đợi django-tasks thay vì chạy ngay"
        )

    def handle(self, *args, school, now, enqueue, **options):
        from hoso.core import context
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
            result = self.task().enqueue(
                when.isoformat() if when else None, [s.pk for s in schools] if schools else None
            )
            self.stdout.write(f"Đã đưa vào hàng đợi: {result.id}")
            return
        token = context.set_current(context.RequestContext(channel="command"))
        try:
            self.stdout.write(self.send(now=when, schools=schools))
        finally:
            context.reset(token)
