"""Writes of the archive. Each is keyword-only, checks the policy, runs in one transaction and
writes its audit event in that transaction. Nothing here deletes or changes a record."""

from __future__ import annotations

import hashlib
import logging
import secrets
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hoso.accounts.actor import Actor
from hoso.archive import policies, selectors
from hoso.archive.builder import build_zip, safe_segment
from hoso.archive.errors import ArchiveError
from hoso.archive.models import ArchiveExport, ExportState, ShareLink
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.text import fold, nfc

logger = logging.getLogger("hoso.archive")

MIN_DAYS, MAX_DAYS, DEFAULT_DAYS = 1, 90, 14
PROGRESS_EVERY = 0.5  # seconds between progress writes


def _snapshot(export: ArchiveExport) -> dict:
    return {
        "title": export.title,
        "year": export.year_id,
        "folder": export.folder_id,
        "state": export.state,
        "files": export.files_done,
        "size": export.size,
        "sha256": export.sha256,
    }


# --- exports -------------------------------------------------------------------------------------


def archive_export_request(*, actor: Actor, folder_id: int | None = None) -> ArchiveExport:
    """Queue the ZIP of the actor's current year, or of one folder subtree of it."""
    policies.require_archivist(actor, what="export")
    year = actor.year
    if year is None:
        raise DomainError(ArchiveError.NO_YEAR, "Chưa chọn năm học.")
    folder = None
    if folder_id is not None:
        folder = policies.access_folder(actor, folder_id)
        year = folder.year
    title = f"Hồ sơ năm học {year.name}" + (f" — {folder.name}" if folder else " — toàn trường")
    with transaction.atomic():
        export = ArchiveExport.objects.create(
            school=actor.school,
            year=year,
            folder=folder,
            title=nfc(title)[:300],
            requested_by=actor.user,
        )
        audit_record(
            event_type="archive.export_requested",
            actor=actor.user,
            school_id=actor.school_id,
            target=export,
            after=_snapshot(export),
        )
        _enqueue_after_commit(export.pk)
    return export


def _enqueue_after_commit(export_id: int) -> None:
    def enqueue() -> None:
        from hoso.archive.tasks import build_archive_export

        try:
            build_archive_export.enqueue(export_id)
        except Exception:
            logger.exception("Could not enqueue archive export %s", export_id)
            ArchiveExport.objects.filter(pk=export_id, state=ExportState.QUEUED).update(
                state=ExportState.FAILED,
                error="Không đưa được vào hàng đợi; hãy tạo lại.",
                finished_at=clock.now(),
            )

    transaction.on_commit(enqueue)


def _owned(actor: Actor, export: ArchiveExport, states: tuple[str, ...], what: str):
    """The export locked, if the actor (an archivist) asked for it and it is in one of
    ``states``."""
    policies.require_archivist(actor, what=f"export #{export.pk} {what}")
    locked = ArchiveExport.objects.select_for_update().get(pk=export.pk, school=actor.school)
    if locked.requested_by_id != actor.user.pk:
        raise DomainError(
            ArchiveError.EXPORT_NOT_YOURS, f"Chỉ người yêu cầu bản lưu trữ mới {what} được."
        )
    if locked.state not in states:
        raise DomainError(
            ArchiveError.EXPORT_BAD_STATE,
            f"Bản lưu trữ đang ở trạng thái “{locked.get_state_display()}”, không {what} được.",
        )
    return locked


def archive_export_cancel(*, actor: Actor, export: ArchiveExport) -> ArchiveExport:
    """Drop an export still waiting for the worker (→ CANCELLED): the build claims only a
    queued export, under a row lock, so nothing is built."""
    with transaction.atomic():
        locked = _owned(actor, export, (ExportState.QUEUED,), "hủy")
        before = _snapshot(locked)
        locked.state, locked.finished_at = ExportState.CANCELLED, clock.now()
        locked.save(update_fields=["state", "finished_at"])
        audit_record(
            event_type="archive.export_cancelled",
            actor=actor.user,
            school_id=locked.school_id,
            target=locked,
            before=before,
            after=_snapshot(locked),
        )
    return locked


def archive_export_retry(*, actor: Actor, export: ArchiveExport) -> ArchiveExport:
    """Build a failed export again (→ QUEUED, progress from zero)."""
    with transaction.atomic():
        locked = _owned(actor, export, (ExportState.FAILED,), "tạo lại")
        before = {**_snapshot(locked), "error": locked.error}
        locked.state, locked.error = ExportState.QUEUED, ""
        locked.files_done, locked.started_at, locked.finished_at = 0, None, None
        locked.save(update_fields=["state", "error", "files_done", "started_at", "finished_at"])
        audit_record(
            event_type="archive.export_retried",
            actor=actor.user,
            school_id=locked.school_id,
            target=locked,
            before=before,
            after=_snapshot(locked),
        )
        _enqueue_after_commit(locked.pk)
    return locked


def archive_export_worker_lost(*, export_id: int, give_up: bool) -> bool:
    """The worker building the export died (``core.jobs``): the export goes back to the queue
    (True: build it again) or, lost too often, fails visibly. Nothing was stored: the ZIP is
    written to a temporary file and saved with the export marked done in one transaction."""
    with transaction.atomic():
        export = ArchiveExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.state not in (ExportState.QUEUED, ExportState.RUNNING):
            return False
        before = _snapshot(export)
        if give_up:
            export.state, export.finished_at = ExportState.FAILED, clock.now()
            export.error = "Tiến trình nền dừng đột ngột nhiều lần khi đang tạo; bấm “Tạo lại”."
            export.save(update_fields=["state", "finished_at", "error"])
            event = "archive.export_failed"
        else:
            export.state, export.started_at, export.files_done = ExportState.QUEUED, None, 0
            export.save(update_fields=["state", "started_at", "files_done"])
            event = "archive.export_requeued"
        audit_record(
            event_type=event,
            school_id=export.school_id,
            target=export,
            before=before,
            after={**_snapshot(export), "error": export.error},
        )
    return not give_up


def _claim(export_id: int) -> ArchiveExport | None:
    """QUEUED → RUNNING under a row lock, so two workers never build the same export."""
    with transaction.atomic():
        export = (
            ArchiveExport.objects.select_for_update().filter(pk=export_id).select_related("year")
        ).first()
        if export is None or export.state != ExportState.QUEUED:
            return None
        export.state = ExportState.RUNNING
        export.started_at = clock.now()
        export.save(update_fields=["state", "started_at"])
    return export


def archive_export_build(*, export_id: int) -> ArchiveExport | None:
    """Build the ZIP (background task body): stream every file into a temporary file on disk,
    then into storage; record progress as it goes. Returns None if it was not queued."""
    export = _claim(export_id)
    if export is None:
        return None
    folder = export.folder
    subs = selectors.export_submissions(school=export.school, year=export.year, folder=folder)
    total = subs.count()
    ArchiveExport.objects.filter(pk=export_id).update(files_total=total)
    last = [0.0]

    def progress(done: int) -> None:
        now = clock.now().timestamp()
        if now - last[0] >= PROGRESS_EVERY or done == total:
            last[0] = now
            ArchiveExport.objects.filter(pk=export_id).update(files_done=done)

    root = fold(f"ho-so-{export.year.name}").replace(" ", "-")
    if folder is not None:
        root += "-" + fold(safe_segment(folder.name)).replace(" ", "-")[:60]
    try:
        with tempfile.TemporaryFile(dir=getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)) as tmp:
            result = build_zip(
                selectors.archive_items(subs, year=export.year),
                tmp,
                root=root,
                progress=progress,
                created_at=export.started_at,
            )
            tmp.seek(0)
            digest = hashlib.sha256()
            while chunk := tmp.read(1024 * 1024):
                digest.update(chunk)
            size = tmp.tell()
            tmp.seek(0)
            claimed_at = export.started_at
            with transaction.atomic():
                export = ArchiveExport.objects.select_for_update().get(pk=export_id)
                if export.state != ExportState.RUNNING or export.started_at != claimed_at:
                    return export  # declared lost meanwhile and handed to another run
                before = _snapshot(export)
                stamp = timezone.localtime(export.started_at).strftime("%Y%m%d-%H%M")
                export.file.save(
                    f"{root}-{stamp}-{export.pk}.zip", File(tmp, name="archive.zip"), save=False
                )
                export.state = ExportState.DONE
                export.finished_at = clock.now()
                export.files_total = total
                export.files_done = result.files
                export.size = size
                export.sha256 = digest.hexdigest()
                export.bytes_archived = result.bytes
                export.mismatches = result.mismatches
                export.unreadable = result.missing
                export.save()
                audit_record(
                    event_type="archive.export_built",
                    school_id=export.school_id,
                    target=export,
                    before=before,
                    after={
                        **_snapshot(export),
                        "mismatches": len(result.mismatches),
                        "unreadable": len(result.missing),
                    },
                )
    except Exception as exc:  # recorded on the export for the person who asked, and logged
        logger.exception("Archive export %s failed", export_id)
        with transaction.atomic():
            export = ArchiveExport.objects.select_for_update().get(pk=export_id)
            before = _snapshot(export)
            export.state = ExportState.FAILED
            export.finished_at = clock.now()
            export.error = f"Không tạo được bản lưu trữ: {type(exc).__name__}."
            export.save(update_fields=["state", "finished_at", "error"])
            audit_record(
                event_type="archive.export_failed",
                school_id=export.school_id,
                target=export,
                before=before,
                after={**_snapshot(export), "error": export.error},
            )
    return export


def archive_export_download_logged(*, actor: Actor, export: ArchiveExport) -> None:
    """Record that a person downloaded an export (reading an archive is worth a trace)."""
    if export.state != ExportState.DONE:
        raise DomainError(ArchiveError.EXPORT_NOT_READY, "Bản lưu trữ chưa tạo xong.")
    with transaction.atomic():
        audit_record(
            event_type="archive.export_downloaded",
            actor=actor.user,
            school_id=export.school_id,
            target=export,
            after={"sha256": export.sha256, "size": export.size},
        )


# --- share links ---------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def share_link_create(
    *,
    actor: Actor,
    recipient: str,
    days: int,
    export_id: int | None = None,
    folder_id: int | None = None,
) -> tuple[ShareLink, str]:
    """Create a read-only link to one finished export or one folder. Returns the link and the
    token, which is shown once and never stored (only its SHA-256 is)."""
    policies.require_archivist(actor, what="share link")
    recipient = nfc(recipient)[:200]
    if not recipient:
        raise DomainError(
            ArchiveError.RECIPIENT_REQUIRED,
            "Hãy ghi người hoặc đoàn nhận đường link (ví dụ: Đoàn kiểm tra Sở GD&ĐT).",
            field="recipient",
        )
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise DomainError(
            ArchiveError.EXPIRY_OUT_OF_RANGE,
            f"Thời hạn phải từ {MIN_DAYS} đến {MAX_DAYS} ngày.",
            field="days",
        )
    export = folder = None
    if export_id is not None:
        export = policies.access_export(actor, export_id)
        if export.state != ExportState.DONE:
            raise DomainError(
                ArchiveError.EXPORT_NOT_READY, "Chỉ chia sẻ được bản lưu trữ đã tạo xong."
            )
    elif folder_id is not None:
        folder = policies.access_folder(actor, folder_id)
    else:
        raise DomainError(ArchiveError.FOLDER_NOT_FOUND, "Hãy chọn bản lưu trữ hoặc thư mục.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = ShareLink.objects.create(
            school=actor.school,
            token_hash=token_digest(token),
            token_hint=token[:6],
            export=export,
            folder=folder,
            recipient=recipient,
            created_by=actor.user,
            expires_at=clock.now() + timedelta(days=days),
        )
        audit_record(
            event_type="archive.share_created",
            actor=actor.user,
            school_id=actor.school_id,
            target=link,
            after={
                "recipient": recipient,
                "export": link.export_id,
                "folder": link.folder_id,
                "expires_at": link.expires_at.isoformat(),
                "token_hint": link.token_hint,
            },
        )
    return link, token


def share_link_revoke(*, actor: Actor, link_id: int) -> ShareLink:
    link = policies.access_share_link(actor, link_id)
    with transaction.atomic():
        link = ShareLink.objects.select_for_update().get(pk=link.pk)
        if link.revoked_at is not None:
            raise DomainError(ArchiveError.ALREADY_REVOKED, "Đường link này đã bị thu hồi.")
        link.revoked_at = clock.now()
        link.revoked_by = actor.user
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            event_type="archive.share_revoked",
            actor=actor.user,
            school_id=link.school_id,
            target=link,
            before={"revoked_at": None},
            after={"revoked_at": link.revoked_at.isoformat()},
        )
    return link


def share_link_open(*, token: str, what: str) -> ShareLink | None:
    """The valid link for ``token`` (None = unknown, expired or revoked; the caller answers 404).
    Every use of a known link is written to the audit trail with the client's IP (from the
    request context), refused ones included."""
    if not token or len(token) > 100:
        return None
    now = clock.now()
    with transaction.atomic():
        link = ShareLink.objects.select_for_update().filter(token_hash=token_digest(token)).first()
        if link is None:
            return None
        valid = link.is_valid(now)
        if valid:
            ShareLink.objects.filter(pk=link.pk).update(
                access_count=F("access_count") + 1, last_access_at=now
            )
        audit_record(
            event_type="archive.share_accessed" if valid else "archive.share_refused",
            school_id=link.school_id,
            target=link,
            after={
                "what": what[:200],
                "recipient": link.recipient,
                "reason": ""
                if valid
                else ("revoked" if link.revoked_at is not None else "expired"),
            },
        )
    return link if valid else None
