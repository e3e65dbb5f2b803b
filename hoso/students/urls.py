from django.urls import path

from hoso.students import import_views, views

app_name = "students"
urlpatterns = [
    path("", views.search, name="search"),
    path("so-dang-bo/", views.register, name="register"),
    path("<int:student_id>/", views.detail, name="detail"),
    path("<int:student_id>/sua/", views.edit, name="edit"),
    path("lop/<int:class_id>/them/", views.create, name="create"),
    path("nhap-hoc/<int:enrolment_id>/ket-thuc/", views.end_enrolment, name="end_enrolment"),
    # Excel import of a class list (all or nothing; see students/importing.py)
    path("lop/<int:class_id>/nhap-excel/", import_views.import_start, name="import_start"),
    path(
        "lop/<int:class_id>/nhap-excel/mau.xlsx",
        import_views.import_template,
        name="import_template",
    ),
    path(
        "lop/<int:class_id>/nhap-excel/tai-len/", import_views.import_upload, name="import_upload"
    ),
    path("nhap-excel/<int:batch_id>/", import_views.import_batch, name="import_batch"),
    path("nhap-excel/<int:batch_id>/ghep-cot/", import_views.import_map, name="import_map"),
    path(
        "nhap-excel/<int:batch_id>/dong-tieu-de/",
        import_views.import_header_row,
        name="import_header_row",
    ),
    path("nhap-excel/<int:batch_id>/ghi/", import_views.import_commit, name="import_commit"),
    path("nhap-excel/<int:batch_id>/huy/", import_views.import_cancel, name="import_cancel"),
]
