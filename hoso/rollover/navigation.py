"""Navigation entries of this package: (url name, Vietnamese label) the actor may see."""

from __future__ import annotations


def nav_entries(actor) -> list[tuple[str, str]]:
    from hoso.accounts.policies import Perm, can

    if can(actor, Perm.ROLL_OVER):
        return [("rollover:index", "Chuyển năm học")]
    return []
