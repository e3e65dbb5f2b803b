from django.apps import AppConfig


class StudentsConfig(AppConfig):
    name = "hoso.students"
    label = "students"
    verbose_name = "Học sinh"
