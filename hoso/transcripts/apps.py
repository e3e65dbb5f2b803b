from django.apps import AppConfig


class TranscriptsConfig(AppConfig):
    name = "hoso.transcripts"
    label = "transcripts"
    verbose_name = "Học bạ số"
