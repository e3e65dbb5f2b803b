from django.urls import path

from hoso.graduation import views

app_name = "graduation"
urlpatterns = [
    path("", views.index, name="index"),
    path("hoan-thanh-tieu-hoc/", views.primary, name="primary"),
    path("hoan-thanh-tieu-hoc/<str:fmt>/", views.primary, name="primary_export"),
    path("dot/tao/", views.round_create, name="round_create"),
    path("dot/<int:round_id>/", views.round_detail, name="round"),
    path("dot/<int:round_id>/tai/<str:name>", views.round_document, name="round_document"),
    path("dot/<int:round_id>/<str:what>/", views.round_act, name="round_act"),
    path("so-cap-phat/", views.book, name="book"),
    path("so-cap-phat/in/", views.book_pdf, name="book_pdf"),
    path("so-cap-phat/them/", views.book_add, name="book_add"),
    path("so-cap-phat/<int:entry_id>/<str:what>/", views.entry_act, name="entry_act"),
]
