"""manage.py staff_apply_ends — run daily (cron): the ends of employment whose date has come take
effect (further positions and department headships given up, account disabled unless it serves
elsewhere, leaders told what to give to someone else). From that date the account already no
longer opens the school, even before this runs."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hoso.organisation.staff.actions import staff_apply_due_ends


class Command(BaseCommand):
    help = "Áp dụng các trường hợp thôi công tác đã đến ngày."

    def handle(self, *args, **options):
        done = staff_apply_due_ends()
        for change in done:
            self.stdout.write(
                f"{change.staff.full_name}: thôi công tác từ {change.effective_on:%d/%m/%Y}."
            )
        self.stdout.write(f"Đã áp dụng {len(done)} trường hợp.")
