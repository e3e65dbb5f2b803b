from django.apps import AppConfig


class PrintingConfig(AppConfig):
    name = "hoso.printing"
    label = "printing"
    verbose_name = "In ấn"
