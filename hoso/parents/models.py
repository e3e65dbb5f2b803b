"""The contact book's models, one module per room (``child/models.py``, ``messages/models.py``);
this module is the app's index that Django loads, so every model is importable from here too."""

from hoso.parents.messages.models import (  # noqa: F401
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
