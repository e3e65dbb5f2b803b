from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hoso.core"
    label = "core"

    def ready(self):
        from hoso.core import checks  # noqa: F401  (registers the start-up checks)
