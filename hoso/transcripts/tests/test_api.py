"""The JSON endpoints for the higher-level database: list and detail, scoped like the pages;
the data of an issued transcript only for those who may export it (audited)."""

from __future__ import annotations

import pytest
from django.test import Client

from hoso.audit.models import AuditEvent
from hoso.testing.factories import PASSWORD as LOGIN_PASSWORD
from hoso.transcripts import engines
from hoso.transcripts.tests.helpers import issue_class

pytestmark = pytest.mark.django_db
BASE = "/api-hoc-ba/transcripts"


def login(world, role) -> Client:
    client = Client()
    assert client.login(username=world.users[role].username, password=LOGIN_PASSWORD)
    return client


def test_clerk_reads_the_list_and_the_issued_data(world, signers):
    t = issue_class(world)[0]
    clerk = login(world, "clerk")
    rows = clerk.get(BASE, {"state": "issued"}).json()
    assert [r["code"] for r in rows] == [t.code]
    detail = clerk.get(f"{BASE}/{t.pk}").json()
    assert detail["data"] == t.data and engines.data_hash(detail["data"]) == detail["data_hash"]
    assert [s["role"] for s in detail["signers"]][0] == "Giáo viên chủ nhiệm"
    assert detail["verify_url"].endswith(f"/xac-minh/{t.code}")
    assert AuditEvent.objects.filter(event_type="transcript.json_exported").count() == 1


def test_homeroom_sees_the_status_not_the_data_and_outsiders_nothing(world, signers):
    t = issue_class(world)[0]
    detail = login(world, "homeroom").get(f"{BASE}/{t.pk}").json()
    assert detail["state"] == "issued" and detail["data"] is None
    for role in ("subject", "parent", "outsider"):
        client = login(world, role)
        assert client.get(f"{BASE}/{t.pk}").status_code == 404, role
        assert client.get(BASE).status_code == 404, role
    assert Client().get(BASE).status_code == 401
