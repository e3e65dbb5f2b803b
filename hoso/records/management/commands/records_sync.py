"""manage.py records_sync [--school CODE] [--year NAME] [--seed]: folders and obligations."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hoso.organisation.models import School, SchoolYear
from hoso.records.actions import obligations_sync, record_types_seed


class Command(BaseCommand):
    help = "Tạo/cập nhật thư mục mặc định và nghĩa vụ nộp hồ sơ của các năm học đang mở."

    def add_arguments(self, parser):
        parser.add_argument("--school", help="mã trường (mặc định: mọi trường)")
        parser.add_argument("--year", help="tên năm học, ví dụ 2026-2027 (mặc định: năm đang mở)")
        parser.add_argument(
            "--seed", action="store_true", help="bổ sung danh mục loại hồ sơ mặc định trước"
        )

    def handle(self, *args, school=None, year=None, seed=False, **options):
        schools = School.objects.all()
        if school:
            schools = schools.filter(code=school)
            if not schools.exists():
                raise CommandError(f"Không có trường mã {school}.")
        for s in schools:
            if seed:
                created = record_types_seed(school=s)
                self.stdout.write(f"{s.code}: {len(created)} loại hồ sơ mới")
            years = SchoolYear.objects.filter(school=s, is_closed=False)
            if year:
                years = SchoolYear.objects.filter(school=s, name=year)
            for y in years:
                result = obligations_sync(year=y)
                self.stdout.write(f"{s.code} {y.name}: {result}")
