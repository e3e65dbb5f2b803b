"""Writes of the child's page room: the school's publication choice, and the audit line every
view of a child's data by its parent leaves.

Reading a child's page writes exactly one thing: its line in the audit trail (``child_viewed``),
as every access to a child's data by someone outside the school's staff must be recorded
(Luật BVDLCN 91/2025; issue 15 §4). Nothing else is written on a GET.
"""

from __future__ import annotations

from django.db import transaction

from hoso.accounts.actor import Actor
from hoso.accounts.policies import log_refused
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.parents.child import policies
from hoso.parents.child.errors import ChildPageError
from hoso.parents.child.models import PublicationSettings
from hoso.students.models import Student

#: what was looked at → the audit line's words
PAGES = {
    "child": "trang của con",
    "transcript": "tải học bạ đã cấp",
}


def child_viewed(*, actor: Actor, student: Student, page: str, detail: str = "") -> None:
    """Record that ``actor`` (a parent) saw ``page`` of ``student``'s data: one audit event per
    page view or download, with the student's id (``target``), in the student's school chain."""
    if page not in PAGES:
        raise ValueError(f"unknown page {page!r}")
    # audit_record runs in its own transaction (one, not nested: no savepoint queries)
    audit_record(
        event_type="parents.child_viewed",
        actor=actor.user,
        school_id=actor.school_id,
        target=student,
        after={"page": page, "what": PAGES[page], **({"detail": detail} if detail else {})},
    )


def publication_settings_update(
    *, actor: Actor, mode: str, show_test_dates: bool
) -> PublicationSettings:
    """Choose how results reach the school's parents (principal, administrator). Audited with
    the choice before and after."""
    if not policies.can_edit_publication(actor):
        log_refused(actor, event_type="parents.publication_refused", after={"mode": mode})
        raise PermissionDeniedError(
            ChildPageError.NOT_ALLOWED,
            "Chỉ hiệu trưởng hoặc quản trị viên được thay đổi cách công bố kết quả.",
        )
    if mode not in PublicationSettings.Mode.values:
        raise DomainError(
            ChildPageError.UNKNOWN_MODE, "Hãy chọn một cách công bố kết quả.", field="mode"
        )
    with transaction.atomic():
        found, _ = PublicationSettings.objects.select_for_update().get_or_create(
            school_id=actor.school_id
        )
        before = {"mode": found.mode, "show_test_dates": found.show_test_dates}
        found.mode = mode
        found.show_test_dates = bool(show_test_dates)
        found.updated_by = actor.user
        found.updated_at = clock.now()
        found.save()
        audit_record(
            event_type="parents.publication_changed",
            actor=actor.user,
            school_id=actor.school_id,
            target=found,
            before=before,
            after={"mode": found.mode, "show_test_dates": found.show_test_dates},
            acting_as=actor.acting_as_for(*policies.SETTINGS_EDITORS),
        )
    return found
