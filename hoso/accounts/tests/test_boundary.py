"""The error boundary of the pages (accounts/boundary.py) and the Vietnamese error pages."""

from __future__ import annotations

import pytest
from django.test import Client

from hoso.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.urls("hoso.accounts.tests.boundary_urls")]

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def teacher(client, world):
    client.force_login(world.users["subject"])
    return client


def forbidden_events():
    return AuditEvent.objects.filter(event_type="access.forbidden")


def test_a_domain_error_becomes_a_page_with_its_message(teacher):
    # GIVEN a page whose action refuses with a DomainError  WHEN it is opened
    response = teacher.post("/thu-loi/7/")
    # THEN the error page says why, with status 400
    assert response.status_code == 400
    assert "Đã quá hạn nộp hồ sơ." in response.content.decode()
    assert "Không thực hiện được" in response.content.decode()


def test_to_htmx_a_domain_error_is_a_fragment_for_the_error_area(teacher):
    response = teacher.post("/thu-loi/7/", **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#hx-errors"
    assert response["HX-Reswap"] == "innerHTML"
    body = response.content.decode()
    assert "Đã quá hạn nộp hồ sơ." in body and "<html" not in body


def test_a_declared_way_back_gets_the_message_and_a_redirect(teacher):
    response = teacher.post("/thu-loi/7/quay-lai/")
    assert response.status_code == 302 and response["Location"] == "/"
    page = teacher.get("/")
    assert "Đã quá hạn nộp hồ sơ." in page.content.decode()


def test_a_refusal_answers_403_and_is_audited_once(teacher, world):
    before = forbidden_events().count()
    response = teacher.post("/thu-tu-choi/7/")
    assert response.status_code == 403
    assert forbidden_events().count() == before + 1
    event = forbidden_events().latest("seq")
    assert event.target_repr == "refuses 7 NOT_APPROVER"
    assert event.actor == world.users["subject"]
    # a refusal the view already logged is not logged twice
    assert teacher.post("/thu-tu-choi/7/da-ghi/").status_code == 403
    assert forbidden_events().count() == before + 2


def test_to_htmx_a_refusal_is_a_403_fragment_and_is_audited(teacher):
    before = forbidden_events().count()
    response = teacher.post("/thu-tu-choi/7/", **HTMX)
    assert response.status_code == 403
    assert "Bạn không phải người duyệt hồ sơ này." in response.content.decode()
    assert forbidden_events().count() == before + 1


def test_without_debug_403_and_404_are_the_vietnamese_pages(teacher, settings):
    settings.DEBUG = False
    response = teacher.get("/thu-cam/")
    assert response.status_code == 403
    assert "Bạn không có quyền truy cập" in response.content.decode()
    response = teacher.get("/thu-khong-co/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    response = teacher.get("/khong-co-trang-nay/")
    assert response.status_code == 404 and "Về trang chủ" in response.content.decode()


def test_without_debug_a_crash_renders_500_html(world, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(world.users["subject"])
    response = client.get("/thu-hong/")
    assert response.status_code == 500
    assert "Hệ thống gặp lỗi" in response.content.decode()
    assert [t.name for t in response.templates] == ["500.html"]
