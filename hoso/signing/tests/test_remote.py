"""A REMOTE credential signs through the provider configured in HOSO_REMOTE_SIGNING."""

from __future__ import annotations

import pytest

from hoso.core.errors import DomainError
from hoso.signing.errors import SigningErrorCode
from hoso.signing.models import CredentialKind, SigningCredential
from hoso.signing.services import certificate_info, sign_pdf, validate_pdf
from hoso.signing.tests import remote_fake
from hoso.signing.tests.conftest import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def remote(world, pki):
    issued = pki.person("Nguyễn Văn Hùng")
    remote_fake.KEYS["hung-01"] = issued
    info = certificate_info(issued.cert, issued.chain)
    return SigningCredential.objects.create(
        school=world.school,
        user=world.users["principal"],
        kind=CredentialKind.REMOTE,
        certificate_pem=info.certificate_pem,
        chain_pem=info.chain_pem,
        subject_cn=info.subject_cn,
        serial=info.serial,
        fingerprint_sha256=info.fingerprint_sha256,
        not_before=info.not_before,
        not_after=info.not_after,
        remote_provider="fake",
        remote_reference="hung-01",
    )


def _sign(cred, secret):
    return sign_pdf(
        pdf=make_pdf(),
        credential=cred,
        secret=secret,
        field_name="HT",
        box=None,
        signer_name="Nguyễn Văn Hùng",
        role_label="Hiệu trưởng",
    )


def test_remote_provider_signs(remote, trusted, settings):
    settings.HOSO_REMOTE_SIGNING = {"fake": "hoso.signing.tests.remote_fake.FakeProvider"}
    report = validate_pdf(_sign(remote, remote_fake.OTP))
    assert report.all_valid and report.signatures[0].signer_cn == "Nguyễn Văn Hùng"
    with pytest.raises(DomainError) as err:
        _sign(remote, "000000")
    assert err.value.code == SigningErrorCode.WRONG_SECRET


def test_remote_provider_not_configured(remote, settings):
    settings.HOSO_REMOTE_SIGNING = {}
    with pytest.raises(DomainError) as err:
        _sign(remote, remote_fake.OTP)
    assert err.value.code == SigningErrorCode.REMOTE_NOT_CONFIGURED
