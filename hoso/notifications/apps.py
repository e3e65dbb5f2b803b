from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hoso.notifications"
    label = "notifications"
    verbose_name = "Thông báo"
