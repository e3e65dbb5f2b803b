from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "hoso.organisation"
    label = "organisation"
    verbose_name = "Tổ chức"

    def ready(self) -> None:
        from hoso.imports.registry import register
        from hoso.organisation.assignments.importing.importer import ASSIGNMENT_TABLE
        from hoso.organisation.staff.importing.importer import STAFF_LIST

        register(STAFF_LIST)
        register(ASSIGNMENT_TABLE)
