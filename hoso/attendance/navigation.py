"""Navigation entries of this package: (url name, Vietnamese label) the actor may see."""

from __future__ import annotations


def nav_entries(actor) -> list[tuple[str, str]]:
    from hoso.attendance import policies

    entries: list[tuple[str, str]] = []
    if actor.homeroom_class_ids or actor.taught or actor.has(*policies.READERS):
        entries.append(("attendance:index", "Điểm danh"))
    elif actor.child_ids:
        entries.append(("attendance:index", "Điểm danh của con"))
    if actor.child_ids or actor.homeroom_class_ids:
        entries.append(("attendance:leave_list", "Đơn xin phép"))
    if policies.can_view_requests(actor):
        entries.append(("attendance:requests", "Đề nghị sửa điểm danh"))
    if policies.can_manage_settings(actor):
        entries.append(("attendance:settings", "Thiết lập điểm danh"))
    return entries
