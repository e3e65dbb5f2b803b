from django.urls import path

from hoso.correspondence import views

app_name = "correspondence"

urlpatterns: list = [
    path("", views.index, name="index"),
    path("di/", views.outgoing_index, name="outgoing"),
    path("di/moi/", views.outgoing_new, name="outgoing_new"),
    path("di/<int:document_id>/", views.outgoing_detail, name="outgoing_detail"),
    path("di/<int:document_id>/ky/", views.outgoing_sign, name="outgoing_sign"),
    path("di/<int:document_id>/cap-so/", views.outgoing_number, name="outgoing_number"),
    path("di/<int:document_id>/ban-luu/", views.outgoing_attach, name="outgoing_attach"),
    path("di/<int:document_id>/phat-hanh/", views.outgoing_issue, name="outgoing_issue"),
    path("di/<int:document_id>/tep/", views.outgoing_file, name="outgoing_file"),
]

urlpatterns += [
    path("den/", views.incoming_index, name="incoming"),
    path("den/moi/", views.incoming_new, name="incoming_new"),
    path("den/<int:document_id>/", views.incoming_detail, name="incoming_detail"),
    path("den/<int:document_id>/trinh/", views.incoming_present, name="incoming_present"),
    path("den/<int:document_id>/chi-dao/", views.incoming_direct, name="incoming_direct"),
    path("den/<int:document_id>/ky-nhan/", views.incoming_acknowledge, name="incoming_ack"),
    path("den/<int:document_id>/tien-do/", views.incoming_progress, name="incoming_progress"),
    path("den/<int:document_id>/tra-loi/", views.incoming_reply, name="incoming_reply"),
    path("den/<int:document_id>/xong/", views.incoming_done, name="incoming_done"),
    path("den/<int:document_id>/tep/", views.incoming_file, name="incoming_file"),
    path("qua-han/", views.overdue_board, name="overdue"),
    path("so/<slug:book_key>/in/", views.register_pdf, name="register_pdf"),
    path("so/<slug:book_key>/excel/", views.register_xlsx, name="register_xlsx"),
]
