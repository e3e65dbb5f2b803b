"""The S3-compatible storage path (django-storages), against moto's in-process S3: uploads,
an archive export streamed into the bucket, permission-checked downloads. Skipped when the
optional packages (``.[s3]`` and moto) are not installed."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.urls import reverse

pytest.importorskip("storages.backends.s3")
moto = pytest.importorskip("moto")


@pytest.fixture
def s3(settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with moto.mock_aws():
        import boto3

        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="hoso-test")
        # the block proposed for hoso/settings.py (docs/RECORDS-BOARD-ARCHIVE.md), env filled in
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "hoso-test",
                    "region_name": "us-east-1",
                    "location": "hoso",
                    "default_acl": "private",
                    "querystring_auth": True,
                    "file_overwrite": False,
                    "signature_version": "s3v4",
                },
            },
        }
        yield boto3.client("s3", region_name="us-east-1")


def test_files_and_exports_live_in_the_bucket_and_are_served_only_through_checks(
    client, world, s3, django_capture_on_commit_callbacks
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from hoso.archive import actions
    from hoso.archive.builder import verify_zip
    from hoso.archive.models import ExportState
    from hoso.archive.testing import make_obligation, make_record_type, make_submission, pdf_bytes

    rt = make_record_type(world.school, "Kế hoạch bài dạy")
    ob = make_obligation(
        world.year,
        rt,
        owner_staff=world.people["subject"],
        due_at=datetime(2026, 10, 16, 17, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
    )
    content = pdf_bytes("Kế hoạch bài dạy tuần 7")
    sub = make_submission(ob, user=world.users["subject"], content=content, name="khbd.pdf")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="hoso-test")["Contents"]]
    assert keys == [f"hoso/{sub.file.name}"]
    with django_capture_on_commit_callbacks(execute=True):
        export = actions.archive_export_request(actor=world.actor("clerk"))
    export.refresh_from_db()
    assert export.state == ExportState.DONE, export.error
    body = s3.get_object(Bucket="hoso-test", Key=f"hoso/{export.file.name}")["Body"].read()
    assert hashlib.sha256(body).hexdigest() == export.sha256
    assert verify_zip(io.BytesIO(body)) == []
    # downloads stream through the permission-checked views, never a bucket URL
    client.force_login(world.users["clerk"])
    response = client.get(reverse("archive:export_download", args=[export.pk]))
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == export.sha256
    client.force_login(world.users["homeroom"])
    assert client.get(reverse("records:file", args=[sub.pk])).status_code == 404
    client.force_login(world.users["subject"])
    own = client.get(reverse("records:file", args=[sub.pk]))
    assert b"".join(own.streaming_content) == content
