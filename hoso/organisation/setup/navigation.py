"""Navigation entry of the set-up: (url name, Vietnamese label) when the actor may see it."""

from __future__ import annotations

from hoso.organisation.setup.policies import can_view


def nav_entries(actor) -> list[tuple[str, str]]:
    return [("organisation:setup:index", "Thiết lập trường")] if can_view(actor) else []
