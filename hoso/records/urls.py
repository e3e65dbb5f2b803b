from django.urls import include, path

app_name = "records"

urlpatterns: list = [
    # Compliance board and search (hoso/records/urls_board.py, urls_search.py).
    path("", include("hoso.records.urls_board")),
    path("", include("hoso.records.urls_search")),
]
