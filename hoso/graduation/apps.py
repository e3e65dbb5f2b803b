from django.apps import AppConfig


class GraduationConfig(AppConfig):
    name = "hoso.graduation"
    label = "graduation"
    verbose_name = "Hoàn thành chương trình, xét công nhận tốt nghiệp"
