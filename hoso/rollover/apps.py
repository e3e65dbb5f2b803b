from django.apps import AppConfig


class RolloverConfig(AppConfig):
    name = "hoso.rollover"
    label = "rollover"
    verbose_name = "Chuyển dữ liệu năm học"
