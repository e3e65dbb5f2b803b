"""Navigation entries of the assignment editor: (url name, Vietnamese label)."""

from __future__ import annotations

from hoso.organisation.assignments.policies import can_view_assignments


def nav_entries(actor) -> list[tuple[str, str]]:
    if can_view_assignments(actor):
        return [("organisation:assignments", "Phân công chuyên môn")]
    return []
