from django.urls import path

from hoso.records import views_search

urlpatterns: list = [
    path("tim-kiem/", views_search.search_page, name="search"),
]
