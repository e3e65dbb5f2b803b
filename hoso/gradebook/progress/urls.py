"""URLs of the grade book: progress (included by hoso/gradebook/urls.py)."""

from django.urls import path

from hoso.gradebook.progress import views

urlpatterns = [
    path("tien-do/", views.progress_board, name="progress"),
    path("tien-do/nhac/", views.progress_remind, name="progress_remind"),
    path("tien-do/xuat-excel/", views.progress_export, name="progress_export"),
    path("tien-do/han-nhap-diem/", views.deadline_settings, name="deadline_settings"),
    path("kiem-tra-thang/", views.monthly_checks, name="monthly_checks"),
    path("kiem-tra-thang/ghi/", views.monthly_check_record, name="monthly_check_record"),
    path("kiem-tra-thang/<int:check_id>/", views.monthly_check_detail, name="monthly_check_detail"),
    path(
        "kiem-tra-thang/<int:check_id>/ky-duyet/",
        views.monthly_check_sign_off,
        name="monthly_check_sign_off",
    ),
]
