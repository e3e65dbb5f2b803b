"""The obligation life cycle, as pure functions (no database access).

States: PENDING (nothing uploaded) → DRAFT (a version uploaded, not yet submitted) → SUBMITTED
(awaiting chain[current_step]) → … each approval advances current_step … → APPROVED; an approver
may RETURN it with a comment (→ RETURNED, current_step back to 0); the owner uploads a corrected
version and resubmits. The owner may WITHDRAW a submission nobody has approved yet (→ DRAFT).

Timeliness (on time / late / missing / not due) is defined once, in ``timeliness.py``.
"""

from __future__ import annotations

from hoso.records.models import ObligationState, OwnerKind

S = ObligationState

UPLOAD_STATES = frozenset({S.PENDING, S.DRAFT, S.RETURNED})
SUBMIT_STATES = frozenset({S.DRAFT, S.RETURNED})
DECIDE_STATES = frozenset({S.SUBMITTED})

APPROVER_ROLES = {
    "department_head": "Tổ trưởng chuyên môn",
    "office_head": "Tổ trưởng tổ văn phòng",
    "vice_principal": "Phó hiệu trưởng",
    "principal": "Hiệu trưởng",
}


def chain_label(chain: list[str]) -> str:
    if not chain:
        return "Lưu trực tiếp (không cần duyệt)"
    return " → ".join(APPROVER_ROLES.get(code, code) for code in chain)


def effective_chain(
    chain: list[str],
    *,
    owner_kind: str,
    owner_is_department_head: bool,
    owner_has_department: bool,
    submitter_is_vice_principal: bool,
    submitter_is_principal: bool,
) -> list[str]:
    """The chain a submission actually follows: a step whose only approver would be the person
    submitting (a department head's own lesson plans, the principal's own school plan) is
    replaced by the next authority up, so nobody approves their own submission.

    - department_head/office_head: the owner heads that team, belongs to none, or its team has no
      head → vice principal.
    - vice_principal: submitted by a vice principal → principal.
    - principal: submitted by the principal → dropped (the record is filed as approved).
    """
    out: list[str] = []
    for code in chain:
        if code in ("department_head", "office_head"):
            team_owned = owner_kind in (OwnerKind.DEPARTMENT, OwnerKind.OFFICE_TEAM)
            if team_owned or owner_is_department_head or not owner_has_department:
                code = "vice_principal"
        if code == "vice_principal" and submitter_is_vice_principal:
            code = "principal"
        if code == "principal" and submitter_is_principal:
            continue
        if code not in out:
            out.append(code)
    return out


def next_state_after_approval(current_step: int, chain: list[str]) -> tuple[str, int, str]:
    """(state, current_step, awaiting_role) after the approval of ``current_step``."""
    step = current_step + 1
    if step >= len(chain):
        return S.APPROVED, step, ""
    return S.SUBMITTED, step, chain[step]
