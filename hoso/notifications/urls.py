from django.urls import path

from hoso.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/da-doc/", views.notification_read, name="read"),
    path("da-doc-het/", views.notification_read_all, name="read_all"),
]
