"""Navigation entries of the document register: (url name, Vietnamese label) the actor may see."""

from __future__ import annotations

from hoso.correspondence import policies


def nav_entries(actor) -> list[tuple[str, str]]:
    if actor.school is None:
        return []
    items: list[tuple[str, str]] = []
    if policies.can_open_register(actor):
        items.append(("correspondence:outgoing", "Văn bản đi"))
        items.append(("correspondence:incoming", "Văn bản đến"))
    elif actor.staff is not None:
        items.append(("correspondence:incoming", "Văn bản đến của tôi"))
    if policies.can_see_overdue_board(actor):
        items.append(("correspondence:overdue", "Văn bản quá hạn"))
    return items
