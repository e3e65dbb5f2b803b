from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "hoso.correspondence"
    label = "correspondence"
    verbose_name = "Văn bản đi, đến"
