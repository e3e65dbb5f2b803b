"""manage.py setup_status — where each school's set-up stands, or, on an empty database, what to
type next (``HOSO_DEMO=0 make run`` prints it before serving)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hoso.accounts.middleware import default_year
from hoso.core.text import in_sentence
from hoso.organisation.models import Position, School
from hoso.organisation.setup.selectors import step_states
from hoso.organisation.setup.workflow import CONFIRMATION_LABELS, confirmation

NEXT_STEPS = """\
Chưa có trường nào. Tạo trường và tài khoản quản trị viên đầu tiên, ví dụ:

  .venv/bin/python manage.py create_school --code THCS-LELOI \\
      --name "Trường THCS Lê Lợi" --short-name "THCS Lê Lợi" --level lower_secondary \\
      --province "Thành phố Hải Phòng" --commune "Phường Hải An" \\
      --admin-username quantri --admin-name "Trần Văn Quản" --admin-gender nam

(--level: primary, lower_secondary, upper_secondary, continuing; trường nhiều cấp ghi
"primary,lower_secondary". Xem: .venv/bin/python manage.py create_school --help)
Lệnh in mật khẩu dùng một lần của quản trị viên. Mở HoSo, đăng nhập, đổi mật khẩu rồi vào
"Thiết lập trường"; hiệu trưởng xác nhận (docs/SETUP.md)."""


class Command(BaseCommand):
    help = "Tình trạng thiết lập của các trường; khi chưa có trường: lệnh cần gõ tiếp theo."

    def handle(self, *args, **options):
        schools = list(School.objects.order_by("code"))
        if not schools:
            self.stdout.write(NEXT_STEPS)
            return
        for school in schools:
            year = default_year(school)
            states = step_states(school, year)
            state = confirmation(states, confirmed=bool(year and year.confirmed_at))
            admins = ", ".join(
                school.staff.filter(position=Position.ADMINISTRATOR, user__isnull=False)
                .order_by("code")
                .values_list("user__username", flat=True)
            )
            self.stdout.write(f"{school.code}  {school.name}  (quản trị viên: {admins or '—'})")
            if year is None:
                self.stdout.write("  Chưa có năm học: vào 'Thiết lập trường' để tạo.")
                continue
            left = [in_sentence(s.title) for s in states if not s.done]
            line = f"  Năm học {year.name}: {CONFIRMATION_LABELS[state]}"
            self.stdout.write(line + (f" — còn: {', '.join(left)}." if left else "."))
