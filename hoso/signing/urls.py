from django.urls import path

from hoso.signing import views as v

app_name = "signing"

urlpatterns: list = [
    path("", v.credentials, name="credentials"),
    path("con-dau/", v.seal, name="seal"),
    path("con-dau/neo-nhat-ky/", v.audit_anchor_seal_view, name="audit_anchor_seal"),
    path("goc-tin-cay/", v.trust_root_add_view, name="trust_root_add"),
    path("tai-len/", v.credential_upload, name="credential_upload"),
    path("thiet-bi/", v.credential_pkcs11, name="credential_pkcs11"),
    path(
        "<int:credential_id>/vo-hieu/", v.credential_deactivate_view, name="credential_deactivate"
    ),
    path("van-ban/", v.documents, name="documents"),
    path("van-ban/<int:document_id>/", v.document_detail, name="document"),
    path("van-ban/<int:document_id>/pdf/", v.document_file, name="document_pdf"),
    path("van-ban/<int:document_id>/ky/", v.document_sign_view, name="document_sign"),
    path("van-ban/<int:document_id>/lap-lai/", v.document_refresh, name="document_refresh"),
    path(
        "lap/so-diem/<int:class_id>/<int:subject_id>/<int:term_id>/",
        v.prepare_sheet,
        name="prepare_sheet",
    ),
    path(
        "lap/so-lop/<int:class_id>/<int:term_id>/", v.prepare_class_book, name="prepare_class_book"
    ),
    path("lap/bien-ban/<int:correction_id>/", v.prepare_minute, name="prepare_minute"),
    path("lap/ho-so/<int:obligation_id>/", v.prepare_record, name="prepare_record"),
    path("kiem-tra/", v.verify, name="verify"),
]
