"""Staff pages of học bạ số, under /hoc-ba/ (namespace "transcripts")."""

from django.urls import path

from hoso.transcripts import views as v

app_name = "transcripts"

urlpatterns = [
    path("", v.index, name="index"),
    path("tra-cuu/", v.search, name="search"),
    path("lop/<int:class_id>/", v.class_page, name="class"),
    path("lop/<int:class_id>/lap", v.draft, name="draft"),
    path("lop/<int:class_id>/kiem-tra", v.check, name="check"),
    path("lop/<int:class_id>/<slug:what>", v.sign, name="sign"),
    path("<int:transcript_id>/", v.detail, name="detail"),
    path("<int:transcript_id>/hoc-ba.pdf", v.pdf, name="pdf"),
    path("<int:transcript_id>/ban/<int:seq>.pdf", v.pdf, name="revision_pdf"),
    path("<int:transcript_id>/thu-hoi", v.revoke, name="revoke"),
    path("<int:transcript_id>/cap-lai", v.reissue, name="reissue"),
    path("<int:transcript_id>/xuat.zip", v.export, name="export"),
    path("<int:transcript_id>/du-lieu.json", v.data_json, name="json"),
    path("hoc-sinh/<int:student_id>/xuat.zip", v.export_student, name="export_student"),
]
