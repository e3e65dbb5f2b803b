"""News, notices, one-to-one messages and meetings between the school and parents."""

from django.urls import path

from hoso.parents.messages import views

urlpatterns: list = [
    path("tin/", views.messages_home, name="messages_home"),
    path("tin-tuan/", views.news_list, name="news_list"),
    path("tin-tuan/lop/<int:class_id>/<str:week>/", views.news_edit, name="news_edit"),
    path("tin-tuan/<int:news_id>/", views.news_detail, name="news_detail"),
    path("tin-tuan/<int:news_id>/gui/", views.news_send, name="news_send"),
    path("thu/<int:letter_id>/", views.letter, name="letter"),
    path("thu/<int:letter_id>/da-doc/", views.letter_read, name="letter_read"),
    path("thong-bao/", views.notices, name="notices"),
    path("thong-bao/moi/", views.notice_new, name="notice_new"),
    path("thong-bao/<int:notice_id>/", views.notice, name="notice"),
    path("thong-bao/<int:notice_id>/tep/", views.notice_file, name="notice_file"),
    path("thong-bao/<int:notice_id>/da-doc/", views.notice_read, name="notice_read"),
    path("tin-nhan/", views.inbox, name="inbox"),
    path("tin-nhan/moi/", views.thread_new, name="thread_new"),
    path("tin-nhan/<int:thread_id>/", views.thread, name="thread"),
    path("tin-nhan/<int:thread_id>/da-doc/", views.thread_read, name="thread_read"),
    path("hop/", views.meetings, name="meetings"),
    path("hop/moi/", views.meeting_new, name="meeting_new"),
    path("hop/<int:meeting_id>/", views.meeting, name="meeting"),
]
