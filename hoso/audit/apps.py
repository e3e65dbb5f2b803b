from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hoso.audit"
    label = "audit"
    verbose_name = "Nhật ký truy vết"
