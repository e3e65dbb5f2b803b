"""The principal signs an anchor of the school's audit chain with the school's seal (ADR 0009);
a wrong password anchors nothing and is audited like every other unlock."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from hoso.audit.models import AuditAnchor, AuditChain, AuditEvent
from hoso.audit.verify import verify_chain
from hoso.signing.testpki import DEMO_PASSWORD


@pytest.mark.django_db
def test_principal_signs_an_anchor_with_the_school_seal(client, world, p12_credential, dummy_tsa):
    # GIVEN the school's seal and some history in its audit chain
    p12_credential(None, "Trường THCS Thử Nghiệm")
    client.force_login(world.users["principal"])
    # WHEN the principal signs an anchor with the seal's password
    response = client.post(reverse("signing:audit_anchor_seal"), {"secret": DEMO_PASSWORD})
    # THEN the anchor names the seal, carries a time-stamp, and the chain verifies with it
    assert response.status_code == 302
    anchor = AuditAnchor.objects.get(chain__school=world.school)
    assert anchor.sealed_by == "Trường THCS Thử Nghiệm"
    assert anchor.timestamped_at is not None
    line = json.loads(anchor.line)
    assert line["seal"]["alg"] == "ecdsa-sha256" and "BEGIN CERTIFICATE" in line["seal"]["cert"]
    chain = AuditChain.objects.get(school=world.school)
    assert verify_chain(chain) is None
    assert AuditEvent.objects.filter(event_type="audit.anchored", actor=world.users["principal"])


@pytest.mark.django_db
def test_a_wrong_seal_password_anchors_nothing(client, world, p12_credential):
    cred = p12_credential(None, "Trường THCS Thử Nghiệm")
    client.force_login(world.users["principal"])
    response = client.post(reverse("signing:audit_anchor_seal"), {"secret": "sai"})
    assert response.status_code == 400
    assert "không đúng" in response.content.decode()
    assert not AuditAnchor.objects.exists()
    assert AuditEvent.objects.filter(event_type="signing.unlock_failed", target_id=str(cred.pk))


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["subject", "inspector"])
def test_only_the_seal_keepers_sign_anchors(client, world, p12_credential, who):
    p12_credential(None, "Trường THCS Thử Nghiệm")
    client.force_login(world.users[who])
    response = client.post(reverse("signing:audit_anchor_seal"), {"secret": DEMO_PASSWORD})
    assert response.status_code == 403
    assert not AuditAnchor.objects.exists()


@pytest.mark.django_db
def test_without_a_seal_the_page_says_so(client, world):
    client.force_login(world.users["principal"])
    response = client.post(reverse("signing:audit_anchor_seal"), {"secret": "x"})
    assert response.status_code == 400
    assert "chưa có chữ ký số của đơn vị" in response.content.decode()
