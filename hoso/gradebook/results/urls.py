"""URLs of the grade book: results, comments, confirmations and approvals (included by
hoso/gradebook/urls.py)."""

from django.urls import path, re_path

from hoso.gradebook.results import views as v

PERIOD = r"(?P<period>term1|term2|year|final)"

urlpatterns = [
    path("ket-qua/", v.index, name="results_index"),
    path("ket-qua/lop/<int:class_id>/", v.class_page, name="results_class"),
    re_path(
        rf"^ket-qua/lop/(?P<class_id>[0-9]+)/{PERIOD}/$",
        v.class_page,
        name="results_class_period",
    ),
    path("ket-qua/lop/<int:class_id>/nhap/", v.inputs, name="results_inputs"),
    path("ket-qua/lop/<int:class_id>/tinh-lai", v.recompute, name="results_recompute"),
    re_path(
        rf"^ket-qua/lop/(?P<class_id>[0-9]+)/{PERIOD}/xac-nhan$",
        v.confirm,
        name="results_confirm",
    ),
    re_path(
        rf"^ket-qua/lop/(?P<class_id>[0-9]+)/{PERIOD}/huy-xac-nhan$",
        v.unconfirm,
        name="results_unconfirm",
    ),
    re_path(
        rf"^ket-qua/lop/(?P<class_id>[0-9]+)/{PERIOD}/phe-duyet$",
        v.approve,
        name="results_approve",
    ),
    re_path(
        rf"^ket-qua/lop/(?P<class_id>[0-9]+)/{PERIOD}/mo-lai$",
        v.reopen,
        name="results_reopen",
    ),
    path("ket-qua/danh-sach/", v.lists, name="results_lists"),
    path("ket-qua/danh-sach/phe-duyet", v.approve_all, name="results_approve_all"),
    path("ket-qua/danh-sach/tinh-lai", v.recompute_school_view, name="results_recompute_school"),
]
