from django.urls import include, path

urlpatterns = [
    path("", include("hoso.home.urls")),
    path("tai-khoan/", include("hoso.accounts.urls")),
    path("to-chuc/", include("hoso.organisation.urls")),
    path("hoc-sinh/", include("hoso.students.urls")),
    path("nhat-ky/", include("hoso.audit.urls")),
    path("so-diem/", include("hoso.gradebook.urls")),
    path("thong-bao/", include("hoso.notifications.urls")),
    path("api/", include("hoso.api.urls")),
]
