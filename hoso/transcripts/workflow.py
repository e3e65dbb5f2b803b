"""The transcript's state machine, pure (no database): which step moves which state where.

draft → homeroom_signed (GVCN ký) → checked (phó hiệu trưởng kiểm tra) → principal_signed
(hiệu trưởng ký duyệt) → issued (văn thư ký số của nhà trường; bất biến) → revoked (thu hồi).
The vice principal may send a signed transcript back to draft with a comment. A version not yet
issued whose data changed becomes superseded (a new version is drafted); an issued one is only
flagged, never changed.
"""

from __future__ import annotations

from enum import StrEnum

from hoso.transcripts.models import Transcript

S = Transcript.State


class Step(StrEnum):
    HOMEROOM_SIGN = "homeroom_sign"
    CHECK_APPROVE = "check_approve"
    CHECK_RETURN = "check_return"
    PRINCIPAL_SIGN = "principal_sign"
    ISSUE = "issue"
    REVOKE = "revoke"
    SUPERSEDE = "supersede"


TRANSITIONS: dict[Step, tuple[frozenset[str], str]] = {
    Step.HOMEROOM_SIGN: (frozenset({S.DRAFT}), S.HOMEROOM_SIGNED),
    Step.CHECK_APPROVE: (frozenset({S.HOMEROOM_SIGNED}), S.CHECKED),
    Step.CHECK_RETURN: (frozenset({S.HOMEROOM_SIGNED, S.CHECKED}), S.DRAFT),
    Step.PRINCIPAL_SIGN: (frozenset({S.CHECKED}), S.PRINCIPAL_SIGNED),
    Step.ISSUE: (frozenset({S.PRINCIPAL_SIGNED}), S.ISSUED),
    Step.REVOKE: (frozenset({S.ISSUED}), S.REVOKED),
    Step.SUPERSEDE: (
        frozenset({S.DRAFT, S.HOMEROOM_SIGNED, S.CHECKED, S.PRINCIPAL_SIGNED}),
        S.SUPERSEDED,
    ),
}

STEP_LABELS = {
    Step.HOMEROOM_SIGN: "Giáo viên chủ nhiệm ký",
    Step.CHECK_APPROVE: "Phó hiệu trưởng kiểm tra, đồng ý",
    Step.CHECK_RETURN: "Phó hiệu trưởng trả lại",
    Step.PRINCIPAL_SIGN: "Hiệu trưởng ký duyệt",
    Step.ISSUE: "Văn thư ký số của nhà trường và cấp",
    Step.REVOKE: "Thu hồi",
    Step.SUPERSEDE: "Thay thế do dữ liệu thay đổi",
}


def allowed(step: Step, state: str) -> bool:
    return state in TRANSITIONS[step][0]


def target(step: Step, state: str) -> str | None:
    """The state after ``step`` from ``state``, or None when the step is not allowed."""
    sources, to = TRANSITIONS[step]
    return to if state in sources else None


def signers_to_ask_again(state: str) -> list[str]:
    """Who had already signed or checked a version in ``state``: they must act again on the new
    version ("homeroom", "vice_principal", "principal"), in signing order."""
    done = {
        S.DRAFT: [],
        S.HOMEROOM_SIGNED: ["homeroom"],
        S.CHECKED: ["homeroom", "vice_principal"],
        S.PRINCIPAL_SIGNED: ["homeroom", "vice_principal", "principal"],
    }
    return list(done.get(state, []))
