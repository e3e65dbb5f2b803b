"""URLs of the grade book: the Excel round trip of one sheet (included by gradebook/urls.py):
download the filled template, upload it (or a file from another system) back, map its columns,
preview the changes, commit all or nothing — the pages are ``hoso.imports``'s."""

from hoso.gradebook.excel.importer import GRADE_SHEET
from hoso.imports.urls import import_patterns

SHEET = "lop/<int:class_id>/mon/<int:subject_id>/hoc-ky/<int:term_id>/excel/"
BATCH = "nhap-excel/<int:batch_id>/"

urlpatterns = import_patterns(GRADE_SHEET, start=SHEET, batch=BATCH)
