from enum import StrEnum


class DemoError(StrEnum):
    USERNAME_TAKEN = "USERNAME_TAKEN"
