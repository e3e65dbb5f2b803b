"""Builders of records data for the tests and the benchmark of the board, search and archive.

They write rows directly (no workflow, no audit): the records workflow has its own tests; these
only need obligations in given states and files with known bytes.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import zipfile
from datetime import datetime, timedelta

from django.core.files.base import ContentFile

from hoso.core import clock
from hoso.core.text import fold
from hoso.records.models import (
    Folder,
    Obligation,
    ObligationState,
    OwnerKind,
    RecordType,
    ScheduleKind,
    Submission,
)

_seq = itertools.count(1)


def make_record_type(
    school,
    name: str = "Kế hoạch bài dạy",
    *,
    code: str = "",
    owner_kind: str = OwnerKind.TEACHER,
    schedule_kind: str = ScheduleKind.WEEKLY,
    retention_years: int | None = 5,
    chain=None,
) -> RecordType:
    return RecordType.objects.create(
        school=school,
        code=code or f"rt-{next(_seq)}",
        name=name,
        owner_kind=owner_kind,
        schedule_kind=schedule_kind,
        schedule={},
        chain=list(chain or ["department_head"]),
        retention_years=retention_years,
    )


def folder_for(year, *, record_type, owner_staff=None, owner_department=None, period_key="P"):
    """year root → owner → type → period, created on demand."""
    root, _ = Folder.objects.get_or_create(
        year=year, key=f"root:{year.pk}", defaults={"school": year.school, "name": year.name}
    )
    if owner_staff is not None:
        owner_key, owner_name = f"staff:{owner_staff.pk}", owner_staff.full_name
    elif owner_department is not None:
        owner_key, owner_name = f"dept:{owner_department.pk}", owner_department.name
    else:
        owner_key, owner_name = "school", "Nhà trường"
    owner, _ = Folder.objects.get_or_create(
        year=year,
        key=owner_key,
        defaults={
            "school": year.school,
            "name": owner_name,
            "parent": root,
            "owner_staff": owner_staff,
            "owner_department": owner_department,
        },
    )
    kind, _ = Folder.objects.get_or_create(
        year=year,
        key=f"{owner_key}:{record_type.pk}",
        defaults={
            "school": year.school,
            "name": record_type.name,
            "parent": owner,
            "record_type": record_type,
        },
    )
    period, _ = Folder.objects.get_or_create(
        year=year,
        key=f"{owner_key}:{record_type.pk}:{period_key}",
        defaults={
            "school": year.school,
            "name": period_key,
            "parent": kind,
            "record_type": record_type,
            "period_key": period_key,
        },
    )
    return period


def make_obligation(
    year,
    record_type,
    *,
    owner_staff=None,
    owner_department=None,
    due_at: datetime,
    period_key: str = "",
    period_label: str = "",
    first_submitted_at: datetime | None = None,
    state: str = "",
    returned_count: int = 0,
    is_active: bool = True,
    folder=None,
) -> Obligation:
    period_key = period_key or f"K{next(_seq)}"
    folder = folder or folder_for(
        year,
        record_type=record_type,
        owner_staff=owner_staff,
        owner_department=owner_department,
        period_key=period_key,
    )
    if not state:
        state = ObligationState.SUBMITTED if first_submitted_at else ObligationState.PENDING
    return Obligation.objects.create(
        school=year.school,
        year=year,
        record_type=record_type,
        folder=folder,
        owner_kind=record_type.owner_kind,
        owner_staff=owner_staff,
        owner_department=owner_department,
        period_key=period_key,
        period_label=period_label or period_key,
        due_at=due_at,
        state=state,
        first_submitted_at=first_submitted_at,
        submitted_at=first_submitted_at,
        approved_at=first_submitted_at if state == ObligationState.APPROVED else None,
        returned_count=returned_count,
        is_active=is_active,
    )


def make_submission(
    obligation, *, user, content: bytes, name: str = "tep.pdf", content_type: str = "", version=0
) -> Submission:
    version = version or (obligation.submissions.count() + 1)
    sub = Submission(
        obligation=obligation,
        version=version,
        original_name=name,
        content_type=content_type or "application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
        uploaded_at=clock.now(),
    )
    sub.file.save(name, ContentFile(content), save=False)
    sub.save()
    return sub


def docx_bytes(*paragraphs: str) -> bytes:
    """A minimal DOCX holding ``paragraphs`` (enough for Word and for textextract)."""
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{_xml(p)}</w:t></w:r></w:p>' for p in paragraphs
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{ns}"><w:body>{body}</w:body></w:document>'
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", document)
    return out.getvalue()


def pdf_bytes(*lines: str) -> bytes:
    """A one-page PDF with ``lines`` as real text, rendered by typst with a Vietnamese font."""
    import typst

    body = "\n\n".join(_typst_escape(line) for line in lines)
    source = f'#set page(width: 148mm, height: 105mm)\n#set text(font: "Noto Serif")\n{body}\n'
    return typst.compile(
        source.encode("utf-8"),
        font_paths=["/usr/share/fonts/truetype/noto"],
        ignore_system_fonts=True,
    )


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _typst_escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in '\\#*_`$<>@[]"=-+/~':
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def folded(text: str) -> str:
    return fold(text)


def week_due(start: datetime, weeks: int) -> datetime:
    return start + timedelta(weeks=weeks)
