from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "hoso.signing"
    label = "signing"
    verbose_name = "Chữ ký số"

    def ready(self) -> None:
        from hoso.core import events
        from hoso.gradebook.events import ResultsChanged
        from hoso.signing import subscribers

        events.subscribe(ResultsChanged, subscribers.results_changed)
