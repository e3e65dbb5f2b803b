from enum import StrEnum


class PrivacyError(StrEnum):
    NO_NOTICE = "NO_NOTICE"  # no published notice: nobody can consent yet
    PUBLISHED = "PUBLISHED"  # a published notice never changes (a change is a new version)
    EMPTY_NOTICE = "EMPTY_NOTICE"
    BAD_PURPOSE = "BAD_PURPOSE"
    CHILD_REQUIRED = "CHILD_REQUIRED"  # publication is about one child
    CHILD_AGREEMENT = "CHILD_AGREEMENT"  # a child aged 7 or more must agree too
    NO_ACCOUNT = "NO_ACCOUNT"  # a paper consent for a guardian without an account
    NO_CONSENT = "NO_CONSENT"  # nothing live to withdraw
    BAD_REQUEST = "BAD_REQUEST"  # a data request missing what it is about
    BAD_STATE = "BAD_STATE"  # a request moved where its state does not go
    REASON_REQUIRED = "REASON_REQUIRED"
    BAD_SETTING = "BAD_SETTING"
