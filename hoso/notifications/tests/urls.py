"""The project's URLs plus the notifications pages, for tests that run before hoso/urls.py
includes them (harmless afterwards)."""

from django.urls import include, path

from hoso.urls import urlpatterns as project

urlpatterns = list(project)
if not any(getattr(p, "namespace", None) == "notifications" for p in project):
    urlpatterns.append(path("thong-bao/", include("hoso.notifications.urls")))
