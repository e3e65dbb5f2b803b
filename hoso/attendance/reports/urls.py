from django.urls import path

from hoso.attendance.reports import views

app_name = "attendance_reports"

urlpatterns = [
    path("", views.school_report_page, name="school"),
    path("tai-ve.xlsx", views.school_report_xlsx, name="school_xlsx"),
]
