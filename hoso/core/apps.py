from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hoso.core"
    label = "core"

    def ready(self):
        from hoso.core import budget, checks  # noqa: F401  (register the start-up and budget checks)
