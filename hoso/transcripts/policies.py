"""Who may see and do what with transcripts (học bạ số).

Seeing: the principal, vice principals, the clerk (văn thư) and inspectors school-wide; a homeroom
teacher the transcripts of its own class. Everyone else gets 404, the same as for an absent one.
Doing: the homeroom teacher of the class drafts and signs; a vice principal drafts and checks;
the principal signs (ký duyệt); the clerk drafts, issues with the school's signature, revokes,
re-issues and exports; the principal may also revoke and re-issue. Nothing is written in a
closed year, and inspectors only read.
"""

from __future__ import annotations

from django.db.models import QuerySet

from hoso.accounts.actor import Actor
from hoso.accounts.policies import not_found
from hoso.accounts.roles import Role
from hoso.organisation.models import SchoolClass
from hoso.transcripts.models import Transcript

SCHOOL_WIDE = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.CLERK, Role.INSPECTOR)
STAFF_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.CLERK, Role.HOMEROOM_TEACHER)


def sees_school(actor: Actor) -> bool:
    return actor.school is not None and actor.has(*SCHOOL_WIDE)


def can_use(actor: Actor) -> bool:
    """The transcripts area shows in the menu."""
    return actor.school is not None and actor.has(*SCHOOL_WIDE, Role.HOMEROOM_TEACHER)


def visible_classes(actor: Actor) -> QuerySet[SchoolClass]:
    if actor.year is None:
        return SchoolClass.objects.none()
    qs = SchoolClass.objects.filter(year=actor.year).select_related("grade")
    if sees_school(actor):
        return qs
    return qs.filter(pk__in=actor.homeroom_class_ids)


def visible_transcripts(actor: Actor) -> QuerySet[Transcript]:
    if actor.school is None:
        return Transcript.objects.none()
    qs = Transcript.objects.filter(school=actor.school)
    if sees_school(actor):
        return qs
    if actor.homeroom_class_ids:
        return qs.filter(school_class_id__in=actor.homeroom_class_ids)
    return qs.none()


def access_class(actor: Actor, class_id: int) -> SchoolClass:
    found = visible_classes(actor).select_related("year").filter(pk=class_id).first()
    if found is None:
        raise not_found(actor, f"học bạ lớp #{class_id}")
    return found


def access_transcript(actor: Actor, transcript_id: int) -> Transcript:
    found = (
        visible_transcripts(actor)
        .select_related("student", "school_class", "year", "school")
        .filter(pk=transcript_id)
        .first()
    )
    if found is None:
        raise not_found(actor, f"học bạ #{transcript_id}")
    return found


def _writable(actor: Actor, year, *, reissue: bool = False) -> bool:
    """A closed year refuses writes, except the signing chain of re-issues (the corrected
    version of a transcript revoked after the year closed: ``reissue=True``)."""
    return (
        actor.school is not None
        and (reissue or year.writable_for("transcripts"))
        and actor.staff is not None
        and not actor.roles <= {Role.INSPECTOR, Role.PARENT}
    )


def can_draft(actor: Actor, school_class: SchoolClass) -> bool:
    if not _writable(actor, school_class.year):
        return False
    return actor.has(Role.VICE_PRINCIPAL, Role.CLERK) or (
        school_class.pk in actor.homeroom_class_ids
    )


def can_homeroom_sign(actor: Actor, school_class: SchoolClass, *, reissue: bool = False) -> bool:
    return (
        _writable(actor, school_class.year, reissue=reissue)
        and school_class.pk in actor.homeroom_class_ids
    )


def can_check(actor: Actor, school_class: SchoolClass, *, reissue: bool = False) -> bool:
    return _writable(actor, school_class.year, reissue=reissue) and actor.has(Role.VICE_PRINCIPAL)


def can_principal_sign(actor: Actor, school_class: SchoolClass, *, reissue: bool = False) -> bool:
    return _writable(actor, school_class.year, reissue=reissue) and actor.has(Role.PRINCIPAL)


def can_issue(actor: Actor, school_class: SchoolClass, *, reissue: bool = False) -> bool:
    return _writable(actor, school_class.year, reissue=reissue) and actor.has(Role.CLERK)


def can_revoke(actor: Actor, transcript: Transcript) -> bool:
    """Revocation is allowed in a closed year too: an error found later must still be fixable."""
    return (
        actor.school is not None
        and actor.staff is not None
        and actor.has(Role.CLERK, Role.PRINCIPAL)
    )


def can_reissue(actor: Actor, transcript: Transcript) -> bool:
    return can_revoke(actor, transcript)


def can_export(actor: Actor, transcript: Transcript) -> bool:
    return actor.school is not None and actor.has(Role.CLERK, Role.PRINCIPAL)


def can_refresh(actor: Actor, school_class: SchoolClass) -> bool:
    """Who may trigger the data comparison (it may supersede and redraft versions)."""
    if not school_class.year.writable_for("transcripts") or actor.staff is None:
        return False
    return can_draft(actor, school_class) or actor.has(Role.PRINCIPAL, Role.CLERK)
