from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "hoso.records"
    label = "records"
    verbose_name = "Hồ sơ điện tử"

    def ready(self) -> None:
        from hoso.core import events
        from hoso.records import signals
        from hoso.records.events import OrganisationChanged

        signals.connect()
        events.subscribe(OrganisationChanged, signals.sync_after_commit, batch=True)
