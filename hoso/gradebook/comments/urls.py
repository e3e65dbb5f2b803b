"""URLs of subject comments and the comment bank (included by hoso/gradebook/urls.py)."""

from django.urls import path

from hoso.gradebook.comments import views as v

urlpatterns = [
    path(
        "ket-qua/nhan-xet/<int:class_id>/<int:subject_id>/<int:term_id>/",
        v.subject_comments,
        name="results_subject_comments",
    ),
    path("ket-qua/ngan-hang-nhan-xet/", v.comment_bank, name="results_comment_bank"),
    path(
        "ket-qua/ngan-hang-nhan-xet/<int:entry_id>/",
        v.comment_bank_edit,
        name="results_comment_bank_edit",
    ),
    path(
        "ket-qua/ngan-hang-nhan-xet/<int:entry_id>/xoa",
        v.comment_bank_delete,
        name="results_comment_bank_delete",
    ),
]
