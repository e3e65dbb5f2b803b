from django.urls import path

from hoso.printing import views

app_name = "printing"

urlpatterns = [
    path("", views.index, name="index"),
    path("lop/<int:class_id>/", views.class_students, name="class"),
    path(
        "lop/<int:class_id>/so-theo-doi/<slug:period>.pdf", views.class_book_pdf, name="class_book"
    ),
    path(
        "lop/<int:class_id>/bang-tong-hop/<slug:checkpoint>.pdf",
        views.class_summary_pdf,
        name="class_summary",
    ),
    path(
        "lop/<int:class_id>/mon/<int:subject_id>/ky/<int:term_id>.pdf",
        views.sheet_pdf,
        name="sheet",
    ),
    path("hoc-sinh/<int:student_id>/hoc-ba.pdf", views.transcript_pdf, name="transcript"),
    path("so-diem-danh.pdf", views.attendance_register_pdf, name="attendance_register"),
    path("so-dang-bo.pdf", views.enrolment_register_pdf, name="enrolment_register"),
    path("so-danh-ba-can-bo.pdf", views.staff_register_pdf, name="staff_register"),
    path(
        "so-danh-ba-can-bo/ban-<int:edition_id>.pdf",
        views.staff_register_edition_pdf,
        name="staff_register_edition",
    ),
    path("danh-sach/<slug:list_slug>.pdf", views.approved_list_pdf, name="approved_list"),
    path(
        "bien-ban-sua-diem/<int:correction_id>.pdf",
        views.correction_minute_pdf,
        name="correction_minute",
    ),
    path("lo-in/", views.job_create, name="job_create"),
    path("lo-in/<int:job_id>/", views.job_detail, name="job"),
    path("lo-in/<int:job_id>/tai-ve", views.job_download, name="job_download"),
    path("lo-in/<int:job_id>/huy/", views.job_cancel, name="job_cancel"),
    path("lo-in/<int:job_id>/in-lai/", views.job_retry, name="job_retry"),
]
