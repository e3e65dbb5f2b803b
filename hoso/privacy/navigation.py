"""Navigation entries of this package: (url name, Vietnamese label) the actor may see."""

from __future__ import annotations


def nav_entries(actor) -> list[tuple[str, str]]:
    from hoso.privacy import policies

    entries: list[tuple[str, str]] = []
    if policies.is_guardian(actor):
        entries.append(("privacy:mine", "Dữ liệu cá nhân"))
    if policies.can_write_notice(actor) or policies.can_handle_requests(actor):
        entries.append(("privacy:notice", "Thông báo dữ liệu cá nhân"))
    if policies.can_handle_requests(actor):
        entries.append(("privacy:requests", "Yêu cầu về dữ liệu"))
    if policies.can_record_paper(actor):
        entries.append(("privacy:paper", "Phiếu đồng ý giấy"))
    return entries
