"""Where each student goes at the year rollover, from the approved results: pure, no database.

The approved year result decides (REGULATIONS §1.8, §2.6; WAVE2 §2.6):
- secondary (TT22/TT43): "Lên lớp" → the next grade, "Ở lại lớp" → the same grade; a student
  waiting for a re-test or summer training waits (a second pass moves it once the results after
  the summer are approved); the results after the summer, when approved, override the year's;
- primary (TT27): "Hoàn thành chương trình lớp học" → the next grade, otherwise the same grade;
- promoted from the school's last grade: the student completes the level and leaves the school
  (it stays in the enrolment register; graduation is recognised separately);
- nothing is decided without approved results: such a student is "not ready" and blocks the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    PROMOTED = "promoted"
    REPEATING = "repeating"
    COMPLETED = "completed"
    PENDING = "pending"  # waits for a re-test or summer training: moved in a second pass
    NOT_READY = "not_ready"  # no approved result: blocks the rollover


OUTCOME_LABELS = {
    Outcome.PROMOTED: "Lên lớp",
    Outcome.REPEATING: "Ở lại lớp",
    Outcome.COMPLETED: "Hoàn thành chương trình, ra trường",
    Outcome.PENDING: "Chờ kiểm tra lại / rèn luyện hè",
    Outcome.NOT_READY: "Chưa có kết quả được phê duyệt",
}

PENDING_DECISIONS = frozenset({"KIEM_TRA_LAI", "REN_LUYEN_HE", "REN_LUYEN_HE_VA_KIEM_TRA_LAI"})


@dataclass(frozen=True)
class Placement:
    outcome: Outcome
    target_grade: int | None  # None: leaves the school or waits
    reason: str


def place(
    *,
    grade: int,
    last_grade: int,
    year_result: dict | None,
    final_result: dict | None = None,
) -> Placement:
    """Where a student of ``grade`` goes. ``year_result`` / ``final_result``: the stored data of
    the APPROVED year result and of the approved results after the summer (None when there is
    no approved result of that period)."""
    if final_result is not None and final_result.get("final_decision") in ("LEN_LOP", "O_LAI_LOP"):
        return _by_decision(final_result["final_decision"], grade, last_grade, after_summer=True)
    if year_result is None:
        return Placement(
            Outcome.NOT_READY, None, "Kết quả cả năm của lớp chưa được hiệu trưởng phê duyệt."
        )
    if "completed" in year_result:  # primary (TT27): completed the grade's programme or not
        completed = year_result.get("completed")
        if completed is True:
            return _by_decision("LEN_LOP", grade, last_grade, after_summer=False)
        if completed is False:
            return _by_decision("O_LAI_LOP", grade, last_grade, after_summer=False)
        return Placement(Outcome.NOT_READY, None, "Chưa xác định hoàn thành chương trình lớp học.")
    decision = year_result.get("decision")
    if decision in ("LEN_LOP", "O_LAI_LOP"):
        return _by_decision(decision, grade, last_grade, after_summer=False)
    if decision in PENDING_DECISIONS:
        return Placement(
            Outcome.PENDING,
            None,
            "Chờ kết quả kiểm tra lại hoặc rèn luyện trong hè (chuyển ở lần sau).",
        )
    return Placement(Outcome.NOT_READY, None, "Chưa có quyết định lên lớp hoặc ở lại lớp.")


def _by_decision(decision: str, grade: int, last_grade: int, *, after_summer: bool) -> Placement:
    suffix = " (sau kiểm tra lại, rèn luyện hè)" if after_summer else ""
    if decision == "O_LAI_LOP":
        return Placement(Outcome.REPEATING, grade, f"Ở lại lớp {grade}{suffix}.")
    if grade >= last_grade:
        return Placement(
            Outcome.COMPLETED, None, f"Hoàn thành chương trình lớp {grade}{suffix}, ra trường."
        )
    return Placement(Outcome.PROMOTED, grade + 1, f"Lên lớp {grade + 1}{suffix}.")
