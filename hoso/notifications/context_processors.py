"""``unread_notifications`` for the top bar: counted only when a template uses it."""

from __future__ import annotations


class _UnreadCount:
    """Called by the template engine on first use; one COUNT query per request at most."""

    def __init__(self, request):
        self.request = request
        self.value: int | None = None

    def __call__(self) -> int:
        if self.value is None:
            from hoso.notifications.selectors import unread_count

            actor = getattr(self.request, "actor", None)
            self.value = unread_count(actor) if actor is not None else 0
        return self.value


def unread_notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": _UnreadCount(request)}
