from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "hoso.archive"
    label = "archive"
    verbose_name = "Lưu trữ"
