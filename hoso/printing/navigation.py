"""Navigation entries of this package: (url name, Vietnamese label) the actor may see."""

from __future__ import annotations


def nav_entries(actor) -> list[tuple[str, str]]:
    from hoso.printing.policies import can_print_anything

    if actor is None or getattr(actor, "school", None) is None:
        return []
    return [("printing:index", "In ấn")] if can_print_anything(actor) else []
