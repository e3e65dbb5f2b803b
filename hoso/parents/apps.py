from django.apps import AppConfig


class ParentsConfig(AppConfig):
    name = "hoso.parents"
    label = "parents"
    verbose_name = "Sổ liên lạc điện tử"
