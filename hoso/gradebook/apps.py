from django.apps import AppConfig


class GradebookConfig(AppConfig):
    name = "hoso.gradebook"
    label = "gradebook"
    verbose_name = "Sổ theo dõi và đánh giá"

    def ready(self) -> None:
        from hoso.gradebook.excel.importer import GRADE_SHEET
        from hoso.imports.registry import register

        register(GRADE_SHEET)
