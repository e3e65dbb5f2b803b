"""Navigation entries of this package: (url name, Vietnamese label) the actor may see."""

from __future__ import annotations


def nav_entries(actor) -> list[tuple[str, str]]:
    from hoso.archive.policies import can_manage_archive

    if can_manage_archive(actor):
        return [("archive:index", "Lưu trữ")]
    return []
