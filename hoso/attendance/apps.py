from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "hoso.attendance"
    label = "attendance"
    verbose_name = "Điểm danh, chuyên cần"
