"""Mounted at /api/ by hoso/urls.py: the API at /api/v1/, its Swagger UI at /api/docs."""

from django.urls import path

from hoso.api.api import api


def docs(request):
    """/api/docs: the same Swagger UI as /api/v1/docs, reading /api/v1/openapi.json."""
    return api.docs.render_page(request, api)


urlpatterns = [
    path("v1/", api.urls),
    path("docs", docs, name="api-docs"),
]
