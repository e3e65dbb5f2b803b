from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "hoso.audit"
    label = "audit"
    verbose_name = "Nhật ký truy vết"

    def ready(self) -> None:
        from hoso.audit import checks  # noqa: F401 - registers the key check
