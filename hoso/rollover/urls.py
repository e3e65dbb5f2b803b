from django.urls import path

from hoso.rollover import views

app_name = "rollover"
urlpatterns = [
    path("", views.index, name="index"),
    path("chuan-bi/", views.prepare, name="prepare"),
    path("<int:rollover_id>/", views.detail, name="detail"),
    path("<int:rollover_id>/<str:what>/", views.act, name="act"),
    path("mo-lai/<int:year_id>/", views.reopen, name="reopen"),
]
