from django.urls import include, path
from django.views.generic import RedirectView

from hoso.records import views, views_checklist

app_name = "records"

urlpatterns: list = [
    path("", RedirectView.as_view(pattern_name="records:mine"), name="index"),
    path("cua-toi/", views.mine, name="mine"),
    path("nghia-vu/<int:obligation_id>/", views.obligation, name="obligation"),
    path("nghia-vu/<int:obligation_id>/tai-len/", views.upload, name="upload"),
    path("nghia-vu/<int:obligation_id>/nop/", views.submit, name="submit"),
    path("nghia-vu/<int:obligation_id>/duyet/", views.decide, name="decide"),
    path("nghia-vu/<int:obligation_id>/kiem-tra/", views.check, name="check"),
    path("nghia-vu/<int:obligation_id>/xem-nhanh/", views.inbox_preview, name="preview"),
    path("tep/<int:submission_id>/", views.file, name="file"),
    path("cho-duyet/", views.inbox, name="inbox"),
    path("cho-kiem-tra/", views_checklist.checklist, name="checklist"),
    path("cho-duyet/duyet-nhieu/", views.inbox_bulk, name="inbox_bulk"),
    path("thu-muc/", views.folders, name="folders"),
    path("thu-muc/<int:folder_id>/", views.folders, name="folder"),
    path("danh-muc/", views.types, name="types"),
    path("danh-muc/<int:type_id>/sua/", views.type_edit, name="type_edit"),
    path("danh-muc/dong-bo/", views.sync, name="sync"),
    path("su-kien/", views.event_new, name="event_new"),
    # Compliance board and search (hoso/records/urls_board.py, urls_search.py).
    path("", include("hoso.records.urls_board")),
    path("", include("hoso.records.urls_search")),
]
