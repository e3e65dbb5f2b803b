from django.urls import path

from hoso.students import views

app_name = "students"
urlpatterns = [
    path("", views.search, name="search"),
    path("so-dang-bo/", views.register, name="register"),
    path("<int:student_id>/", views.detail, name="detail"),
    path("<int:student_id>/sua/", views.edit, name="edit"),
    path("lop/<int:class_id>/them/", views.create, name="create"),
    path("nhap-hoc/<int:enrolment_id>/ket-thuc/", views.end_enrolment, name="end_enrolment"),
]
