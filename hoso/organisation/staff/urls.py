"""URLs of the staff register, under /to-chuc/can-bo/ (included by hoso/organisation/urls.py)."""

from django.urls import path

from hoso.imports.urls import import_patterns
from hoso.organisation.staff import views
from hoso.organisation.staff.importing import views as import_views
from hoso.organisation.staff.importing.importer import STAFF_LIST

urlpatterns = [
    path("can-bo/", views.staff_list, name="staff"),
    path("can-bo/them/", views.staff_create, name="staff_create"),
    path("can-bo/ten-dang-nhap/", views.username_proposal, name="staff_username"),
    path("can-bo/so/", views.editions, name="staff_editions"),
    *import_patterns(
        STAFF_LIST, start="can-bo/nhap-excel/", batch="can-bo/nhap-excel/<int:batch_id>/"
    ),
    path(
        "can-bo/nhap-excel/<int:batch_id>/tai-khoan/",
        import_views.accounts,
        name="staff_import_accounts",
    ),
    path("can-bo/<int:staff_id>/", views.staff_detail, name="staff_detail"),
    path("can-bo/<int:staff_id>/sua/", views.staff_edit, name="staff_edit"),
    path("can-bo/<int:staff_id>/chuc-vu/", views.staff_positions, name="staff_positions"),
    path("can-bo/<int:staff_id>/thoi-cong-tac/", views.staff_end, name="staff_end"),
    path("can-bo/<int:staff_id>/tro-lai/", views.staff_rehire, name="staff_rehire"),
    path(
        "can-bo/<int:staff_id>/tai-khoan/<str:action>/",
        views.leader_account,
        name="staff_leader_account",
    ),
]
