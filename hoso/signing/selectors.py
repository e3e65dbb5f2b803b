"""Reads of the signing package, always scoped by the actor's school."""

from __future__ import annotations

from dataclasses import dataclass

from hoso.accounts.actor import Actor
from hoso.signing.models import DocumentState, SignedDocument, SigningCredential
from hoso.signing.policies import can_see_document


def my_credentials(actor: Actor) -> list[SigningCredential]:
    return list(SigningCredential.objects.filter(school=actor.school_id, user=actor.user))


def seal_credentials(actor: Actor) -> list[SigningCredential]:
    return list(SigningCredential.objects.filter(school=actor.school_id, user__isnull=True))


def trust_roots_of(actor: Actor) -> list:
    from django.db.models import Q

    from hoso.signing.models import TrustRoot

    return list(
        TrustRoot.objects.filter(Q(school__isnull=True) | Q(school=actor.school_id)).order_by(
            "school_id", "name"
        )
    )


def documents_awaiting(actor: Actor) -> list[SignedDocument]:
    """Documents whose next signer is the actor (one query)."""
    return list(
        SignedDocument.objects.filter(
            school=actor.school_id,
            next_signer_id=actor.user.pk,
            state__in=[DocumentState.DRAFT, DocumentState.PARTIALLY_SIGNED],
        ).order_by("created_at")
    )


def documents_visible(actor: Actor, *, limit: int = 50) -> list[SignedDocument]:
    """Recent documents the actor may see: all of the school's for school-wide readers; else the
    ones they sign plus the books of their classes (checked one by one, at most ``limit``)."""
    from django.db.models import Q

    from hoso.accounts.policies import Perm, can
    from hoso.accounts.roles import Role

    qs = SignedDocument.objects.filter(school=actor.school_id).order_by("-updated_at")
    if can(actor, Perm.VIEW_SCHOOL) and not actor.has(Role.INSPECTOR, Role.PARENT):
        return list(qs[:limit])
    mine = Q(signer_ids__contains=f",{actor.user.pk},")
    class_ids = set(actor.homeroom_class_ids) | set(actor.taught)
    related = Q()
    for class_id in class_ids:
        related |= Q(subject_key__startswith=f"grade_sheet:class={class_id}:") | Q(
            subject_key__startswith=f"class_book:class={class_id}:"
        )
    signed_by_me = list(qs.filter(mine)[:limit])
    others = []
    if class_ids:
        candidates = qs.filter(related).exclude(mine)[:limit]
        others = [d for d in candidates if can_see_document(actor, d)]
    return sorted(signed_by_me + others, key=lambda d: d.updated_at, reverse=True)[:limit]


def versions_of(document: SignedDocument) -> list[SignedDocument]:
    return list(
        SignedDocument.objects.filter(
            school=document.school_id, subject_key=document.subject_key
        ).order_by("-version")
    )


@dataclass
class ReadyBook:
    kind: str
    label: str
    url_name: str
    args: tuple
    current: SignedDocument | None

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse(self.url_name, args=self.args)


def ready_books(actor: Actor) -> list[ReadyBook]:
    """Books the actor may put up for signing now: their confirmed sheets, their homeroom class
    confirmed for a term, applied corrections they were a party of."""
    from django.db.models import Q

    from hoso.gradebook.corrections.models import CorrectionRequest
    from hoso.gradebook.signoff.models import Signoff

    if actor.school is None or actor.year is None:
        return []
    current = {
        d.subject_key: d
        for d in SignedDocument.objects.filter(school=actor.school_id).exclude(
            state=DocumentState.SUPERSEDED
        )
    }
    out: list[ReadyBook] = []
    taught_pairs = {(c, s) for c, subjects in actor.taught.items() for s in subjects}
    sheet_signoffs = Signoff.objects.filter(
        kind=Signoff.Kind.SHEET, school_class__year=actor.year, by=actor.user
    ).select_related("school_class", "subject", "term")
    for so in sheet_signoffs:
        if (so.school_class_id, so.subject_id) not in taught_pairs:
            continue
        key = f"grade_sheet:class={so.school_class_id}:subject={so.subject_id}:term={so.term_id}"
        out.append(
            ReadyBook(
                "grade_sheet",
                f"Bảng điểm {so.subject.name} — lớp {so.school_class.name}, HK {so.term.number}",
                "signing:prepare_sheet",
                (so.school_class_id, so.subject_id, so.term_id),
                current.get(key),
            )
        )
    class_signoffs = Signoff.objects.filter(
        kind=Signoff.Kind.CLASS, school_class_id__in=actor.homeroom_class_ids
    ).select_related("school_class", "term")
    for so in class_signoffs:
        key = f"class_book:class={so.school_class_id}:term={so.term_id}"
        out.append(
            ReadyBook(
                "class_book",
                f"Sổ theo dõi và đánh giá lớp {so.school_class.name}, HK {so.term.number}",
                "signing:prepare_class_book",
                (so.school_class_id, so.term_id),
                current.get(key),
            )
        )
    corrections = CorrectionRequest.objects.filter(
        Q(requested_by=actor.user) | Q(witness=actor.user) | Q(homeroom=actor.user),
        school=actor.school_id,
        year=actor.year,
        state=CorrectionRequest.State.APPLIED,
    ).prefetch_related("items__student")
    for c in corrections:
        one = c.single
        who = one.student.full_name if one is not None else f"{len(c.cells)} kết quả"
        out.append(
            ReadyBook(
                "correction_minute",
                f"Biên bản sửa điểm số {c.minute_number} — {who}",
                "signing:prepare_minute",
                (c.pk,),
                current.get(f"correction_minute:{c.pk}"),
            )
        )
    out.extend(_ready_records(actor, current))
    return out


def _ready_records(actor: Actor, current: dict) -> list[ReadyBook]:
    """Approved records (PDF) the actor owns or approved, most recent first (at most 30)."""
    from django.db.models import Q

    from hoso.records.models import Decision, Obligation, ObligationState

    approved_by_me = Decision.objects.filter(actor=actor.user, kind=Decision.Kind.APPROVE).values(
        "obligation_id"
    )
    owner = Q(owner_staff=actor.staff) if actor.staff is not None else Q(pk__in=[])
    obligations = (
        Obligation.objects.filter(
            owner | Q(pk__in=approved_by_me),
            school=actor.school_id,
            year=actor.year,
            state=ObligationState.APPROVED,
            submissions__content_type="application/pdf",
        )
        .select_related("record_type")
        .distinct()
        .order_by("-approved_at")[:30]
    )
    return [
        ReadyBook(
            "record",
            f"Hồ sơ: {ob.record_type} — {ob.period_label}",
            "signing:prepare_record",
            (ob.pk,),
            current.get(f"record:{ob.pk}"),
        )
        for ob in obligations
    ]
