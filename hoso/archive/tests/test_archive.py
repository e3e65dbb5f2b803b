"""Archive: ZIP integrity (every checksum verifies), layout and manifest, folder scope, tampered
files reported, progress, nothing deleted, share links (hashed token, expiry, revocation, every
access logged with the IP), permissions."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from hoso.archive import actions
from hoso.archive.builder import verify_zip
from hoso.archive.errors import ArchiveError
from hoso.archive.models import ArchiveExport, ExportState, ShareLink
from hoso.archive.testing import (
    docx_bytes,
    make_obligation,
    make_record_type,
    make_submission,
    pdf_bytes,
)
from hoso.audit.models import AuditEvent
from hoso.core.errors import DomainError
from hoso.records.models import OwnerKind, Submission

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def files(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    plans = make_record_type(world.school, "Kế hoạch bài dạy", retention_years=5)
    minutes = make_record_type(
        world.school,
        "Biên bản sinh hoạt tổ",
        owner_kind=OwnerKind.DEPARTMENT,
        retention_years=None,
    )
    s, h = world.people["subject"], world.people["homeroom"]
    o1 = make_obligation(
        world.year,
        plans,
        owner_staff=s,
        due_at=datetime(2026, 10, 16, 17, tzinfo=VN),
        period_key="2026-W43",
        period_label="Tuần 7",
    )
    o2 = make_obligation(
        world.year,
        plans,
        owner_staff=h,
        due_at=datetime(2026, 10, 16, 17, tzinfo=VN),
        period_key="2026-W43",
        period_label="Tuần 7",
    )
    o3 = make_obligation(
        world.year,
        minutes,
        owner_department=s.department,
        due_at=datetime(2026, 10, 30, 17, tzinfo=VN),
        period_key="2026-10",
        period_label="Tháng 10/2026",
    )
    subs = [
        make_submission(o1, user=s.user, content=pdf_bytes("Bài 12 bản đầu"), name="KHBD.pdf"),
        make_submission(o1, user=s.user, content=pdf_bytes("Bài 12 bản sửa"), name="KHBD.pdf"),
        make_submission(
            o2, user=h.user, content=docx_bytes("Lão Hạc"), name="Ngữ văn: tuần 7?.docx"
        ),
        make_submission(
            o3, user=s.user, content=b"\x89PNG\r\n\x1a\n" + b"0" * 3000, name="scan.png"
        ),
    ]
    return {"o1": o1, "o2": o2, "o3": o3, "subs": subs, "s": s}


def _build(world, who="clerk", folder_id=None, capture=None):
    actor = world.actor(who)
    with capture(execute=True):
        export = actions.archive_export_request(actor=actor, folder_id=folder_id)
    export.refresh_from_db()
    return export


def _zip(export) -> zipfile.ZipFile:
    with export.file.open("rb") as f:
        return zipfile.ZipFile(io.BytesIO(f.read()))


def test_every_checksum_verifies_and_the_manifest_lists_every_file(
    world, files, django_capture_on_commit_callbacks
):
    export = _build(world, capture=django_capture_on_commit_callbacks)
    assert export.state == ExportState.DONE, export.error
    assert (export.files_total, export.files_done) == (4, 4)
    assert export.mismatches == [] and export.unreadable == []
    with export.file.open("rb") as f:
        raw = f.read()
    assert hashlib.sha256(raw).hexdigest() == export.sha256 and len(raw) == export.size
    assert verify_zip(io.BytesIO(raw)) == []
    z = zipfile.ZipFile(io.BytesIO(raw))
    root = z.namelist()[0].split("/")[0]
    # independent check of SHA256SUMS against the bytes in the ZIP and the ones uploaded
    sums = dict(
        reversed(line.split("  ", 1)) for line in z.read(f"{root}/SHA256SUMS").decode().splitlines()
    )
    for rel, sha in sums.items():
        assert hashlib.sha256(z.read(f"{root}/{rel}")).hexdigest() == sha
    uploaded = {s.sha256 for s in files["subs"]}
    manifest = json.loads(z.read(f"{root}/manifest.json"))
    assert {row["sha256"] for row in manifest["files"]} == uploaded
    s = files["s"]
    paths = sorted(row["path"] for row in manifest["files"])
    assert f"2026-2027/{s.full_name} ({s.code})/Kế hoạch bài dạy/Tuần 7/v1_KHBD.pdf" in paths
    assert f"2026-2027/{s.full_name} ({s.code})/Kế hoạch bài dạy/Tuần 7/v2_KHBD.pdf" in paths
    assert any(p.endswith("/v1_Ngữ văn_ tuần 7_.docx") for p in paths)  # unsafe characters replaced
    rows = list(csv.reader(io.StringIO(z.read(f"{root}/manifest.csv").decode("utf-8-sig"))))
    assert rows[0][0] == "Đường dẫn" and len(rows) == 5
    retention = {r[2]: r[10] for r in rows[1:]}
    assert retention["Kế hoạch bài dạy"] == "31/05/2032"  # year end 31/05/2027 + 5 years
    assert retention["Biên bản sinh hoạt tổ"] == "Vĩnh viễn"
    # nothing deleted, nothing moved
    assert Submission.objects.count() == 4
    for sub in files["subs"]:
        with sub.file.open("rb") as f:
            assert hashlib.sha256(f.read()).hexdigest() == sub.sha256
    events = set(
        AuditEvent.objects.filter(target_id=str(export.pk)).values_list("event_type", flat=True)
    )
    assert {"archive.export_requested", "archive.export_built"} <= events


def test_a_folder_export_holds_only_that_subtree(world, files, django_capture_on_commit_callbacks):
    owner_folder = files["o1"].folder.parent.parent  # period → type → owner
    export = _build(world, folder_id=owner_folder.pk, capture=django_capture_on_commit_callbacks)
    manifest_name = next(n for n in _zip(export).namelist() if n.endswith("manifest.json"))
    rows = json.loads(_zip(export).read(manifest_name))["files"]
    assert len(rows) == 2 and all(files["s"].full_name in r["path"] for r in rows)


def test_a_file_altered_in_storage_is_reported(world, files, django_capture_on_commit_callbacks):
    sub = files["subs"][2]
    with open(sub.file.path, "ab") as f:
        f.write(b"tampered")
    export = _build(world, capture=django_capture_on_commit_callbacks)
    assert export.state == ExportState.DONE
    assert len(export.mismatches) == 1 and export.mismatches[0].endswith(".docx")
    assert verify_zip(io.BytesIO(export.file.open("rb").read())) == []


def test_verify_finds_a_damaged_archive(world, files, django_capture_on_commit_callbacks):
    export = _build(world, capture=django_capture_on_commit_callbacks)
    original = _zip(export)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename.endswith(".docx"):
                data = data + b"x"
            z.writestr(info.filename, data)
    problems = verify_zip(io.BytesIO(out.getvalue()))
    assert any("Sai mã SHA-256" in p for p in problems)


def test_progress_is_polled_until_done(client, world, files, django_capture_on_commit_callbacks):
    client.force_login(world.users["clerk"])
    # not executing the on-commit callback: the export stays queued
    response = client.post(reverse("archive:export_create"))
    export = ArchiveExport.objects.get()
    assert response.status_code == 302 and export.state == ExportState.QUEUED
    fragment = client.get(reverse("archive:export_progress", args=[export.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    actions.archive_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.state == ExportState.DONE and export.percent == 100
    fragment = client.get(reverse("archive:export_progress", args=[export.pk])).content.decode()
    assert "hx-trigger" not in fragment and "Hoàn tất" in fragment
    # a second run does nothing (claimed under a row lock only when queued)
    assert actions.archive_export_build(export_id=export.pk) is None
    download = client.get(reverse("archive:export_download", args=[export.pk]))
    assert download.status_code == 200
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == export.sha256


def _link(world, *, export=None, folder=None, days=7):
    return actions.share_link_create(
        actor=world.actor("clerk"),
        recipient="Đoàn kiểm tra Sở GD&ĐT",
        days=days,
        export_id=export.pk if export else None,
        folder_id=folder.pk if folder else None,
    )


def test_share_link_token_is_stored_hashed_and_every_access_is_logged_with_the_ip(
    client, world, files, django_capture_on_commit_callbacks
):
    export = _build(world, capture=django_capture_on_commit_callbacks)
    link, token = _link(world, export=export)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not ShareLink.objects.filter(token_hash=token).exists()
    assert token not in json.dumps(
        list(AuditEvent.objects.values("before", "after", "target_repr")), ensure_ascii=False
    )
    page = client.get(reverse("archive:shared", args=[token]), REMOTE_ADDR="203.0.113.7")
    assert page.status_code == 200 and page["Referrer-Policy"] == "no-referrer"
    zip_response = client.get(reverse("archive:shared_export", args=[token]))
    assert hashlib.sha256(b"".join(zip_response.streaming_content)).hexdigest() == export.sha256
    accessed = AuditEvent.objects.filter(
        event_type="archive.share_accessed", target_id=str(link.pk)
    )
    assert accessed.count() == 2
    assert accessed.order_by("seq").first().ip == "203.0.113.7"
    link.refresh_from_db()
    assert link.access_count == 2


def test_revoked_and_expired_links_answer_404_and_are_logged(
    client, world, files, django_capture_on_commit_callbacks
):
    export = _build(world, capture=django_capture_on_commit_callbacks)
    link, token = _link(world, export=export)
    actions.share_link_revoke(actor=world.actor("principal"), link_id=link.pk)
    assert client.get(reverse("archive:shared", args=[token])).status_code == 404
    assert client.get(reverse("archive:shared_export", args=[token])).status_code == 404
    with pytest.raises(DomainError) as err:
        actions.share_link_revoke(actor=world.actor("principal"), link_id=link.pk)
    assert err.value.code == ArchiveError.ALREADY_REVOKED
    old, old_token = _link(world, export=export)
    ShareLink.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("archive:shared", args=[old_token])).status_code == 404
    refused = AuditEvent.objects.filter(event_type="archive.share_refused")
    assert {e.after["reason"] for e in refused} == {"revoked", "expired"}
    assert client.get(reverse("archive:shared", args=["not-a-token"])).status_code == 404


def test_a_folder_link_opens_files_inside_and_nothing_else(client, world, files):
    owner_folder = files["o1"].folder.parent.parent
    _link_obj, token = _link(world, folder=owner_folder)
    page = client.get(reverse("archive:shared", args=[token]))
    assert page.status_code == 200 and "KHBD.pdf" in page.content.decode()
    inside, outside = files["subs"][0], files["subs"][2]
    ok = client.get(reverse("archive:shared_file", args=[token, inside.pk]))
    assert ok.status_code == 200
    assert hashlib.sha256(b"".join(ok.streaming_content)).hexdigest() == inside.sha256
    assert client.get(reverse("archive:shared_file", args=[token, outside.pk])).status_code == 404
    # a folder link does not open exports
    assert client.get(reverse("archive:shared_export", args=[token])).status_code == 404


def test_share_link_input_is_checked_and_kept(client, world, files):
    client.force_login(world.users["clerk"])
    folder = files["o1"].folder
    response = client.post(
        reverse("archive:share_create"),
        {"nguoi-nhan": "Thanh tra Sở", "so-ngay": "365", "pham-vi": f"thu-muc:{folder.pk}"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Thanh tra Sở" in body and "từ 1 đến 90 ngày" in body
    with pytest.raises(DomainError) as err:
        _link(world, folder=folder, days=0)
    assert err.value.code == ArchiveError.EXPIRY_OUT_OF_RANGE
    ok = client.post(
        reverse("archive:share_create"),
        {"nguoi-nhan": "Thanh tra Sở", "so-ngay": "10", "pham-vi": f"thu-muc:{folder.pk}"},
    )
    assert ok.status_code == 200 and "/luu-tru/s/" in ok.content.decode()
    assert "no-store" in ok["Cache-Control"]


def test_an_unfinished_export_cannot_be_shared(world, files):
    export = actions.archive_export_request(actor=world.actor("clerk"))
    with pytest.raises(DomainError) as err:
        _link(world, export=export)
    assert err.value.code == ArchiveError.EXPORT_NOT_READY


@pytest.mark.parametrize(
    "who,status",
    [
        ("clerk", 200),
        ("principal", 200),
        ("vice", 200),
        ("subject", 403),
        ("dept_head", 403),
        ("parent", 403),
        ("inspector", 403),
    ],
)
def test_archive_pages_permissions(client, world, files, who, status):
    client.force_login(world.users[who])
    assert client.get(reverse("archive:index")).status_code == status
    assert client.get(reverse("archive:retention")).status_code == status
    if status == 403:
        assert client.post(reverse("archive:export_create")).status_code == 403
        assert not ArchiveExport.objects.exists()


def test_another_schools_export_is_not_found(
    client, world, files, django_capture_on_commit_callbacks
):
    from hoso.testing.factories import small_school

    other = small_school()
    export = _build(world, capture=django_capture_on_commit_callbacks)
    client.force_login(other.users["clerk"])
    assert client.get(reverse("archive:export_detail", args=[export.pk])).status_code == 404
    assert client.get(reverse("archive:export_download", args=[export.pk])).status_code == 404


def test_retention_page_shows_each_type_until_when(client, world, files):
    client.force_login(world.users["principal"])
    body = client.get(reverse("archive:retention")).content.decode()
    assert "31/05/2032" in body and "Vĩnh viễn" in body


def test_archive_verify_command(world, files, django_capture_on_commit_callbacks, tmp_path):
    from django.core.management import CommandError, call_command

    export = _build(world, capture=django_capture_on_commit_callbacks)
    out = io.StringIO()
    call_command("archive_verify", export=export.pk, stdout=out)
    assert "khớp" in out.getvalue()
    broken = tmp_path / "broken.zip"
    original = _zip(export)
    with zipfile.ZipFile(broken, "w") as z:
        for info in original.infolist():
            if not info.filename.endswith(".png"):
                z.writestr(info.filename, original.read(info.filename))
    with pytest.raises(CommandError):
        call_command("archive_verify", str(broken), stderr=io.StringIO())
