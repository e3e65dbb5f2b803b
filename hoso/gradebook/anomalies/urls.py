"""URLs of the anomalous-scores report (included by hoso/gradebook/urls.py)."""

from django.urls import path

from hoso.gradebook.anomalies import views

urlpatterns = [
    path("bat-thuong/", views.anomaly_report, name="anomalies"),
]
