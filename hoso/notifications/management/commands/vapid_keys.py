"""Print a new VAPID key pair for Web Push (put the private key in HOSO_VAPID_PRIVATE_KEY)."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Tạo cặp khóa VAPID cho thông báo đẩy."

    def handle(self, *args, **options):
        from hoso.notifications.channels.push import new_private_key, public_key_b64

        private = new_private_key()
        self.stdout.write(f"HOSO_VAPID_PRIVATE_KEY={private}")
        self.stdout.write(f"# khóa công khai (trình duyệt dùng): {public_key_b64(private)}")
