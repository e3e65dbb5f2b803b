"""PKCS#11 (USB token) signing through SoftHSM2, a software token standing in for a real one."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from hoso.core.errors import DomainError
from hoso.signing.errors import SigningErrorCode
from hoso.signing.models import CredentialKind
from hoso.signing.services import sign_many, sign_pdf, validate_pdf
from hoso.signing.tests.conftest import Box, make_pdf

SOFTHSM_LIB = "/usr/lib/softhsm/libsofthsm2.so"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not shutil.which("softhsm2-util") or not os.path.exists(SOFTHSM_LIB),
        reason="SoftHSM2 is not installed (apt-get install softhsm2) — PKCS#11 test skipped",
    ),
]
PIN = "123456"


@pytest.fixture(scope="module")
def token(tmp_path_factory, pki):
    """A SoftHSM2 token in a private directory holding one EC key and its certificate."""
    from cryptography.hazmat.primitives import serialization

    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    env = dict(os.environ)
    run = lambda *args: subprocess.run(args, check=True, capture_output=True, env=env)  # noqa: E731
    run("softhsm2-util", "--init-token", "--free", "--label", "hoso-token", "--pin", PIN,
        "--so-pin", "12345678")  # fmt: skip
    issued = pki.person("Trần Thị Mai")
    key_file = base / "key.pem"
    key_file.write_bytes(issued.key_pem)
    run("softhsm2-util", "--import", str(key_file), "--token", "hoso-token", "--label", "pho-ht",
        "--id", "01", "--pin", PIN)  # fmt: skip
    key_file.unlink()
    # the certificate object beside the key, as a CA's token holds it
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    lib = pkcs11.lib(SOFTHSM_LIB)
    tok = lib.get_token(token_label="hoso-token")
    with tok.open(rw=True, user_pin=PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: "pho-ht",
                Attribute.ID: b"\x01",
                Attribute.SUBJECT: issued.cert.subject.public_bytes(),
                Attribute.ISSUER: issued.cert.issuer.public_bytes(),
                Attribute.VALUE: issued.cert.public_bytes(serialization.Encoding.DER),
            }
        )
    return issued


def _register(world, pin=PIN):
    from hoso.signing.actions import credential_register_pkcs11

    return credential_register_pkcs11(
        school=world.school,
        owner=world.users["vice"],
        library=SOFTHSM_LIB,
        token_label="hoso-token",
        key_label="pho-ht",
        pin=pin,
    )


def test_register_reads_the_certificate_from_the_token(world, token):
    cred = _register(world)
    assert cred.kind == CredentialKind.PKCS11
    assert cred.subject_cn == "Trần Thị Mai"


def test_sign_with_the_token_validates(world, token, trusted):
    cred = _register(world)
    signed = sign_pdf(
        pdf=make_pdf(),
        credential=cred,
        secret=PIN,
        field_name="PHT",
        box=Box(1, 50, 50, 250, 110),
        signer_name="Trần Thị Mai",
        role_label="Phó hiệu trưởng",
    )
    report = validate_pdf(signed)
    assert report.all_valid
    assert report.signatures[0].signer_cn == "Trần Thị Mai"


def test_batch_on_the_token_opens_one_session(world, token, trusted, monkeypatch):
    from pyhanko.sign import pkcs11 as hanko_p11

    cred = _register(world)
    opened = []
    real_open = hanko_p11.open_pkcs11_session
    monkeypatch.setattr(
        hanko_p11,
        "open_pkcs11_session",
        lambda *a, **kw: opened.append(1) or real_open(*a, **kw),
    )
    out = sign_many(
        pdfs=[make_pdf(), make_pdf()],
        credential=cred,
        secret=PIN,
        field_name="PHT",
        box_for=None,
        signer_name="Trần Thị Mai",
        role_label="Phó hiệu trưởng",
    )
    assert len(opened) == 1
    assert all(validate_pdf(pdf).all_valid for pdf in out)


def test_wrong_pin_is_refused(world, token):
    cred = _register(world)
    with pytest.raises(DomainError) as err:
        sign_pdf(
            pdf=make_pdf(),
            credential=cred,
            secret="000000",
            field_name="PHT",
            box=None,
            signer_name="Trần Thị Mai",
            role_label="Phó hiệu trưởng",
        )
    assert err.value.code == SigningErrorCode.WRONG_SECRET
    assert "PIN" in err.value.message


def test_library_outside_the_allow_list_is_refused(world, token, settings):
    settings.HOSO_PKCS11_LIBRARIES = ["/opt/vendor/libtoken.so"]
    with pytest.raises(DomainError) as err:
        _register(world)
    assert err.value.code == SigningErrorCode.LIBRARY_NOT_ALLOWED
