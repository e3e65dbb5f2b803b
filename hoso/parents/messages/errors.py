"""Error codes of the contact book's news and messages (asserted by tests); messages are Vietnamese."""

from enum import StrEnum


class MessagesError(StrEnum):
    NOT_ALLOWED = "NOT_ALLOWED"  # the actor may not send this (scope, role)
    EMPTY = "EMPTY"  # a title, a body or a message is missing
    TOO_LONG = "TOO_LONG"
    NO_RECIPIENTS = "NO_RECIPIENTS"  # nobody with an account is addressed
    ALREADY_SENT = "ALREADY_SENT"  # a weekly news is sent once
    BAD_WEEK = "BAD_WEEK"  # the week is outside the school year
    BAD_SCOPE = "BAD_SCOPE"
    BAD_CONTACT = "BAD_CONTACT"  # not one of the child's teachers or leaders / not a parent of
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    FILE_TYPE = "FILE_TYPE"
    EMPTY_FILE = "EMPTY_FILE"
    BAD_DATE = "BAD_DATE"
    BAD_ANSWER = "BAD_ANSWER"
