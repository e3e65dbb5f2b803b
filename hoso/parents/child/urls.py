"""The child's page (trang của con): what a parent sees of each of its children.

URL names (namespace ``parents``): ``children`` (the chooser), ``child`` (one child's page),
``child_transcript`` (an issued transcript's signed PDF), ``publication`` (the school's choice
of how results reach parents)."""

from django.urls import path

from hoso.parents.child import views as v

urlpatterns = [
    path("con/", v.children, name="children"),
    path("con/<int:student_id>/", v.child, name="child"),
    path(
        "con/<int:student_id>/hoc-ba/<int:transcript_id>.pdf",
        v.transcript_pdf,
        name="child_transcript",
    ),
    path("cong-bo-ket-qua/", v.publication, name="publication"),
]
