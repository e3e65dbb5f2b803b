"""Kiểm tra: the vice principal checks teachers' records beside the approval chain (SPEC §4:
"lesson plan — department head; vice principal checks").

GIVEN a lesson plan submitted by a teacher, WHEN the vice principal checks it (before or after
the department head approves), THEN the check is recorded in the history and the audit trail,
the owner is told when there is a remark, the state and the chain do not change; nobody else
checks, nobody checks a record with nothing submitted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.notifications.models import Notification
from hoso.records import actions
from hoso.records.errors import RecordsError
from hoso.records.models import ObligationState as S
from hoso.records.tests.helpers import lesson_plan, pdf, setup_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world):
    setup_records(world)
    ob = lesson_plan(world)
    actions.submission_upload(
        actor=world.actor("subject"), obligation_id=ob.pk, upload=pdf(), submit=True
    )
    return ob


def test_the_vice_principal_checks_without_changing_the_chain(
    world, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ob = actions.obligation_check(
            actor=world.actor("vice"), obligation_id=submitted.pk, comment="Mục tiêu rõ, tốt."
        )
    assert ob.state == S.SUBMITTED and ob.awaiting_role == "department_head"
    assert ob.checked_by == world.users["vice"] and ob.checked_at
    decision = ob.decisions.get(kind="check")
    assert decision.comment == "Mục tiêu rõ, tốt." and decision.submission.version == 1
    event = AuditEvent.objects.get(event_type="records.check")
    assert event.after["comment"] == "Mục tiêu rõ, tốt." and event.before == {"checked_at": None}
    assert Notification.objects.filter(
        user=world.users["subject"], text__contains="đã được kiểm tra"
    ).exists()
    # The department head still approves; the principal may check again after approval.
    actions.obligation_approve(actor=world.actor("dept_head"), obligation_id=ob.pk)
    actions.obligation_check(actor=world.actor("principal"), obligation_id=ob.pk)
    ob.refresh_from_db()
    assert ob.state == S.APPROVED and ob.checked_by == world.users["principal"]
    assert list(ob.decisions.values_list("kind", flat=True).order_by("at", "pk")) == [
        "submit",
        "check",
        "approve",
        "check",
    ]


@pytest.mark.parametrize("who", ["subject", "dept_head", "homeroom", "clerk", "inspector"])
def test_only_leaders_check(world, submitted, who):
    with pytest.raises(PermissionDeniedError):
        actions.obligation_check(actor=world.actor(who), obligation_id=submitted.pk)


def test_nothing_submitted_nothing_to_check(world):
    setup_records(world)
    pending = lesson_plan(world, week=12)
    with pytest.raises(DomainError) as refused:
        actions.obligation_check(actor=world.actor("vice"), obligation_id=pending.pk)
    assert refused.value.code == RecordsError.NOTHING_TO_CHECK


def test_the_page_offers_the_check_to_leaders_only(client, world, submitted):
    url = reverse("records:obligation", args=[submitted.pk])
    client.force_login(world.users["vice"])
    assert 'data-testid="check"' in client.get(url).content.decode()
    page = client.post(
        reverse("records:check", args=[submitted.pk]), {"comment": ""}, follow=True
    ).content.decode()
    assert "Đã đánh dấu hồ sơ đã kiểm tra." in page and 'id="checked"' in page
    client.force_login(world.users["dept_head"])
    assert 'data-testid="check"' not in client.get(url).content.decode()
    assert client.post(reverse("records:check", args=[submitted.pk])).status_code == 403
