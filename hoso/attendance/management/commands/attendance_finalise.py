"""manage.py attendance_finalise — run daily (hoso-attendance-finalise.timer): in every school,
the absences of the months whose confirmation window has closed and that the homeroom teacher
left unconfirmed become unexcused (K); one audit event per class and month. Idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hoso.attendance.actions import finalise_months


class Command(BaseCommand):
    help = "Chốt điểm danh các tháng đã hết hạn xác nhận: vắng chưa xác nhận thành không phép."

    def handle(self, *args, **options):
        done = finalise_months()
        for row in done:
            self.stdout.write(
                f"Lớp {row['class']} tháng {row['month']}: {row['unexcused']} lượt thành không "
                f"phép, {row['excused_kept']} lượt có phép được chốt."
            )
        self.stdout.write(f"Đã chốt {len(done)} lớp-tháng.")
