"""/to-chuc/thiet-lap/…: the set-up pages, one URL per action."""

from django.urls import path

from hoso.organisation.setup import views

app_name = "setup"
urlpatterns = [
    path("", views.index, name="index"),
    path("xac-nhan/", views.confirm, name="confirm"),
    path("truong/", views.school, name="school"),
    path("nam-hoc/", views.year, name="year"),
    path("nam-hoc/moi/", views.year_new, name="year_new"),
    path("nam-hoc/ngay-nghi/", views.holiday_add, name="holiday_add"),
    path("nam-hoc/ngay-nghi/<int:holiday_id>/xoa/", views.holiday_remove, name="holiday_remove"),
    path("lop/", views.classes, name="classes"),
    path("lop/them/", views.classes_add, name="classes_add"),
    path("lop/<int:class_id>/sua/", views.class_update, name="class_update"),
    path("lop/<int:class_id>/xoa/", views.class_delete, name="class_delete"),
    path("mon-hoc/", views.subjects, name="subjects"),
    path("mon-hoc/khoi/<int:number>/", views.grade_save, name="grade_save"),
    path("mon-hoc/khoi/<int:number>/chuong-trinh/", views.programme_apply, name="programme_apply"),
    path("mon-hoc/khoi/<int:number>/them/", views.subject_add, name="subject_add"),
    path("mon-hoc/<int:subject_id>/", views.subject_edit, name="subject_edit"),
    path("mon-hoc/<int:subject_id>/xoa/", views.subject_delete, name="subject_delete"),
    path("to/", views.departments, name="departments"),
    path("to/them/", views.department_add, name="department_add"),
    path("to/<int:department_id>/sua/", views.department_update, name="department_update"),
    path("to/<int:department_id>/xoa/", views.department_delete, name="department_delete"),
    path("quy-tac-danh-gia/", views.rulesets, name="rulesets"),
]
