"""manage.py backup --output DIR [--keep N] [--no-encrypt] | backup --verify ARCHIVE (docs/BACKUP.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hoso.backup import actions, crypto
from hoso.backup.errors import BackupError, fail
from hoso.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Sao lưu HoSo (cơ sở dữ liệu + tệp + bảng kê SHA-256, mã hóa bằng HOSO_BACKUP_KEY) vào "
        "một tệp trong --output; --verify kiểm tra một bản sao lưu mà không khôi phục."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="thư mục chứa các bản sao lưu")
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="giữ N bản mới nhất trong --output, xóa bản cũ hơn",
        )
        parser.add_argument(
            "--no-encrypt",
            action="store_true",
            help="ghi bản sao lưu KHÔNG mã hóa (chỉ để thử nghiệm)",
        )
        parser.add_argument(
            "--verify", type=Path, metavar="ARCHIVE", help="kiểm tra một bản sao lưu"
        )

    def handle(self, *args, **options):
        try:
            if options["verify"]:
                self._verify(options["verify"])
            elif options["output"]:
                self._backup(options)
            else:
                raise CommandError("Cần --output THƯ_MỤC (sao lưu) hoặc --verify TỆP (kiểm tra).")
        except DomainError as error:
            raise CommandError(error.message) from error

    def _backup(self, options):
        if options["keep"] is not None and options["keep"] < 1:
            raise CommandError("--keep phải từ 1 trở lên.")
        if options["no_encrypt"]:
            passphrase = None
            self.stderr.write(
                "CẢNH BÁO: bản sao lưu này KHÔNG được mã hóa (--no-encrypt): ai đọc được tệp là "
                "đọc được mọi dữ liệu học sinh. Chỉ dùng để thử nghiệm."
            )
        else:
            passphrase = crypto.key_from_environment()
            if passphrase is None:
                raise CommandError(
                    f"{fail(BackupError.NO_KEY).message} Bản sao lưu không mã hóa chỉ được ghi "
                    "khi dùng rõ --no-encrypt."
                )
        report = actions.backup_create(
            output_dir=options["output"], passphrase=passphrase, log=self.stdout.write
        )
        self.stdout.write(
            f"Đã sao lưu: {report.path} ({report.size} byte, {report.files} tệp, "
            f"{'mã hóa' if report.encrypted else 'KHÔNG mã hóa'})."
        )
        # A backup not read back is not a backup: decrypt it all and check every checksum.
        actions.backup_verify(archive=report.path, passphrase=passphrase)
        self.stdout.write("Đã đọc lại bản sao lưu: mọi mã SHA-256 khớp bảng kê.")
        if report.vanished:
            self.stderr.write(f"CẢNH BÁO: {len(report.vanished)} tệp bị xóa trong lúc sao lưu.")
        if options["keep"]:
            actions.backup_prune(
                output_dir=options["output"], keep=options["keep"], log=self.stdout.write
            )

    def _verify(self, archive: Path):
        manifest = actions.backup_verify(archive=archive, passphrase=crypto.key_from_environment())
        if not manifest.get("encrypted"):
            self.stderr.write("CẢNH BÁO: bản sao lưu này không được mã hóa.")
        self.stdout.write(
            f"Bản sao lưu hợp lệ: {archive.name}, tạo lúc {manifest['created_at']}, "
            f"cơ sở dữ liệu {manifest['database']['vendor']}, {len(manifest['files'])} tệp, "
            f"{len(manifest['audit_heads'])} chuỗi nhật ký; mọi mã SHA-256 khớp."
        )
