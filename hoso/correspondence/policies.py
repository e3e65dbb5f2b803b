"""Who may see and write the document register (NĐ 30/2020: the clerk registers, numbers and
issues; the competent person signs; Đ16 k3: confidential documents in their own register).

- See the ordinary registers: principal, vice principals, clerk, administrator (support), and
  inspectors (read-only). Teachers see only the incoming documents routed to them.
- See a confidential document: the principal, the clerk, and the people named on it.
- Draft: clerk, principal, vice principals. Sign: principal, vice principals (KT.).
- Number and issue (with the organisation's signature, Đ33): the clerk only.
Everything out of reach answers 404, the same as absent.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.accounts.roles import Role
from hoso.core.errors import PermissionDeniedError
from hoso.correspondence.errors import CorrespondenceError
from hoso.correspondence.models import CONFIDENTIAL_REGISTERS, IncomingDocument, OutgoingDocument

READERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.CLERK, Role.ADMINISTRATOR, Role.INSPECTOR)
DRAFTERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.CLERK)
SIGNERS = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
CONFIDENTIAL_KEEPERS = (Role.PRINCIPAL, Role.CLERK)


def can_open_register(actor: Actor) -> bool:
    return actor.school is not None and actor.has(*READERS)


def can_see_confidential_register(actor: Actor) -> bool:
    return actor.school is not None and actor.has(*CONFIDENTIAL_KEEPERS)


def visible_outgoing(actor: Actor, qs: QuerySet[OutgoingDocument]) -> QuerySet[OutgoingDocument]:
    if actor.school is None:
        return qs.none()
    qs = qs.filter(school=actor.school)
    if actor.has(*CONFIDENTIAL_KEEPERS):
        return qs
    named = Q(register__in=CONFIDENTIAL_REGISTERS, readers=actor.user)
    if actor.has(*READERS):
        return qs.filter(~Q(register__in=CONFIDENTIAL_REGISTERS) | named).distinct()
    return qs.filter(named).distinct()


def can_view_outgoing(actor: Actor, doc: OutgoingDocument) -> bool:
    if actor.school is None or doc.school_id != actor.school_id:
        return False
    if actor.has(*CONFIDENTIAL_KEEPERS):
        return True
    if doc.is_confidential:
        return doc.readers.filter(pk=actor.user.pk).exists()
    return actor.has(*READERS)


def access_outgoing(actor: Actor, document_id: int) -> OutgoingDocument:
    """The document, or 404 (absent and out of reach look the same, and are logged)."""
    doc = (
        OutgoingDocument.objects.select_related("doc_type", "school").filter(pk=document_id).first()
    )
    if doc is None or not can_view_outgoing(actor, doc):
        raise not_found(actor, f"correspondence.outgoing {document_id}")
    return doc


def can_draft(actor: Actor) -> bool:
    return actor.school is not None and actor.has(*DRAFTERS)


def can_draft_confidential(actor: Actor) -> bool:
    return actor.school is not None and actor.has(*CONFIDENTIAL_KEEPERS)


def can_sign(actor: Actor) -> bool:
    return actor.school is not None and actor.has(*SIGNERS)


def can_keep_office(actor: Actor) -> bool:
    """The clerk (văn thư): numbers, issues and applies the organisation's signature."""
    return actor.school is not None and actor.has(Role.CLERK)


def check(allowed: bool, message: str, code=CorrespondenceError.NOT_ALLOWED) -> None:
    if not allowed:
        raise PermissionDeniedError(code, message)


# --- incoming -------------------------------------------------------------------------------


def visible_incoming(actor: Actor, qs: QuerySet[IncomingDocument]) -> QuerySet[IncomingDocument]:
    """Leaders, clerk, administrator and inspectors see the ordinary register; the others only
    what is routed to them. Confidential ones: principal, clerk, and the people named."""
    if actor.school is None:
        return qs.none()
    qs = qs.filter(school=actor.school)
    if actor.has(*CONFIDENTIAL_KEEPERS):
        return qs
    named = Q(readers=actor.user) | Q(assignees__user=actor.user)
    if actor.has(*READERS):
        return qs.filter(~Q(register__in=CONFIDENTIAL_REGISTERS) | named).distinct()
    return qs.filter(named).distinct()


def can_view_incoming(actor: Actor, doc: IncomingDocument) -> bool:
    if actor.school is None or doc.school_id != actor.school_id:
        return False
    if actor.has(*CONFIDENTIAL_KEEPERS):
        return True
    if not doc.is_confidential and actor.has(*READERS):
        return True
    return (
        doc.assignees.filter(user=actor.user).exists()
        or doc.readers.filter(pk=actor.user.pk).exists()
    )


def access_incoming(actor: Actor, document_id: int) -> IncomingDocument:
    doc = IncomingDocument.objects.filter(pk=document_id).first()
    if doc is None or not can_view_incoming(actor, doc):
        raise not_found(actor, f"correspondence.incoming {document_id}")
    return doc


def can_direct(actor: Actor) -> bool:
    """The principal writes the directive (ý kiến chỉ đạo) and routes the document."""
    return actor.school is not None and actor.has(Role.PRINCIPAL)


def assignee_of(actor: Actor, doc: IncomingDocument):
    return doc.assignees.filter(user=actor.user).first()


def can_see_overdue_board(actor: Actor) -> bool:
    return actor.school is not None and actor.has(Role.PRINCIPAL, Role.CLERK)
