"""Reads of the document register, scoped by school and actor."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hoso.accounts.actor import Actor
from hoso.core.text import fold
from hoso.correspondence.models import DocumentType, OutgoingDocument, Register
from hoso.correspondence.policies import visible_outgoing


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
