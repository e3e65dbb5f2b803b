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
