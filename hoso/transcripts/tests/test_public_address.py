"""GIVEN a public address nobody outside can open (unset, localhost, a private address) WHEN a
transcript would be drafted or signed THEN it is refused with a Vietnamese error — in production
mode always, elsewhere unless the machine is allowed local addresses (DEBUG, `make run`, tests);
with a real https address the QR code and the text carry HOSO_PUBLIC_URL/xac-minh/<code>."""

from __future__ import annotations

import subprocess

import pytest

from hoso.core.errors import DomainError
from hoso.transcripts import actions, engines
from hoso.transcripts.errors import TranscriptError
from hoso.transcripts.models import Transcript
from hoso.transcripts.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCAL = [
    "",
    "http://localhost:8000",
    "https://127.0.0.1",
    "https://[::1]:8443",
    "https://192.168.1.10",
    "https://10.0.0.5/hoso",
    "https://hoso.localhost",
    "https://intranet",
]


@pytest.mark.parametrize("url", LOCAL)
def test_production_mode_refuses_to_draft_with_a_local_public_address(
    world, signers, settings, url
):
    settings.HOSO_PRODUCTION = True
    settings.HOSO_ALLOW_LOCAL_PUBLIC_URL = True  # never honoured in production mode
    settings.HOSO_PUBLIC_URL = url
    with pytest.raises(DomainError) as caught:
        actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    assert caught.value.code == TranscriptError.PUBLIC_URL_INVALID
    assert "HOSO_PUBLIC_URL" in caught.value.message and "học bạ" in caught.value.message
    assert not Transcript.objects.exists()


def test_production_mode_refuses_plain_http(world, signers, settings):
    settings.HOSO_PRODUCTION = True
    settings.HOSO_PUBLIC_URL = "http://hoso.truong.edu.vn"
    with pytest.raises(DomainError) as caught:
        actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    assert caught.value.code == TranscriptError.PUBLIC_URL_INVALID
    assert "https" in caught.value.message


def test_a_draft_made_earlier_is_not_signed_once_the_address_is_local(world, signers, settings):
    a = world.actor
    actions.transcripts_draft_class(actor=a("homeroom"), school_class=world.class_a)
    settings.HOSO_PRODUCTION = True
    settings.HOSO_PUBLIC_URL = "http://localhost:8000"
    with pytest.raises(DomainError) as caught:
        actions.transcripts_homeroom_sign(
            actor=a("homeroom"), school_class=world.class_a, secret=PASSWORD
        )
    assert caught.value.code == TranscriptError.PUBLIC_URL_INVALID
    assert Transcript.objects.get().state == "draft"


def test_outside_production_a_local_address_needs_the_explicit_allowance(world, signers, settings):
    settings.HOSO_PRODUCTION = False
    settings.HOSO_PUBLIC_URL = ""
    settings.HOSO_ALLOW_LOCAL_PUBLIC_URL = False
    with pytest.raises(DomainError) as caught:
        actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    assert caught.value.code == TranscriptError.PUBLIC_URL_INVALID
    settings.HOSO_ALLOW_LOCAL_PUBLIC_URL = True
    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    assert Transcript.objects.count() == 1


def test_production_mode_prints_the_public_address_in_the_pdf(world, signers, settings):
    settings.HOSO_PRODUCTION = True
    settings.HOSO_PUBLIC_URL = "https://hoso.truong.edu.vn/"
    actions.transcripts_draft_class(actor=world.actor("homeroom"), school_class=world.class_a)
    t = Transcript.objects.get()
    assert engines.public_url(t.code) == f"https://hoso.truong.edu.vn/xac-minh/{t.code}"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=actions.read_pdf(t),
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    assert "hoso.truong.edu.vn/xac-minh" in text.replace("\n", "").replace(" ", "")
    assert "localhost" not in text
