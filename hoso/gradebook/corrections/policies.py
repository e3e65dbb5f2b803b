"""Who sees a correction request (đơn sửa điểm) and its evidence: its parties (the requesting
teacher, the deciding principal, the witness, the homeroom teacher) and the school's leaders;
anybody else gets 404 (logged), the same as for an absent request. Who may file, decide and
confirm is checked by the actions in ``actions.py`` with the protection rules of ``protection``."""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.accounts.roles import LEADERS, Role
from hoso.gradebook.corrections.models import CorrectionEvidence, CorrectionRequest
from hoso.gradebook.corrections.selectors import school_requests


def is_party(actor: Actor, correction: CorrectionRequest) -> bool:
    uid = getattr(actor.user, "pk", None)
    return uid is not None and uid in (
        correction.requested_by_id,
        correction.decided_by_id,
        correction.witness_id,
        correction.homeroom_id,
    )


def can_see_correction(actor: Actor, correction: CorrectionRequest) -> bool:
    if correction.school_id != actor.school_id:
        return False
    return is_party(actor, correction) or bool(actor.roles & (LEADERS | {Role.PRINCIPAL}))


def access_correction(actor: Actor, correction_id: int) -> CorrectionRequest:
    correction = school_requests(actor).filter(pk=correction_id).first()
    if correction is None or not can_see_correction(actor, correction):
        raise not_found(actor, f"đơn sửa điểm #{correction_id}")
    return correction


def access_evidence(actor: Actor, evidence_id: int) -> CorrectionEvidence:
    evidence = (
        CorrectionEvidence.objects.filter(pk=evidence_id, request__school=actor.school_id)
        .select_related("request")
        .first()
    )
    if evidence is None or not can_see_correction(actor, evidence.request):
        raise not_found(actor, f"minh chứng sửa điểm #{evidence_id}")
    return evidence
