"""The anchors page and file: the school's leaders and the superior body's inspectors get them;
a teacher or a parent does not."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.urls import reverse

from hoso.audit.actions import audit_record
from hoso.audit.anchors import anchor_chain
from hoso.audit.models import AuditChain


def _some_events(school, n=3):
    for i in range(n):
        with transaction.atomic():
            audit_record(event_type="test.event", school_id=school.pk, after={"i": i})
    return AuditChain.objects.get(school=school)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who,status", [("principal", 200), ("inspector", 200), ("subject", 403), ("parent", 403)]
)
def test_who_gets_the_anchors_file(client, world, who, status):
    chain = _some_events(world.school)
    anchor_chain(chain=chain)
    client.force_login(world.users[who])
    page = client.get(reverse("audit:anchors"))
    assert page.status_code == status
    download = client.get(reverse("audit:anchors_file"))
    assert download.status_code == status
    if status == 200:
        assert '<td class="num">3</td>' in page.content.decode()
        line = json.loads(download.content.decode().splitlines()[0])
        assert (line["school"], line["seq"]) == (world.school.code, 3)
        assert download["Content-Disposition"].startswith("attachment;")
