"""Daily reminders of late incoming documents: ``manage.py send_correspondence_reminders``."""

from django.core.management.base import BaseCommand

from hoso.correspondence.reminders import incoming_reminders_send


class Command(BaseCommand):
    help = "Nhắc văn bản đến quá hạn trình, chỉ đạo hoặc giải quyết (mỗi ngày một lần)."

    def handle(self, *args, **options):
        sent = incoming_reminders_send()
        self.stdout.write(f"Đã gửi {sent} lời nhắc văn bản đến.")
