from django.urls import path

from hoso.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/da-doc/", views.notification_read, name="read"),
    path("da-doc-het/", views.notification_read_all, name="read_all"),
    path("cai-dat/", views.preferences, name="preferences"),
    path("day/dang-ky/", views.push_subscribe, name="push_subscribe"),
    path("day/huy/", views.push_unsubscribe, name="push_unsubscribe"),
    path("gui-di/", views.deliveries, name="deliveries"),
    path("cai-dat-truong/", views.school_settings_page, name="school_settings"),
    path("gui-di/<int:delivery_id>/gui-lai/", views.delivery_retry, name="delivery_retry"),
]
