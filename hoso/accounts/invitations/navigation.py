"""Navigation entries of this room: (url name, Vietnamese label) the actor may see."""

from __future__ import annotations


def nav_entries(actor) -> list[tuple[str, str]]:
    from hoso.accounts.invitations.policies import can_invite

    return [("accounts:parent_invitations", "Phiếu mời phụ huynh")] if can_invite(actor) else []
