from django.urls import include, path

from hoso.notifications import views as notification_views

urlpatterns = [
    path("", include("hoso.home.urls")),
    # The web app: its service worker must be served from the root to control the whole site.
    path("sw.js", notification_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", notification_views.manifest, name="web_manifest"),
    path("tai-khoan/", include("hoso.accounts.urls")),
    path("to-chuc/", include("hoso.organisation.urls")),
    path("hoc-sinh/", include("hoso.students.urls")),
    path("nhat-ky/", include("hoso.audit.urls")),
    path("so-diem/", include("hoso.gradebook.urls")),
    path("thong-bao/", include("hoso.notifications.urls")),
    path("ho-so/", include("hoso.records.urls")),
    path("luu-tru/", include("hoso.archive.urls")),
    path("in/", include("hoso.printing.urls")),
    path("bao-cao-diem-danh/", include("hoso.attendance.reports.urls")),
    path("chu-ky/", include("hoso.signing.urls")),
    path("van-ban/", include("hoso.correspondence.urls")),
    path("hoc-ba/", include("hoso.transcripts.urls")),
    path("chuyen-nam-hoc/", include("hoso.rollover.urls")),
    path("diem-danh/", include("hoso.attendance.urls")),
    path("tot-nghiep/", include("hoso.graduation.urls")),
    path("chuyen-truong/", include("hoso.transfers.urls")),
    path("lien-lac/", include("hoso.parents.urls")),
    path("du-lieu-ca-nhan/", include("hoso.privacy.urls")),
    # Public, no login: is this transcript authentic, current or revoked? (QR code on the PDF)
    path("xac-minh/", include("hoso.transcripts.public_urls")),
    path("api/", include("hoso.api.urls")),
]
