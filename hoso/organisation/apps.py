from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "hoso.organisation"
    label = "organisation"
    verbose_name = "Tổ chức"
