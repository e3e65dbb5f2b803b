from django.urls import path

from hoso.transfers import views

app_name = "transfers"
urlpatterns = [
    path("", views.index, name="index"),
    path("chuyen-di/", views.create_out, name="create_out"),
    path("chuyen-den/", views.create_in, name="create_in"),
    path("thiet-lap/", views.update_settings, name="settings"),
    path("hoc-sinh/<int:student_id>/", views.student_history, name="student"),
    path("<int:transfer_id>/", views.detail, name="detail"),
    path("<int:transfer_id>/hoc-ba.pdf", views.transcript_pdf, name="transcript_pdf"),
    path("<int:transfer_id>/hoc-ba-cu/<int:record_id>.pdf", views.prior_pdf, name="prior_pdf"),
    path("<int:transfer_id>/<str:what>/", views.act, name="act"),
]
