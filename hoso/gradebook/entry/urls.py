"""URLs of the grade book: the entry grid and the lock screen (included by
hoso/gradebook/urls.py, namespace ``gradebook``)."""

from django.urls import path

from hoso.gradebook.entry import lock_opening, views

_SHEET = "lop/<int:class_id>/mon/<int:subject_id>/ky/<int:term_id>/"

urlpatterns: list = [
    path("", views.index, name="index"),
    path(_SHEET, views.sheet, name="sheet"),
    path(_SHEET + "luu/", views.save_cell, name="save_cell"),
    path(_SHEET + "moc/", views.stamp, name="stamp"),
    path(_SHEET + "luu-nhieu/", views.save_cells, name="save_cells"),
    path(_SHEET + "ngay-kiem-tra/", views.save_test_date, name="test_date"),
    path(_SHEET + "chot/", views.finalise, name="finalise"),
    path(_SHEET + "them-cot/", views.add_column, name="add_column"),
    path("khoa-so/", views.locks, name="locks"),
    path("khoa-so/<int:lock_id>/mo/", lock_opening.lock_open, name="lock_open"),
]
