from django.urls import path

from hoso.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.events, name="events"),
    path("moc-neo/", views.anchors, name="anchors"),
    path("moc-neo/tep/", views.anchors_file, name="anchors_file"),
]
