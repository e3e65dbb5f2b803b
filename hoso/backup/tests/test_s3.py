"""Files in S3-compatible storage (moto's in-process S3) are backed up and restored through the
storage API, like files on disk. Skipped without the optional packages (``.[s3]``, moto)."""

from __future__ import annotations

import hashlib
import io
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from hoso.backup import actions, bundle
from hoso.backup.errors import BackupError
from hoso.core.errors import DomainError

pytest.importorskip("storages.backends.s3")
moto = pytest.importorskip("moto")


def s3_storage(location: str) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "hoso-test",
            "region_name": "us-east-1",
            "location": location,
            "default_acl": "private",
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }


@pytest.fixture
def s3(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with moto.mock_aws():
        import boto3

        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="hoso-test")
        settings.STORAGES = {**settings.STORAGES, "default": s3_storage("hoso")}
        yield settings


@pytest.mark.django_db
def test_bucket_files_are_backed_up_and_restored_through_the_storage_api(s3, tmp_path):
    # GIVEN files in the bucket, nested
    blobs = {"transcripts/a.pdf": b"%PDF-1.7 a", "records/2026/b.docx": b"PK\x03\x04 b"}
    for name, blob in blobs.items():
        assert default_storage.save(name, ContentFile(blob)) == name
    # WHEN backed up (unencrypted, to read the tar here)
    call_command(
        "backup", output=tmp_path, no_encrypt=True, stdout=io.StringIO(), stderr=io.StringIO()
    )
    (archive,) = tmp_path.glob("hoso-backup-*.tar")
    manifest = actions.backup_verify(archive=archive, passphrase=None)
    # THEN the manifest lists them with their checksums, and the storage class
    assert manifest["storage"] == "S3Storage"
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == {
        name: hashlib.sha256(blob).hexdigest() for name, blob in blobs.items()
    }
    # AND a restore writes them into an empty prefix, byte for byte; a damaged one is refused
    s3.STORAGES = {**s3.STORAGES, "default": s3_storage("restored")}
    expected = bundle.expected_members(manifest)
    with tarfile.open(archive) as tar:
        for info in tar.getmembers():
            if info.name.startswith(bundle.FILES_PREFIX):
                stream = bundle.HashingReader(tar.extractfile(info))
                actions.restore_file(
                    member=info.name, stream=stream, expected=expected[info.name], work=tmp_path
                )
        info = tar.getmember("files/transcripts/a.pdf")
        with pytest.raises(DomainError) as caught:
            actions.restore_file(
                member="files/transcripts/other.pdf",
                stream=bundle.HashingReader(tar.extractfile(info)),
                expected=(info.size, "0" * 64),
                work=tmp_path,
            )
        assert caught.value.code == BackupError.CHECKSUM
    for name, blob in blobs.items():
        with default_storage.open(name, "rb") as fh:
            assert fh.read() == blob
    assert not default_storage.exists("transcripts/other.pdf")
