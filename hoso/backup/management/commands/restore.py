"""manage.py restore ARCHIVE: into an empty instance only (docs/BACKUP.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hoso.backup import actions, crypto
from hoso.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Khôi phục HoSo từ một bản sao lưu vào một hệ thống TRỐNG: kiểm tra mọi mã SHA-256 "
        "trước khi ghi, rồi khôi phục cơ sở dữ liệu và tệp, chạy migrate và kiểm tra nhật ký "
        "truy vết."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, **options):
        archive = options["archive"]
        try:
            report = actions.backup_restore(
                archive=archive, passphrase=crypto.key_from_environment(), log=self.stdout.write
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        if not report.manifest.get("encrypted"):
            self.stderr.write("CẢNH BÁO: bản sao lưu này không được mã hóa (--no-encrypt).")
        heads = report.manifest["audit_heads"]
        self.stdout.write(
            f"Đã khôi phục {archive.name}: {report.files} tệp, {len(heads)} chuỗi nhật ký khớp "
            f"bảng kê; nhật ký truy vết toàn vẹn: {report.audit_events} sự kiện đã kiểm tra."
        )
