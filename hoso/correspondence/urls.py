from django.urls import path

from hoso.correspondence import views

app_name = "correspondence"

urlpatterns: list = [
    path("", views.outgoing_index, name="index"),
    path("di/", views.outgoing_index, name="outgoing"),
    path("di/moi/", views.outgoing_new, name="outgoing_new"),
    path("di/<int:document_id>/", views.outgoing_detail, name="outgoing_detail"),
    path("di/<int:document_id>/ky/", views.outgoing_sign, name="outgoing_sign"),
    path("di/<int:document_id>/cap-so/", views.outgoing_number, name="outgoing_number"),
    path("di/<int:document_id>/ban-luu/", views.outgoing_attach, name="outgoing_attach"),
    path("di/<int:document_id>/phat-hanh/", views.outgoing_issue, name="outgoing_issue"),
    path("di/<int:document_id>/tep/", views.outgoing_file, name="outgoing_file"),
]
