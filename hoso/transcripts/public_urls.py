"""Public verification of issued transcripts: include at /xac-minh/ in hoso/urls.py."""

from django.urls import path

from hoso.transcripts import public_views as v

app_name = "verify"

urlpatterns = [
    path("", v.index, name="index"),
    path("tai-len", v.upload, name="upload"),
    path("<str:code>", v.detail, name="detail"),
]
