from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "hoso.backup"
    label = "backup"
    verbose_name = "Sao lưu và khôi phục"
