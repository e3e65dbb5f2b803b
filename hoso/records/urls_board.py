from django.urls import path

from hoso.records import views_board

urlpatterns: list = [
    path("bang-theo-doi/", views_board.board_page, name="board"),
    path("bang-theo-doi/chi-tiet/", views_board.board_detail, name="board_detail"),
    path("bang-theo-doi/xuat-excel/", views_board.board_export, name="board_export"),
    path("bang-theo-doi/nhac/", views_board.board_remind, name="board_remind"),
]
