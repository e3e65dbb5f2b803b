from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hoso.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from hoso.accounts import signals  # noqa: F401  (login/logout audit events)
