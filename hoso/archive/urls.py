from django.urls import path

from hoso.archive import views

app_name = "archive"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("xuat/", views.export_create, name="export_create"),
    path("xuat/<int:export_id>/", views.export_detail, name="export_detail"),
    path("xuat/<int:export_id>/tien-do/", views.export_progress, name="export_progress"),
    path("xuat/<int:export_id>/tai-ve/", views.export_download, name="export_download"),
    path("xuat/<int:export_id>/huy/", views.export_cancel, name="export_cancel"),
    path("xuat/<int:export_id>/tao-lai/", views.export_retry, name="export_retry"),
    path("chia-se/", views.share_create, name="share_create"),
    path("chia-se/<int:link_id>/thu-hoi/", views.share_revoke, name="share_revoke"),
    path("thoi-han-luu-tru/", views.retention, name="retention"),
    path("s/<str:token>/", views.shared, name="shared"),
    path("s/<str:token>/tai-ve/", views.shared_export, name="shared_export"),
    path("s/<str:token>/tep/<int:submission_id>/", views.shared_file, name="shared_file"),
]
