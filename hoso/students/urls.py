from django.urls import path

from hoso.imports.urls import import_patterns
from hoso.students import views
from hoso.students.importing.importer import CLASS_LIST

app_name = "students"
urlpatterns = [
    path("", views.search, name="search"),
    path("so-dang-bo/", views.register, name="register"),
    path("<int:student_id>/", views.detail, name="detail"),
    path("<int:student_id>/sua/", views.edit, name="edit"),
    path("lop/<int:class_id>/them/", views.create, name="create"),
    path("nhap-hoc/<int:enrolment_id>/ket-thuc/", views.end_enrolment, name="end_enrolment"),
    path("nhap-hoc/<int:enrolment_id>/chuyen-lop/", views.change_class, name="change_class"),
    path("<int:student_id>/tro-lai-hoc/", views.return_to_school, name="return"),
    # Excel import of a class list (all or nothing; see hoso/imports and students/importing)
    *import_patterns(
        CLASS_LIST, start="lop/<int:class_id>/nhap-excel/", batch="nhap-excel/<int:batch_id>/"
    ),
]
