"""Test URLconf: the project's URLs plus the public verification pages at /xac-minh/ (until
hoso/urls.py includes them)."""

from django.urls import include, path

from hoso.urls import urlpatterns as project

urlpatterns = [
    *[p for p in project if "xac-minh" not in str(p.pattern)],
    path("xac-minh/", include("hoso.transcripts.public_urls")),
]
