"""Who may see and do what in completion and graduation.

Manage (rounds, council, dossiers, proposal, decision, the diploma-issue book): the principal,
the vice principal and the clerk. Read everything: those and the inspectors. The homeroom
teacher of a grade-9 (or grade-5) class reads its own class's rows. Parents and everyone else:
nothing (404, like absent)."""

from __future__ import annotations

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.accounts.roles import Role
from hoso.graduation.models import DiplomaEntry, GraduationRound

MANAGERS = frozenset({Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.CLERK})
SCHOOL_READERS = MANAGERS | {Role.INSPECTOR}


def can_manage(actor: Actor) -> bool:
    return actor.school is not None and bool(actor.roles & MANAGERS)


def reads_school(actor: Actor) -> bool:
    return actor.school is not None and bool(actor.roles & SCHOOL_READERS)


def visible_class_ids(actor: Actor, class_ids) -> set[int]:
    """Of ``class_ids``, the classes whose rows the actor may read."""
    if reads_school(actor):
        return set(class_ids)
    return set(class_ids) & set(actor.homeroom_class_ids)


def can_use(actor: Actor) -> bool:
    """Sees the graduation pages at all (school readers, or a homeroom teacher)."""
    return reads_school(actor) or (actor.school is not None and bool(actor.homeroom_class_ids))


def access_round(actor: Actor, round_id: int) -> GraduationRound:
    found = (
        GraduationRound.objects.filter(pk=round_id, school_id=actor.school_id)
        .select_related("year", "school")
        .first()
    )
    if found is None or not can_use(actor):
        raise not_found(actor, f"đợt xét tốt nghiệp #{round_id}")
    return found


def access_entry(actor: Actor, entry_id: int) -> DiplomaEntry:
    found = (
        DiplomaEntry.objects.filter(pk=entry_id, school_id=actor.school_id)
        .select_related("book", "student", "round")
        .first()
    )
    if found is None or not reads_school(actor):
        raise not_found(actor, f"dòng sổ cấp phát văn bằng #{entry_id}")
    return found
