from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "hoso.students"
    label = "students"
    verbose_name = "Học sinh"

    def ready(self) -> None:
        from hoso.imports.registry import register
        from hoso.students.importing.importer import CLASS_LIST

        register(CLASS_LIST)
