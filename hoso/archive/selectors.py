"""Reads of the archive: what goes into an export, retention periods, exports and links."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.utils import timezone

from hoso.archive.builder import ArchiveItem
from hoso.records.models import Folder, RecordType, Submission

PERMANENT = "Vĩnh viễn"


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def retention_until(year, retention_years: int | None) -> date | None:
    """The last day a record of ``year`` must be kept: the year's end + the period (None =
    permanently). Counted from the end of the school year the record belongs to."""
    if retention_years is None:
        return None
    return add_years(year.end_date, retention_years)


def retention_text(year, retention_years: int | None) -> str:
    until = retention_until(year, retention_years)
    return PERMANENT if until is None else until.strftime("%d/%m/%Y")


def retention_rows(school, year) -> list[dict]:
    """Each record type with its retention period and the date until which this year's records
    of that type must be kept."""
    rows = []
    for rt in RecordType.objects.filter(school=school).order_by("order", "name"):
        rows.append(
            {
                "type": rt,
                "period": PERMANENT if rt.is_permanent else f"{rt.retention_years} năm",
                "until": retention_until(year, rt.retention_years),
                "is_active": rt.is_active,
            }
        )
    return rows


def folder_subtree_ids(folder: Folder) -> list[int]:
    """The folder and every folder below it (one query per level; trees are 4 levels deep)."""
    ids = [folder.pk]
    level = [folder.pk]
    while level:
        level = list(Folder.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        ids.extend(level)
    return ids


def export_submissions(*, school, year, folder=None):
    """Every file version of the year (or of the folder subtree), in archive order."""
    qs = Submission.objects.filter(obligation__school=school, obligation__year=year)
    if folder is not None:
        qs = qs.filter(obligation__folder_id__in=folder_subtree_ids(folder))
    return (
        qs.select_related(
            "obligation__record_type",
            "obligation__owner_staff",
            "obligation__owner_department",
            "uploaded_by",
        )
        .defer("text", "text_folded")
        .order_by(
            "obligation__owner_kind",
            "obligation__owner_staff_id",
            "obligation__owner_department_id",
            "obligation__record_type_id",
            "obligation__due_at",
            "obligation_id",
            "version",
        )
    )


def owner_name(obligation) -> str:
    if obligation.owner_staff_id:
        staff = obligation.owner_staff
        return f"{staff.full_name} ({staff.code})"
    if obligation.owner_department_id:
        return obligation.owner_department.name
    return "Nhà trường"


def archive_items(submissions, *, year) -> Iterator[ArchiveItem]:
    for sub in submissions.iterator(chunk_size=500):
        ob = sub.obligation
        rt = ob.record_type
        uploaded = timezone.localtime(sub.uploaded_at)
        yield ArchiveItem(
            segments=[year.name, owner_name(ob), rt.name, ob.period_label or ob.period_key],
            filename=sub.original_name,
            version=sub.version,
            opener=(lambda f=sub.file: f.storage.open(f.name, "rb")),
            expected_sha256=sub.sha256,
            modified=sub.uploaded_at,
            meta={
                "owner": owner_name(ob),
                "record_type": rt.name,
                "period": ob.period_label,
                "uploaded_by": sub.uploaded_by.get_full_name() if sub.uploaded_by_id else "",
                "uploaded_at": uploaded.isoformat(timespec="seconds"),
                "state": ob.get_state_display(),
                "retention_until": retention_text(year, rt.retention_years),
            },
        )
