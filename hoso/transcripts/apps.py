from django.apps import AppConfig


class TranscriptsConfig(AppConfig):
    name = "hoso.transcripts"
    label = "transcripts"
    verbose_name = "Học bạ số"

    def ready(self) -> None:
        from hoso.core import events
        from hoso.gradebook.events import ResultsChanged
        from hoso.printing.documents import register_content_source
        from hoso.transcripts import content, subscribers

        events.subscribe(ResultsChanged, subscribers.results_changed)
        # The print pages and jobs lay out the content the transcript owns.
        register_content_source(
            one=content.transcript_content, many=content.class_transcripts_content
        )
