from enum import StrEnum


class AccountError(StrEnum):
    WRONG_PASSWORD = "WRONG_PASSWORD"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    NOT_IN_SCHOOL = "NOT_IN_SCHOOL"
    SELF_DISABLE = "SELF_DISABLE"
    ALREADY_HAS_ACCOUNT = "ALREADY_HAS_ACCOUNT"
    USERNAME_TAKEN = "USERNAME_TAKEN"
    BAD_POSITION = "BAD_POSITION"
    BAD_DELEGATION = "BAD_DELEGATION"
    BAD_USERNAME = "BAD_USERNAME"
    LEADER_ACCOUNT = "LEADER_ACCOUNT"  # a leader's account is handled by the principal only
    TWO_FACTOR = "TWO_FACTOR"  # turning the second step on or off, a wrong code
    RESET_LINK = "RESET_LINK"  # an e-mailed password reset link expired, used or wrong
    INVITE_CODE = "INVITE_CODE"  # a parent's slip code unknown, expired, used or revoked
    INVITE_THROTTLED = "INVITE_THROTTLED"  # too many wrong codes from one address
    BAD_PHONE = "BAD_PHONE"  # not a Vietnamese mobile number
    PHONE_TAKEN = "PHONE_TAKEN"  # another active parent account signs in with this number
    NOT_YOUR_CLASS = "NOT_YOUR_CLASS"  # a homeroom teacher and a guardian of another class
