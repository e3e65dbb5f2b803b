"""``manage.py archive_verify FILE.zip`` or ``--export ID``: check every checksum of an archive
(SHA256SUMS and manifest.json against the files inside). Exit 1 naming each problem."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn một bản lưu trữ hồ sơ (mã SHA-256 của từng tệp và bản kê)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="đường dẫn tệp ZIP")
        parser.add_argument("--export", type=int, help="số của bản lưu trữ trong HoSo")

    def handle(self, *args, path, export, **options):
        from hoso.archive.builder import verify_zip
        from hoso.archive.models import ArchiveExport

        if export:
            row = ArchiveExport.objects.filter(pk=export).first()
            if row is None or not row.file:
                raise CommandError(f"Không có bản lưu trữ #{export} đã tạo xong.")
            stream = row.file.open("rb")
        elif path:
            try:
                stream = open(path, "rb")  # noqa: SIM115 - closed below
            except OSError as exc:
                raise CommandError(f"Không mở được {path}: {exc}")
        else:
            raise CommandError("Hãy ghi đường dẫn tệp ZIP hoặc --export ID.")
        with stream:
            problems = verify_zip(stream)
        if problems:
            for p in problems:
                self.stderr.write(p)
            raise CommandError(f"{len(problems)} lỗi toàn vẹn.")
        self.stdout.write("Mọi mã SHA-256 đều khớp.")
