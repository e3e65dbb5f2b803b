"""Test-only URLconf: the project's URLs with the import views added under "students".

Used by test_import.py until the import paths are included in hoso/students/urls.py; once they
are, the names simply resolve to the same views."""

from django.urls import include, path

from hoso import urls as project_urls
from hoso.students import import_views
from hoso.students import urls as student_urls

import_patterns = [
    path("lop/<int:class_id>/nhap-excel/", import_views.import_start, name="import_start"),
    path(
        "lop/<int:class_id>/nhap-excel/mau.xlsx",
        import_views.import_template,
        name="import_template",
    ),
    path(
        "lop/<int:class_id>/nhap-excel/tai-len/", import_views.import_upload, name="import_upload"
    ),
    path("nhap-excel/<int:batch_id>/", import_views.import_batch, name="import_batch"),
    path("nhap-excel/<int:batch_id>/ghep-cot/", import_views.import_map, name="import_map"),
    path(
        "nhap-excel/<int:batch_id>/dong-tieu-de/",
        import_views.import_header_row,
        name="import_header_row",
    ),
    path("nhap-excel/<int:batch_id>/ghi/", import_views.import_commit, name="import_commit"),
    path("nhap-excel/<int:batch_id>/huy/", import_views.import_cancel, name="import_cancel"),
]
_existing = {getattr(p, "name", None) for p in student_urls.urlpatterns}

urlpatterns = [
    path(
        "hoc-sinh/",
        include(
            (
                [p for p in import_patterns if p.name not in _existing]
                + list(student_urls.urlpatterns),
                "students",
            )
        ),
    ),
    *(p for p in project_urls.urlpatterns if getattr(p, "namespace", None) != "students"),
]
