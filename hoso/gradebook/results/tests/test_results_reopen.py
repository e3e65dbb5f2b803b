"""Reopening approved results (mở lại kết quả đã phê duyệt) so that the homeroom teacher's
inputs can be corrected.

GIVEN a class whose term I and year results are approved, WHEN the principal reopens term I with
a reason, THEN term I and the year go back to draft (term II stays approved), the homeroom teacher
is told and can correct the training result, and the class is confirmed and approved again; the
reopening is audited with its reason; nobody else can reopen."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.gradebook.results import actions as results_actions
from hoso.gradebook.results.models import ClassResult, HomeroomInput
from hoso.gradebook.tests.results_helpers import complete_inputs, fill_all, rich_school, sign_all
from hoso.notifications.models import Notification

pytestmark = pytest.mark.django_db

REASON = "GVCN nhập nhầm xếp loại rèn luyện học kì I của em An"


@pytest.fixture
def approved(world):
    rich = rich_school(world)
    fill_all(rich, world.student_a, 8)
    complete_inputs(world, world.student_a, training=("K", "T"))
    sign_all(rich)
    homeroom, principal = world.actor("homeroom"), world.actor("principal")
    for period in ("term1", "term2", "year"):
        results_actions.class_result_confirm(
            actor=homeroom, school_class=world.class_a, period=period
        )
        results_actions.class_result_approve(
            actor=principal, school_class=world.class_a, period=period
        )
    return rich


def states(world) -> dict[str, str]:
    return dict(
        ClassResult.objects.filter(school_class=world.class_a).values_list("period", "state")
    )


def save_training(world, value):
    return results_actions.homeroom_inputs_save(
        actor=world.actor("homeroom"),
        school_class=world.class_a,
        rows={world.student_a.pk: {"training_term1": value}},
    )


def test_an_approved_input_cannot_change_until_the_principal_reopens(
    world, approved, django_capture_on_commit_callbacks
):
    with pytest.raises(DomainError) as refused:
        save_training(world, "T")
    assert "đã được phê duyệt" in str(refused.value.errors)
    assert "mở lại kết quả" in str(refused.value.errors)

    with django_capture_on_commit_callbacks(execute=True):
        reopened = results_actions.class_result_reopen(
            actor=world.actor("principal"),
            school_class=world.class_a,
            period="term1",
            reason=REASON,
        )
    assert reopened == ["term1", "year"]
    assert states(world) == {"term1": "draft", "term2": "approved", "year": "draft"}
    event = AuditEvent.objects.filter(event_type="results.reopened").order_by("seq").first()
    assert event.after["reason"] == REASON and event.before["state"] == "approved"
    assert Notification.objects.filter(user=world.users["homeroom"], kind="results").exists()

    save_training(world, "T")
    assert HomeroomInput.objects.get(student=world.student_a).training_term1 == "T"
    sign_all(approved)  # the class is signed off again with the corrected data
    # confirmed and approved again, with the corrected training result
    for period in ("term1", "year"):
        results_actions.class_result_confirm(
            actor=world.actor("homeroom"), school_class=world.class_a, period=period
        )
        results_actions.class_result_approve(
            actor=world.actor("principal"), school_class=world.class_a, period=period
        )
    assert set(states(world).values()) == {"approved"}


def test_a_reason_is_required_and_only_the_principal_reopens(world, approved):
    with pytest.raises(DomainError) as short:
        results_actions.class_result_reopen(
            actor=world.actor("principal"), school_class=world.class_a, period="year", reason="sai"
        )
    assert short.value.code == "BAD_INPUT"
    for who in ("vice", "homeroom", "clerk"):
        with pytest.raises(PermissionDeniedError):
            results_actions.class_result_reopen(
                actor=world.actor(who), school_class=world.class_a, period="year", reason=REASON
            )
    assert set(states(world).values()) == {"approved"}


def test_reopening_a_draft_is_refused(world):
    rich_school(world)
    with pytest.raises(DomainError) as refused:
        results_actions.class_result_reopen(
            actor=world.actor("principal"),
            school_class=world.class_a,
            period="term1",
            reason=REASON,
        )
    assert refused.value.code == "BAD_STATE"


def test_the_page_offers_reopening_to_the_principal_and_keeps_a_short_reason(
    client, world, approved
):
    url = reverse("gradebook:results_class_period", args=[world.class_a.pk, "term1"])
    client.force_login(world.users["principal"])
    assert 'data-testid="reopen"' in client.get(url).content.decode()
    reopen = reverse("gradebook:results_reopen", args=[world.class_a.pk, "term1"])
    page = client.post(reopen, {"reason": "sai"}, follow=True).content.decode()
    assert "ít nhất 10 ký tự" in page and ">sai</textarea>" in page
    page = client.post(reopen, {"reason": REASON}, follow=True).content.decode()
    assert 'data-testid="reopened"' in page and REASON in page
    client.force_login(world.users["homeroom"])
    assert 'data-testid="reopen"' not in client.get(url).content.decode()
    assert client.post(reopen, {"reason": REASON}).status_code == 403
