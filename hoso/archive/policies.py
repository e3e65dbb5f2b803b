"""Who may export the archive and share it (seed 001 Đ14.4–5: the office team extracts the
records at year end and gives the link to inspectors; leaders may too).

``access_*`` fetch and check at once: another school's object answers 404 like an absent one.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from hoso.accounts.actor import Actor
from hoso.accounts.policies import log_denied, not_found
from hoso.accounts.roles import Role

ARCHIVISTS = frozenset({Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.CLERK, Role.OFFICE_HEAD})


def can_manage_archive(actor: Actor) -> bool:
    return actor.school is not None and actor.year is not None and bool(actor.roles & ARCHIVISTS)


def require_archivist(actor: Actor, *, what: str = "") -> None:
    if not can_manage_archive(actor):
        log_denied(actor, kind="forbidden", what=f"archive {what}".strip())
        raise PermissionDenied("Bạn không có quyền quản lý lưu trữ hồ sơ.")


def access_export(actor: Actor, export_id: int):
    from hoso.archive.models import ArchiveExport

    require_archivist(actor, what=f"export #{export_id}")
    export = (
        ArchiveExport.objects.filter(pk=export_id, school=actor.school)
        .select_related("year", "folder", "requested_by")
        .first()
    )
    if export is None:
        raise not_found(actor, f"bản lưu trữ #{export_id}")
    return export


def access_share_link(actor: Actor, link_id: int):
    from hoso.archive.models import ShareLink

    require_archivist(actor, what=f"share link #{link_id}")
    link = ShareLink.objects.filter(pk=link_id, school=actor.school).first()
    if link is None:
        raise not_found(actor, f"đường link chia sẻ #{link_id}")
    return link


def access_folder(actor: Actor, folder_id: int):
    from hoso.records.models import Folder

    require_archivist(actor, what=f"folder #{folder_id}")
    folder = Folder.objects.filter(pk=folder_id, school=actor.school).select_related("year").first()
    if folder is None:
        raise not_found(actor, f"thư mục #{folder_id}")
    return folder
