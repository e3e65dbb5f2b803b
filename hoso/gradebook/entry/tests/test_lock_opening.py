"""Opening a locked grade book (mở sổ) asks a reason and a confirmation.

GIVEN the small school with its whole 6A1 book locked, WHEN the principal opens it, THEN the page
asks "Mở khóa sổ …?" with a required reason (≤ 300 characters) and a tick; an empty reason or a
missing tick shows a Vietnamese error on the same page with what was typed kept and leaves the
lock in force; a complete answer ends the lock and writes the reason in the audit."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.gradebook.entry import actions
from hoso.gradebook.entry.models import BookLock
from hoso.testing.factories import small_school

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-20")]


@pytest.fixture
def world():
    return small_school()


@pytest.fixture
def lock(world):
    return actions.book_lock(
        actor=world.actor("principal"),
        year=world.year,
        school_class=world.class_a,
        reason="Giữa kì",
    )


def open_url(lock):
    return reverse("gradebook:lock_open", args=[lock.pk])


def principal(world) -> Client:
    client = Client()
    client.force_login(world.users["principal"])
    return client


def test_the_list_links_to_the_question_not_a_direct_post(world, lock):
    client = principal(world)
    html = client.get(reverse("gradebook:locks")).content.decode()
    assert f'href="{open_url(lock)}"' in html and "Mở sổ…" in html
    page = client.get(open_url(lock))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Mở khóa sổ: Lớp 6A1" in body and "Lý do mở sổ" in body and 'name="confirm"' in body
    assert BookLock.objects.get().opened_at is None  # a GET never opens


def test_an_empty_reason_is_refused_on_the_same_page(world, lock):
    response = principal(world).post(open_url(lock), {"reason": "   ", "confirm": "on"})
    assert response.status_code == 422
    assert "Hãy ghi lý do mở sổ." in response.content.decode()
    assert BookLock.objects.get().opened_at is None
    assert not AuditEvent.objects.filter(event_type="book.opened").exists()


def test_a_missing_tick_keeps_the_typed_reason(world, lock):
    response = principal(world).post(open_url(lock), {"reason": "Sửa điểm GK của em An"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Hãy đánh dấu ô xác nhận trước khi mở sổ." in html
    assert "Sửa điểm GK của em An</textarea>" in html
    assert BookLock.objects.get().opened_at is None


def test_a_too_long_reason_is_refused(world, lock):
    response = principal(world).post(open_url(lock), {"reason": "x" * 301, "confirm": "on"})
    assert response.status_code == 422
    assert "dài quá 300 ký tự" in response.content.decode()
    assert BookLock.objects.get().opened_at is None


def test_reason_and_tick_open_the_book_and_the_reason_is_audited(world, lock):
    reason = "Sửa sai sót điểm giữa kì"
    response = principal(world).post(open_url(lock), {"reason": reason, "confirm": "on"})
    assert response.status_code == 302 and response.url == reverse("gradebook:locks")
    lock.refresh_from_db()
    assert lock.opened_at is not None and lock.opened_by == world.users["principal"]
    event = AuditEvent.objects.get(event_type="book.opened")
    assert event.after["reason"] == reason


def test_the_action_refuses_an_empty_reason(world, lock):
    with pytest.raises(DomainError) as exc:
        actions.book_open(actor=world.actor("principal"), lock=lock, reason=" \n ")
    assert exc.value.code == "REASON_REQUIRED"
    with pytest.raises(DomainError) as exc:
        actions.book_open(actor=world.actor("principal"), lock=lock, reason="a" * 301)
    assert exc.value.code == "REASON_REQUIRED"
    lock.refresh_from_db()
    assert lock.opened_at is None


def test_others_may_not_see_the_question(world, lock):
    for who in ("subject", "vice", "homeroom", "clerk"):
        c = Client()
        c.force_login(world.users[who])
        assert c.get(open_url(lock)).status_code == 403, who
        assert c.post(open_url(lock), {"reason": "x", "confirm": "on"}).status_code == 403, who
    assert BookLock.objects.get().opened_at is None
