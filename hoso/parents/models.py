"""The contact book's models, one module per room (``child/models.py``, ``messages/models.py``);
this module is the app's index that Django loads, so every model is importable from here too."""

from hoso.parents.child.models import PublicationSettings
from hoso.parents.messages.models import (
    LetterReceipt,
    Meeting,
    MeetingReply,
    Message,
    Notice,
    NoticeReceipt,
    Thread,
    WeeklyLetter,
    WeeklyNews,
)

__all__ = [
    "LetterReceipt",
    "Meeting",
    "MeetingReply",
    "Message",
    "Notice",
    "NoticeReceipt",
    "PublicationSettings",
    "Thread",
    "WeeklyLetter",
    "WeeklyNews",
]
