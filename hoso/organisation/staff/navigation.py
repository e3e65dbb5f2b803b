"""Navigation entries of the staff register: (url name, Vietnamese label) the actor may see."""

from __future__ import annotations


def nav_entries(actor) -> list[tuple[str, str]]:
    from hoso.organisation.staff.policies import (
        can_keep_editions,
        can_print_register,
        can_view_register,
    )

    out = []
    if can_view_register(actor):
        out.append(("organisation:staff", "Cán bộ"))
    if can_keep_editions(actor) or can_print_register(actor):
        out.append(("organisation:staff_editions", "Sổ cán bộ"))
    return out
