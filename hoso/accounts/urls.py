from django.urls import path

from hoso.accounts import views
from hoso.accounts.invitations import urls as invitations

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-nhap/ma/", views.login_code_view, name="login_code"),
    path("quen-mat-khau/", views.password_reset_request_view, name="password_reset"),
    path(
        "dat-lai-mat-khau/<str:uidb64>/<str:token>/",
        views.password_reset_confirm_view,
        name="password_reset_confirm",
    ),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("doi-mat-khau/", views.password_change_view, name="password_change"),
    path("ca-nhan/", views.profile_view, name="profile"),
    path("chon-truong/", views.switch_view, name="switch"),
    path("quan-tri/", views.admin_accounts_view, name="admin"),
    path("quan-tri/phu-huynh/", views.admin_parents_view, name="admin_parents"),
    path(
        "quan-tri/phu-huynh/<int:guardian_id>/<str:action>/",
        views.admin_parent_action_view,
        name="admin_parent_action",
    ),
    path("thanh-tra/", views.inspectors_view, name="inspectors"),
    path(
        "quan-tri/<int:staff_id>/<str:action>/",
        views.admin_account_action_view,
        name="admin_action",
    ),
    path("uy-quyen/", views.delegations_view, name="delegations"),
    *invitations.urlpatterns,
]
