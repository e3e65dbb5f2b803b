from __future__ import annotations

import pytest

from hoso.transcripts.tests.conftest import PASSWORD, approve_results, pki, signers  # noqa: F401


@pytest.fixture(autouse=True)
def _storage_and_cache(settings, tmp_path):
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
