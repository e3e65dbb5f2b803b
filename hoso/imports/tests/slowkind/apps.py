from django.apps import AppConfig


class SlowKindConfig(AppConfig):
    name = "hoso.imports.tests.slowkind"
    label = "imports_slowkind"

    def ready(self) -> None:
        from hoso.imports.registry import register
        from hoso.imports.tests.slowkind.importer import SLOW_CLASS_LIST

        register(SLOW_CLASS_LIST)
