"""URLs of the grade book: corrections (sửa điểm), included by hoso/gradebook/urls.py.

From a finalised or locked cell the grid links to
``{% url 'gradebook:correction_new' %}?class=<id>&subject=<id>&term=<id>&student=<id>&column=<key>``;
each protected column's header to ``correction_new_cells`` with ``?class=&subject=&term=&column=``
(the whole column) — the same page takes ``&cell=<student id>:<key>`` repeated for chosen cells.
"""

from django.urls import path

from hoso.gradebook.corrections import views as v

urlpatterns: list = [
    path("sua-diem/", v.corrections, name="corrections"),
    path("sua-diem/don-moi/", v.correction_new, name="correction_new"),
    path("sua-diem/don-moi/nhieu-o/", v.correction_new_cells, name="correction_new_cells"),
    path("sua-diem/cua-toi/", v.correction_mine, name="correction_mine"),
    path("sua-diem/cho-duyet/", v.correction_inbox, name="correction_inbox"),
    path("sua-diem/can-xac-nhan/", v.correction_to_confirm, name="correction_to_confirm"),
    path("sua-diem/<int:correction_id>/", v.correction_detail, name="correction_detail"),
    path("sua-diem/<int:correction_id>/duyet/", v.correction_decide_view, name="correction_decide"),
    path(
        "sua-diem/<int:correction_id>/xac-nhan/",
        v.correction_confirm_view,
        name="correction_confirm",
    ),
    path("sua-diem/<int:correction_id>/huy/", v.correction_cancel_view, name="correction_cancel"),
    path("sua-diem/<int:correction_id>/bien-ban/", v.correction_minute, name="correction_minute"),
    path(
        "sua-diem/minh-chung/<int:evidence_id>/",
        v.correction_evidence,
        name="correction_evidence",
    ),
]
