"""The set-up's steps and the principal's confirmation, as pure rules.

Who decides (docs/SETUP.md): the administrator or a vice principal **prepares** every step; the
principal **confirms** the year's part of the school's education plan (SPEC §4): the calendar and
holidays, the classes, the subject catalogue with its periods, the departments and their heads,
and the rule set of each grade. The school profile is the school's identity, not part of the plan:
it needs no confirmation. After the confirmation, a change by the principal keeps the year
confirmed (the principal decided it); a change by anyone else sends the year back to "waiting
for confirmation" — both are in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Step(StrEnum):
    SCHOOL = "school"
    YEAR = "year"
    CLASSES = "classes"
    SUBJECTS = "subjects"
    DEPARTMENTS = "departments"
    RULESETS = "rulesets"


STEP_TITLES = {
    Step.SCHOOL: "Thông tin trường",
    Step.YEAR: "Năm học, học kỳ và ngày nghỉ",
    Step.CLASSES: "Khối và lớp",
    Step.SUBJECTS: "Môn học theo khối",
    Step.DEPARTMENTS: "Tổ chuyên môn và tổ văn phòng",
    Step.RULESETS: "Bộ quy tắc đánh giá theo khối",
}

#: The steps the principal's confirmation covers (the year's part of the education plan).
CONFIRMED_STEPS = (Step.YEAR, Step.CLASSES, Step.SUBJECTS, Step.DEPARTMENTS, Step.RULESETS)


class Confirmation(StrEnum):
    INCOMPLETE = "incomplete"  # steps still to do
    WAITING = "waiting"  # every step done, the principal has not confirmed
    CONFIRMED = "confirmed"


CONFIRMATION_LABELS = {
    Confirmation.INCOMPLETE: "Đang thiết lập",
    Confirmation.WAITING: "Chờ hiệu trưởng xác nhận",
    Confirmation.CONFIRMED: "Hiệu trưởng đã xác nhận",
}


@dataclass(frozen=True)
class StepState:
    step: Step
    done: bool
    lines: tuple[str, ...] = ()  # what is there, what is missing

    @property
    def title(self) -> str:
        return STEP_TITLES[self.step]


def confirmation(states: list[StepState], *, confirmed: bool) -> Confirmation:
    if confirmed:
        return Confirmation.CONFIRMED
    if all(s.done for s in states):
        return Confirmation.WAITING
    return Confirmation.INCOMPLETE


def missing_steps(states: list[StepState]) -> list[Step]:
    return [s.step for s in states if not s.done]


def keeps_confirmation(*, by_principal: bool) -> bool:
    """A change after the confirmation keeps it only when the principal made it."""
    return by_principal
