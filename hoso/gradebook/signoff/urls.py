"""URLs of the sign-off (included by hoso/gradebook/urls.py)."""

from django.urls import path

from hoso.gradebook.signoff import views as v

urlpatterns = [
    path(
        "ket-qua/lop/<int:class_id>/ky/<int:term_id>/xac-nhan-lop",
        v.signoff_class,
        name="results_signoff_class",
    ),
    path(
        "ket-qua/xac-nhan-so/<int:class_id>/<int:subject_id>/<int:term_id>",
        v.signoff_sheet,
        name="results_signoff_sheet",
    ),
]
