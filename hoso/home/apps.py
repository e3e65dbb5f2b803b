from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "hoso.home"
    label = "home"
