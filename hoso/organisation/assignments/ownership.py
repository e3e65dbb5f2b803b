"""What a teacher has already done in a column or a class, as told by the domains that keep it.

The assignment actions never rewrite a row whose teacher has entered, finalised or confirmed
something there (nothing already entered changes owner silently). They do not import the grade
book to know it (organisation sits below it): the grade book registers its checks at start-up
(``GradebookConfig.ready``), and any later domain can do the same.

A check answers a short Vietnamese description of the work found ("điểm đã nhập"), or "".
"""

from __future__ import annotations

from collections.abc import Callable

TeachingCheck = Callable[..., str]  # (school_class=, subject=, term=, user=) -> str
HomeroomCheck = Callable[..., str]  # (school_class=, user=) -> str

_teaching: list[TeachingCheck] = []
_homeroom: list[HomeroomCheck] = []


def register_teaching_check(check: TeachingCheck) -> None:
    if check not in _teaching:
        _teaching.append(check)


def register_homeroom_check(check: HomeroomCheck) -> None:
    if check not in _homeroom:
        _homeroom.append(check)


def teaching_work(*, school_class, subject, term, user) -> list[str]:
    if user is None:
        return []
    found = (
        check(school_class=school_class, subject=subject, term=term, user=user)
        for check in _teaching
    )
    return [f for f in found if f]


def homeroom_work(*, school_class, user) -> list[str]:
    if user is None:
        return []
    found = (check(school_class=school_class, user=user) for check in _homeroom)
    return [f for f in found if f]
