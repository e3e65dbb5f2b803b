"""Test URLconf: the project's URLs plus the public verification pages at /xac-minh/ (until
hoso/urls.py includes them)."""

from django.urls import include, path
from ninja import NinjaAPI

from hoso.api.auth import SessionAuth, TokenAuth
from hoso.api.transcripts import build_router
from hoso.urls import urlpatterns as project

# The transcripts router on its own API (hoso/api/api.py mounts it at /api/v1/transcripts).
test_api = NinjaAPI(
    urls_namespace="transcripts-api-test", auth=[TokenAuth(), SessionAuth(csrf=True)], docs_url=None
)
test_api.add_router("/transcripts", build_router())

urlpatterns = [
    *[p for p in project if "xac-minh" not in str(p.pattern)],
    path("xac-minh/", include("hoso.transcripts.public_urls")),
    path("api-hoc-ba/", test_api.urls),
]
