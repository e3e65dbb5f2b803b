from django.urls import include, path

from hoso.organisation import views

app_name = "organisation"
urlpatterns = [
    path("lop/", views.class_list, name="classes"),
    path("lop/<int:class_id>/", views.class_detail, name="class_detail"),
    path("can-bo/", views.staff_list, name="staff"),
    path("thiet-lap/", include("hoso.organisation.setup.urls")),
]
