"""Navigation entries of this package: (url name, Vietnamese label) the actor may see."""

from __future__ import annotations


def nav_entries(actor) -> list[tuple[str, str]]:
    from hoso.transfers.policies import can_view

    if can_view(actor):
        return [("transfers:index", "Chuyển trường")]
    return []
