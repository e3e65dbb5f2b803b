"""Pages that raise, for the tests of the error boundary (test_boundary.py), beside the site's."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path

from hoso.accounts.boundary import errors_return_to
from hoso.accounts.policies import log_denied
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.urls import urlpatterns as site


def fails(request, item_id: int):
    raise DomainError("TOO_LATE", "Đã quá hạn nộp hồ sơ.")


@errors_return_to("home:index")
def fails_and_returns(request, item_id: int):
    raise DomainError("TOO_LATE", "Đã quá hạn nộp hồ sơ.")


def refuses(request, item_id: int):
    raise PermissionDeniedError("NOT_APPROVER", "Bạn không phải người duyệt hồ sơ này.")


def refuses_logged(request, item_id: int):
    log_denied(request.actor, kind="forbidden", what=f"đã ghi #{item_id}")
    raise PermissionDeniedError("NOT_APPROVER", "Bạn không phải người duyệt hồ sơ này.")


def forbidden(request):
    raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")


def missing(request):
    raise Http404("Không tìm thấy.")


def breaks(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("thu-loi/<int:item_id>/", fails, name="fails"),
    path("thu-loi/<int:item_id>/quay-lai/", fails_and_returns, name="fails_and_returns"),
    path("thu-tu-choi/<int:item_id>/", refuses, name="refuses"),
    path("thu-tu-choi/<int:item_id>/da-ghi/", refuses_logged, name="refuses_logged"),
    path("thu-cam/", forbidden, name="forbidden"),
    path("thu-khong-co/", missing, name="missing"),
    path("thu-hong/", breaks, name="breaks"),
    *site,
]
