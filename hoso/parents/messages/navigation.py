"""Navigation entry of the contact book's news and messages: (url name, Vietnamese label)."""

from __future__ import annotations


def nav_entries(actor) -> list[tuple[str, str]]:
    from hoso.parents.messages import policies

    if actor.child_ids or policies.is_staff_party(actor) or policies.is_school_sender(actor):
        return [("parents:messages_home", "Tin tức và tin nhắn")]
    return []
