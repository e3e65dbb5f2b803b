"""Navigation entries of the child's page room: (url name, Vietnamese label) the actor may see."""

from __future__ import annotations


def nav_entries(actor) -> list[tuple[str, str]]:
    from hoso.parents.child import policies

    entries: list[tuple[str, str]] = []
    if policies.has_children(actor):
        entries.append(("parents:children", "Sổ liên lạc"))
    if policies.can_edit_publication(actor):
        entries.append(("parents:publication", "Công bố kết quả cho cha mẹ"))
    return entries
