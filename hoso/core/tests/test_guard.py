"""Input refused at the door (core/guard.py): control characters in any text input and bodies
over the limit answer 400/422 and 413 with a Vietnamese message, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from hoso.accounts.actions import api_token_create


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.django_db
def test_a_nul_in_a_search_is_a_400_page(client, world):
    client.force_login(world.users["homeroom"])
    response = client.get("/", {"q": "Nguyễn\x00An"})
    assert response.status_code == 400
    assert "ký tự điều khiển" in response.content.decode() and "“q”" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_in_a_form_field_is_refused_before_the_view(client, world):
    client.force_login(world.users["librarian"])
    response = client.post(
        "/tai-khoan/doi-mat-khau/", {"old_password": "x", "new_password": "a\x00b1234567"}
    )
    assert response.status_code == 400
    assert "new_password" in response.content.decode()


@pytest.mark.django_db
def test_tab_and_new_lines_are_text(client, world):
    client.force_login(world.users["homeroom"])
    assert client.get("/", {"q": "a\tb\r\nc"}).status_code == 200


@pytest.mark.django_db
def test_the_api_answers_422_for_a_nul_in_json(world):
    _, token = api_token_create(user=world.users["principal"], name="script")
    body = json.dumps({"value": "8\u0000"})
    response = Client().post(
        "/api/v1/gradebook/cells", body, content_type="application/json", **bearer(token)
    )
    assert response.status_code == 422
    assert response.json()["code"] == "CONTROL_CHARACTER"


@pytest.mark.django_db
def test_a_body_over_the_limit_is_413_without_being_read(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    _, token = api_token_create(user=world.users["principal"], name="script")
    body = json.dumps({"comment": "x" * 5000})
    response = Client().post(
        "/api/v1/gradebook/cells", body, content_type="application/json", **bearer(token)
    )
    assert response.status_code == 413
    assert response.json()["code"] == "TOO_LARGE" and "tối đa" in response.json()["detail"]


@pytest.mark.django_db
def test_a_page_body_over_the_limit_gets_the_vietnamese_413_page(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = Client()
    client.force_login(world.users["principal"])
    response = client.post(
        "/tai-khoan/doi-mat-khau/",
        "old_password=" + "x" * 5000,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "<h1>Dữ liệu gửi lên quá lớn</h1>" in page and "tối đa" in page


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_the_vietnamese_page(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["librarian"])
    response = client.post("/tai-khoan/doi-mat-khau/", {"old_password": "x"})
    assert response.status_code == 403
    assert "Không gửi được biểu mẫu" in response.content.decode()


def test_debug_is_off_unless_asked_for(monkeypatch):
    import importlib

    from hoso import settings as hoso_settings

    monkeypatch.delenv("HOSO_DEBUG", raising=False)
    assert importlib.reload(hoso_settings).DEBUG is False
    monkeypatch.setenv("HOSO_DEBUG", "1")
    assert importlib.reload(hoso_settings).DEBUG is True
    monkeypatch.delenv("HOSO_DEBUG")
    importlib.reload(hoso_settings)
