from django.urls import path

from hoso.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.mine_view, name="mine"),
    path("dong-y/", views.consent_view, name="consent"),
    path("con/<int:student_id>/", views.child_view, name="child"),
    path("con/<int:student_id>/tai-ve.json", views.child_download_view, name="child_download"),
    path("thong-bao/", views.notice_view, name="notice"),
    path("thong-bao/<int:version>/", views.notice_version_view, name="notice_version"),
    path("phieu-giay/", views.paper_view, name="paper"),
    path("yeu-cau/", views.requests_view, name="requests"),
    path("yeu-cau/<int:request_id>/", views.request_update_view, name="request_update"),
]
