"""URLs of the grade book: excel (included by hoso/gradebook/urls.py).

The Excel round trip of one sheet: download the filled template, upload it (or a file from
another system) back, map its columns, preview the changes, commit all or nothing."""

from django.urls import path

from hoso.gradebook import views_excel

SHEET = "lop/<int:class_id>/mon/<int:subject_id>/hoc-ky/<int:term_id>/excel/"
BATCH = "nhap-excel/<int:batch_id>/"

urlpatterns: list = [
    path(SHEET, views_excel.excel_start, name="excel_start"),
    path(SHEET + "mau.xlsx", views_excel.excel_template, name="excel_template"),
    path(SHEET + "tai-len/", views_excel.excel_upload, name="excel_upload"),
    path(BATCH, views_excel.excel_batch, name="excel_batch"),
    path(BATCH + "ghep-cot/", views_excel.excel_map, name="excel_map"),
    path(BATCH + "dong-tieu-de/", views_excel.excel_header_row, name="excel_header_row"),
    path(BATCH + "tuy-chon/", views_excel.excel_options, name="excel_options"),
    path(BATCH + "ghi/", views_excel.excel_commit, name="excel_commit"),
    path(BATCH + "huy/", views_excel.excel_cancel, name="excel_cancel"),
]
