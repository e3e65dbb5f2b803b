"""Navigation entries of this package: (url name, Vietnamese label) the actor may see."""

from __future__ import annotations

from hoso.accounts.roles import Role


def nav_entries(actor) -> list[tuple[str, str]]:
    if actor.school is None:
        return []
    items: list[tuple[str, str]] = []
    if actor.staff is not None:
        items.append(("records:mine", "Hồ sơ của tôi"))
    if actor.has(
        Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.DEPARTMENT_HEAD, Role.OFFICE_HEAD
    ) and actor.can_write("records"):
        items.append(("records:inbox", "Hồ sơ chờ duyệt"))
    from hoso.records.checklist import can_see_checklist

    if can_see_checklist(actor):
        items.append(("records:checklist", "Kế hoạch bài dạy chờ kiểm tra"))
    if actor.staff is not None or actor.has(Role.INSPECTOR):
        items.append(("records:folders", "Thư mục hồ sơ"))
    # The compliance board and search (hoso/records/board.py, search.py) decide their scope.
    from hoso.records.board import can_view_board
    from hoso.records.search import can_search

    if can_view_board(actor):
        items.append(("records:board", "Theo dõi nộp hồ sơ"))
    if can_search(actor):
        items.append(("records:search", "Tìm hồ sơ"))
    if actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL):
        items.append(("records:types", "Danh mục hồ sơ"))
    return items
