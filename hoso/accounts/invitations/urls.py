from django.urls import path

from hoso.accounts.invitations import views

urlpatterns = [
    path("phu-huynh/phieu-moi/", views.invitations_view, name="parent_invitations"),
    path("phu-huynh/phieu-moi/tao/", views.invitations_issue_view, name="invitations_issue"),
    path("phu-huynh/phieu-moi/in/", views.slips_view, name="invitation_slips"),
    path("kich-hoat/", views.redeem_view, name="redeem"),
    path("kich-hoat/tiep/", views.redeem_finish_view, name="redeem_finish"),
]
