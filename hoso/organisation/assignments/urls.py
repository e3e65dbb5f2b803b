"""Phân công chuyên môn, under /to-chuc/phan-cong/ (names in the ``organisation`` namespace)."""

from django.urls import path

from hoso.imports.urls import import_patterns
from hoso.organisation.assignments import views
from hoso.organisation.assignments.importing.importer import ASSIGNMENT_TABLE

urlpatterns = [
    path("", views.table, name="assignments"),
    path("o/", views.cell_save, name="assignment_cell_save"),
    path("luu/", views.table_save, name="assignments_save"),
    path("sao-chep/", views.copy_term, name="assignments_copy"),
    path("duyet/", views.approve, name="assignments_approve"),
    path("thay-giao-vien/", views.replace, name="assignments_replace"),
    path("to-chuyen-mon/", views.departments, name="assignment_departments"),
    *import_patterns(
        ASSIGNMENT_TABLE, start="nhap-excel/<int:year_id>/", batch="nhap-excel/lan/<int:batch_id>/"
    ),
    path(
        "lop/<int:class_id>/mon/<int:subject_id>/ky/<int:term_id>/",
        views.cell,
        name="assignment_cell",
    ),
    path("lop/<int:class_id>/chu-nhiem/", views.homeroom, name="homeroom_history"),
    path("giao-vien/<int:staff_id>/", views.teacher, name="assignment_teacher"),
]
