"""Who may do what with credentials and signed documents.

``access_*`` fetch and check at once: absent and out of scope both answer 404 (logged).
Who signs a document is decided by the document itself (its ordered signers); the grade-book
policies decide who may see the underlying book.
"""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.policies import Perm, can, not_found
from hoso.accounts.roles import Role
from hoso.signing.models import DocumentKind, SignedDocument, SigningCredential

SEAL_KEEPERS = (Role.PRINCIPAL, Role.CLERK)


def can_manage_seal(actor: Actor) -> bool:
    """The school's organisation certificate (con dấu số) is kept by the clerk and principal."""
    return actor.school is not None and actor.has(*SEAL_KEEPERS)


def can_manage_trust(actor: Actor) -> bool:
    """Which CAs the school trusts when checking signatures: the principal or the administrator."""
    return actor.school is not None and actor.has(Role.PRINCIPAL, Role.ADMINISTRATOR)


def can_have_credentials(actor: Actor) -> bool:
    """Staff of the school (not parents, not inspectors) may register their own keys."""
    return actor.school is not None and actor.staff is not None


def access_credential(actor: Actor, credential_id: int) -> SigningCredential:
    cred = SigningCredential.objects.filter(pk=credential_id, school=actor.school_id).first()
    if cred is None:
        raise not_found(actor, f"chữ ký số #{credential_id}")
    if cred.user_id is None:
        if not can_manage_seal(actor):
            raise not_found(actor, f"chữ ký số #{credential_id}")
    elif cred.user_id != actor.user.pk:
        raise not_found(actor, f"chữ ký số #{credential_id}")
    return cred


def _can_see_object(actor: Actor, doc: SignedDocument) -> bool:
    from hoso.gradebook.corrections.models import CorrectionRequest
    from hoso.organisation.models import SchoolClass, Subject

    if doc.kind in (DocumentKind.GRADE_SHEET, DocumentKind.CLASS_BOOK):
        from hoso.gradebook.entry.policies import can_read_sheet

        parts = [int(p) for p in doc.object_id.split("-")]
        school_class = SchoolClass.objects.filter(pk=parts[0], year__school=actor.school).first()
        if school_class is None:
            return False
        if doc.kind == DocumentKind.CLASS_BOOK:
            return school_class.pk in actor.homeroom_class_ids
        subject = Subject.objects.filter(pk=parts[1]).first()
        return subject is not None and can_read_sheet(actor, school_class, subject)
    if doc.kind == DocumentKind.CORRECTION_MINUTE:
        from hoso.gradebook.corrections.policies import can_see_correction

        correction = CorrectionRequest.objects.filter(pk=int(doc.object_id)).first()
        return correction is not None and can_see_correction(actor, correction)
    if doc.kind == DocumentKind.RECORD:
        from hoso.records.models import Obligation
        from hoso.records.policies import can_view

        ob = Obligation.objects.filter(pk=int(doc.object_id), school=actor.school_id).first()
        return ob is not None and can_view(actor, ob)
    return False


def can_see_document(actor: Actor, doc: SignedDocument) -> bool:
    if actor.school is None or doc.school_id != actor.school_id:
        return False
    if any(s.get("user_id") == actor.user.pk for s in doc.signers):
        return True
    if can(actor, Perm.VIEW_SCHOOL) and not actor.has(Role.INSPECTOR, Role.PARENT):
        return True
    if actor.has(Role.INSPECTOR):
        return doc.state == "signed"
    return _can_see_object(actor, doc)


def access_document(actor: Actor, document_id: int) -> SignedDocument:
    doc = SignedDocument.objects.filter(pk=document_id, school=actor.school_id).first()
    if doc is None or not can_see_document(actor, doc):
        raise not_found(actor, f"văn bản ký số #{document_id}")
    return doc
