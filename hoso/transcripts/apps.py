from django.apps import AppConfig


class TranscriptsConfig(AppConfig):
    name = "hoso.transcripts"
    label = "transcripts"
    verbose_name = "Học bạ số"

    def ready(self) -> None:
        from hoso.core import events
        from hoso.gradebook.events import ResultsChanged
        from hoso.transcripts import subscribers

        events.subscribe(ResultsChanged, subscribers.results_changed)
