"""The demo seed issues credentials from the demo CA, trusted, fast."""

from __future__ import annotations

import time

import pytest

from hoso.core import clock
from hoso.demo.signing import seed_demo
from hoso.signing.models import SigningCredential, TrustRoot
from hoso.signing.services import credential_for, sign_pdf, validate_pdf
from hoso.signing.testpki import DEMO_PASSWORD
from hoso.signing.tests.conftest import make_pdf

pytestmark = pytest.mark.django_db


def test_demo_issues_credentials_for_leaders_homeroom_and_the_seal(world):
    started = time.perf_counter()
    seed_demo(world.school, world.year, today=clock.today())
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"seed_demo took {elapsed:.2f} s"
    for key in ("principal", "vice", "homeroom"):
        cred = credential_for(user=world.users[key])
        assert cred is not None, key
        assert cred.subject_cn == world.people[key].full_name
    assert credential_for(user=world.users["subject"]) is None
    seal = credential_for(school=world.school)
    assert seal is not None and seal.subject_cn == world.school.name
    assert TrustRoot.objects.filter(school__isnull=True).exists()
    # a second run adds nothing
    count = SigningCredential.objects.count()
    seed_demo(world.school, world.year, today=clock.today())
    assert SigningCredential.objects.count() == count
    # the demo password unlocks; the result is trusted
    signed = sign_pdf(
        pdf=make_pdf(),
        credential=seal,
        secret=DEMO_PASSWORD,
        field_name="DONVI",
        box=None,
        signer_name=world.school.name,
        role_label="Chữ ký số của đơn vị",
    )
    assert validate_pdf(signed).all_valid


def test_management_command_writes_pkcs12_files(tmp_path):
    from django.core.management import call_command

    from hoso.signing.services import open_pkcs12

    call_command("signing_demo_pki", out=str(tmp_path), person=["Nguyễn Thị Hoa"])
    _key, cert, chain = open_pkcs12((tmp_path / "nguyen-thi-hoa.p12").read_bytes(), DEMO_PASSWORD)
    assert "Nguyễn Thị Hoa" in cert.subject.rfc4514_string()
    assert (tmp_path / "ca.pem").exists()
