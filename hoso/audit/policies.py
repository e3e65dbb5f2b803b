"""Who may see the audit trail and its anchors."""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.policies import Perm, can
from hoso.accounts.roles import Role


def can_view_anchors(actor: Actor) -> bool:
    """The school's anchors (mốc neo) go to its leaders and administrator, and to the superior
    body's inspectors while their grant runs: they are what an inspector compares with."""
    return actor.school is not None and (can(actor, Perm.VIEW_AUDIT) or actor.has(Role.INSPECTOR))
