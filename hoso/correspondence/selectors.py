"""Reads of the document register, scoped by school and actor."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hoso.accounts.actor import Actor
from hoso.core import clock
from hoso.core.text import fold
from hoso.correspondence.models import DocumentType, IncomingDocument, OutgoingDocument, Register
from hoso.correspondence.policies import visible_incoming, visible_outgoing


def outgoing_list(
    actor: Actor, *, register: str = Register.OUTGOING, year: int | None = None, q: str = ""
) -> QuerySet[OutgoingDocument]:
    qs = visible_outgoing(actor, OutgoingDocument.objects.all()).filter(register=register)
    if year:
        qs = qs.filter(Q(year=year) | Q(year__isnull=True))
    for word in fold(q).split()[:8]:
        qs = qs.filter(
            Q(summary_folded__contains=word)
            | Q(text_folded__contains=word)
            | Q(symbol__icontains=word)
        )
    return qs.select_related("doc_type").order_by("-year", "-number", "-drafted_at")


def document_types(school) -> QuerySet[DocumentType]:
    return DocumentType.objects.filter(school=school, is_active=True).order_by("order", "name")


def incoming_list(
    actor: Actor, *, register: str = Register.INCOMING, year: int | None = None, q: str = ""
) -> QuerySet[IncomingDocument]:
    qs = visible_incoming(actor, IncomingDocument.objects.all()).filter(register=register)
    if year:
        qs = qs.filter(year=year)
    for word in fold(q).split()[:8]:
        qs = qs.filter(
            Q(summary_folded__contains=word)
            | Q(text_folded__contains=word)
            | Q(their_symbol__icontains=word)
        )
    return qs.order_by("-year", "-number")


def incoming_overdue(actor: Actor) -> QuerySet[IncomingDocument]:
    """Late incoming documents the actor may see: not presented or not directed after the
    presentation day, or not done after the deadline (the board of the clerk and principal)."""
    from hoso.correspondence.reminders import late_incoming

    today = clock.today()
    return (
        visible_incoming(actor, late_incoming(actor.school, today))
        .prefetch_related("assignees__user")
        .order_by("deadline", "present_due", "number")
    )


def outgoing_overdue(actor: Actor) -> QuerySet[OutgoingDocument]:
    """Signed documents not issued after their issue day (Đ18)."""
    return (
        visible_outgoing(actor, OutgoingDocument.objects.all())
        .filter(state__in=("signed", "numbered"), issue_due__lt=clock.today())
        .select_related("doc_type")
    )


def routing_candidates(school):
    """Staff with an active account, for the principal's routing (chủ trì, phối hợp)."""
    from hoso.organisation.models import Staff

    return (
        Staff.objects.filter(school=school, user__isnull=False, user__is_active=True)
        .select_related("user")
        .order_by("given_name", "family_name")
    )
