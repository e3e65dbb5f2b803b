"""manage.py transcripts_refresh [--school CODE] [--year 2026-2027] [--background]

Recompute each living transcript's data and compare it with the hash it was drafted from:
changed drafts and partly signed versions are superseded and redrafted (the people who had
signed are notified), changed issued ones are flagged for the clerk and the principal."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hoso.organisation.models import SchoolYear


class Command(BaseCommand):
    help = "Đối chiếu dữ liệu học bạ số với sổ điểm; thay thế bản nháp/bản đang ký đã cũ."

    def add_arguments(self, parser):
        parser.add_argument("--school", help="mã trường (mặc định: mọi trường)")
        parser.add_argument("--year", help="năm học, ví dụ 2026-2027 (mặc định: năm chưa khóa)")
        parser.add_argument(
            "--background", action="store_true", help="đưa vào hàng đợi thay vì chạy ngay"
        )

    def handle(self, *args, school=None, year=None, background=False, **options):
        from hoso.transcripts.actions import transcripts_refresh
        from hoso.transcripts.tasks import refresh_transcripts

        years = SchoolYear.objects.select_related("school")
        if school:
            years = years.filter(school__code=school)
        years = years.filter(name=year) if year else years.filter(is_closed=False)
        if not years.exists():
            raise CommandError("Không tìm thấy năm học phù hợp.")
        for y in years:
            if background:
                refresh_transcripts.enqueue(y.pk, None)
                self.stdout.write(f"{y.school.code} {y.name}: đã đưa vào hàng đợi")
                continue
            result = transcripts_refresh(year=y)
            self.stdout.write(
                f"{y.school.code} {y.name}: lập lại {len(result.created)}, "
                f"thay thế {len(result.superseded)}, đã cấp có thay đổi {len(result.flagged)}, "
                f"không đổi {result.unchanged}"
            )
