"""Navigation entries of this package: (url name, Vietnamese label) the actor may see."""

from __future__ import annotations


def nav_entries(actor) -> list[tuple[str, str]]:
    from hoso.graduation.policies import can_use

    if can_use(actor):
        return [("graduation:index", "Hoàn thành, tốt nghiệp")]
    return []
