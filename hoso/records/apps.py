from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "hoso.records"
    label = "records"
    verbose_name = "Hồ sơ điện tử"

    def ready(self) -> None:
        from hoso.records import signals

        signals.connect()
