"""Nobody out of role can draft, sign, check, issue, revoke, re-issue or export (matrix), and
pages answer 404 outside a person's scope, 403 for an action outside the role."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from hoso.testing.factories import PASSWORD as LOGIN_PASSWORD
from hoso.testing.factories import SMALL_SCHOOL_ROLES
from hoso.transcripts import actions, policies
from hoso.transcripts.models import Transcript
from hoso.transcripts.tests.conftest import PASSWORD
from hoso.transcripts.tests.helpers import issue_class

pytestmark = pytest.mark.django_db

ROLES = SMALL_SCHOOL_ROLES
ALLOWED = {
    "draft": {"homeroom", "vice", "clerk"},
    "homeroom_sign": {"homeroom"},
    "check": {"vice"},
    "principal_sign": {"principal"},
    "issue": {"clerk"},
    "revoke": {"clerk", "principal"},
    "reissue": {"clerk", "principal"},
    "export": {"clerk", "principal"},
    "see_class": {"principal", "vice", "clerk", "inspector", "homeroom"},
}


def test_policy_matrix(world):
    c = world.class_a
    t = Transcript(school=world.school, year=world.year, school_class=c, state="issued")
    checks = {
        "draft": lambda a: policies.can_draft(a, c),
        "homeroom_sign": lambda a: policies.can_homeroom_sign(a, c),
        "check": lambda a: policies.can_check(a, c),
        "principal_sign": lambda a: policies.can_principal_sign(a, c),
        "issue": lambda a: policies.can_issue(a, c),
        "revoke": lambda a: policies.can_revoke(a, t),
        "reissue": lambda a: policies.can_reissue(a, t),
        "export": lambda a: policies.can_export(a, t),
        "see_class": lambda a: policies.visible_classes(a).filter(pk=c.pk).exists(),
    }
    for what, check in checks.items():
        allowed = {role for role in ROLES if check(world.actor(role))}
        assert allowed == ALLOWED[what], what


def test_homeroom_teacher_sees_only_its_class(world):
    actor = world.actor("homeroom")
    assert not policies.visible_classes(actor).filter(pk=world.class_b.pk).exists()
    assert not policies.can_draft(actor, world.class_b)
    assert not policies.can_homeroom_sign(actor, world.class_b)


def test_closed_year_refuses_every_write(world):
    world.year.is_closed = True
    world.year.save()
    c = world.class_a
    c.year.refresh_from_db()
    for role, check in (
        ("homeroom", policies.can_homeroom_sign),
        ("vice", policies.can_check),
        ("principal", policies.can_principal_sign),
        ("clerk", policies.can_issue),
        ("clerk", policies.can_draft),
    ):
        assert not check(world.actor(role), c)


def test_actions_refuse_every_role_but_the_right_one(world, signers):
    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    calls = {
        "homeroom_sign": lambda actor: actions.transcripts_homeroom_sign(
            actor=actor, school_class=world.class_a, secret=PASSWORD
        ),
        "check": lambda actor: actions.transcripts_check(
            actor=actor, school_class=world.class_a, approve=True
        ),
        "principal_sign": lambda actor: actions.transcripts_principal_sign(
            actor=actor, school_class=world.class_a, secret=PASSWORD
        ),
        "issue": lambda actor: actions.transcripts_issue(
            actor=actor, school_class=world.class_a, secret=PASSWORD
        ),
    }
    for what, call in calls.items():
        for role in ROLES:
            if role in ALLOWED[what]:
                continue
            with pytest.raises(PermissionDenied):
                call(a(role))
    assert Transcript.objects.get().state == "draft"


def test_revoke_and_export_refused_out_of_role(world, signers):
    t = issue_class(world)[0]
    for role in ROLES:
        if role in ALLOWED["revoke"]:
            continue
        with pytest.raises(PermissionDenied):
            actions.transcript_revoke(actor=world.actor(role), transcript=t, reason="thử")
        with pytest.raises(PermissionDenied):
            actions.transcript_export(actor=world.actor(role), transcript=t)
    t.refresh_from_db()
    assert t.state == "issued"


def login(world, role) -> Client:
    client = Client()
    assert client.login(username=world.users[role].username, password=LOGIN_PASSWORD)
    return client


def test_pages_answer_404_out_of_scope_and_403_out_of_role(world, signers):
    issue_class(world)
    t = Transcript.objects.get()
    class_url = reverse("transcripts:class", args=[world.class_a.pk])
    detail_url = reverse("transcripts:detail", args=[t.pk])
    for role in ("subject", "parent", "outsider", "accountant"):
        client = login(world, role)
        assert client.get(class_url).status_code == 404, role
        assert client.get(detail_url).status_code == 404, role
        assert client.get(reverse("transcripts:pdf", args=[t.pk])).status_code == 404, role
    homeroom = login(world, "homeroom")
    assert homeroom.get(reverse("transcripts:class", args=[world.class_b.pk])).status_code == 404
    response = homeroom.post(reverse("transcripts:revoke", args=[t.pk]), {"reason": "thử"})
    assert response.status_code == 403
    inspector = login(world, "inspector")
    assert inspector.get(detail_url).status_code == 200
    assert (
        inspector.post(
            reverse("transcripts:sign", args=[world.class_a.pk, "cap"]), {"secret": PASSWORD}
        ).status_code
        == 403
    )
