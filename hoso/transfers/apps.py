from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "hoso.transfers"
    label = "transfers"
    verbose_name = "Chuyển trường"
