from __future__ import annotations

import pytest

from hoso.signing.testpki import DEMO_PASSWORD, demo_pki

PASSWORD = DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _urls_and_storage(settings, tmp_path):
    settings.ROOT_URLCONF = "hoso.transcripts.tests.urls"
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }


@pytest.fixture(scope="session")
def pki():
    return demo_pki()


@pytest.fixture
def signers(world, pki):
    """Trust the test CA; PKCS#12 credentials for the homeroom teacher, the principal and the
    school seal (all with the demo password)."""
    from hoso.signing.actions import credential_add_p12, trust_root_add

    trust_root_add(certificate_pem=pki.ca.cert_pem)

    def add(user, name):
        issued = pki.person(name) if user is not None else pki.organisation(name)
        return credential_add_p12(
            school=world.school, owner=user, data=issued.pkcs12(PASSWORD), password=PASSWORD
        )

    return {
        "homeroom": add(world.users["homeroom"], "Đỗ Thị Lan"),
        "principal": add(world.users["principal"], "Nguyễn Văn Hùng"),
        "seal": add(None, world.school.name),
    }
