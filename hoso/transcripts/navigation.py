"""Navigation entries of this package: (url name, Vietnamese label) the actor may see."""

from __future__ import annotations


def nav_entries(actor) -> list[tuple[str, str]]:
    from hoso.transcripts.policies import can_use

    if can_use(actor):
        return [("transcripts:index", "Học bạ số")]
    return []
