from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "hoso.signing"
    label = "signing"
    verbose_name = "Chữ ký số"
