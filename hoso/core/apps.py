from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hoso.core"
    label = "core"
