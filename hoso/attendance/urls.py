from django.urls import path

from hoso.attendance import views

app_name = "attendance"
urlpatterns = [
    path("", views.index, name="index"),
    path("lop/<int:class_id>/", views.roll, name="roll"),
    path("lop/<int:class_id>/thang/<str:ym>/", views.month, name="month"),
    path("lop/<int:class_id>/de-nghi/", views.request_new, name="request_new"),
    path("de-nghi/", views.requests, name="requests"),
    path("de-nghi/<int:request_id>/<str:what>/", views.request_act, name="request_act"),
    path("xin-phep/", views.leave_list, name="leave_list"),
    path("xin-phep/<int:leave_id>/<str:what>/", views.leave_act, name="leave_act"),
    path("hoc-sinh/<int:student_id>/", views.child, name="child"),
    path("thiet-lap/", views.settings_page, name="settings"),
]
