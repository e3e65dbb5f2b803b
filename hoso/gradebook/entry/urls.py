"""URLs of the grade book: the entry grid and the lock screen (included by
hoso/gradebook/urls.py, namespace ``gradebook``)."""

from django.urls import path

from hoso.gradebook.entry import views as views_grid

_SHEET = "lop/<int:class_id>/mon/<int:subject_id>/ky/<int:term_id>/"

urlpatterns: list = [
    path("", views_grid.index, name="index"),
    path(_SHEET, views_grid.sheet, name="sheet"),
    path(_SHEET + "luu/", views_grid.save_cell, name="save_cell"),
    path(_SHEET + "luu-nhieu/", views_grid.save_cells, name="save_cells"),
    path(_SHEET + "ngay-kiem-tra/", views_grid.save_test_date, name="test_date"),
    path(_SHEET + "chot/", views_grid.finalise, name="finalise"),
    path(_SHEET + "them-cot/", views_grid.add_column, name="add_column"),
    path("khoa-so/", views_grid.locks, name="locks"),
    path("khoa-so/<int:lock_id>/mo/", views_grid.lock_open, name="lock_open"),
]
