"""Keep folders and obligations in step with the organisation: when staff, teams, assignments,
years or terms change, the open years of that school are re-synced in the background once the
transaction commits (one task per school year and transaction, however many rows changed).

The model signals of the organisation are the trigger: their handlers run no query, they only
publish an ``OrganisationChanged`` event (``hoso.core.events`` collects them per transaction and
drops duplicates). ``sync_after_commit`` receives the transaction's events in one call after
commit, resolves the school years and skips schools without a record catalogue.
"""

from __future__ import annotations

import logging

from django.db.models.signals import post_delete, post_save

from hoso.core import events
from hoso.organisation.models import (
    Department,
    HomeroomAssignment,
    SchoolClass,
    SchoolYear,
    Staff,
    StaffPosition,
    TeachingAssignment,
    Term,
)
from hoso.records.events import OrganisationChanged

logger = logging.getLogger("hoso")


def sync_after_commit(changes: list[OrganisationChanged]) -> None:
    """Enqueue one records sync per open school year touched by the committed ``changes``."""
    pending = {(change.kind, change.pk) for change in changes}
    if not pending:
        return
    from hoso.records.models import RecordType
    from hoso.records.tasks import records_sync_task

    school_ids = {v for k, v in pending if k == "school"}
    staff_ids = [v for k, v in pending if k == "staff"]
    if staff_ids:
        school_ids |= set(
            Staff.objects.filter(pk__in=staff_ids).values_list("school_id", flat=True)
        )
    class_ids = [v for k, v in pending if k == "class"]
    year_ids = {v for k, v in pending if k == "year"}
    if class_ids:
        year_ids |= set(
            SchoolClass.objects.filter(pk__in=class_ids).values_list("year_id", flat=True)
        )
    years = SchoolYear.objects.filter(is_closed=False).filter(
        school_id__in=school_ids
    ) | SchoolYear.objects.filter(is_closed=False, pk__in=year_ids)
    with_catalogue = set(
        RecordType.objects.filter(school_id__in=years.values("school_id")).values_list(
            "school_id", flat=True
        )
    )
    for year_id, school_id in years.values_list("pk", "school_id").distinct():
        if school_id not in with_catalogue:
            continue
        try:
            records_sync_task.enqueue(year_id)
        except Exception:  # the next change, the command or the screen button catches up
            logger.exception("Could not enqueue records sync of year %s", year_id)


def _mark(kind: str, value) -> None:
    if value is None:
        return
    # Delivered after commit, once per transaction; a failure there is logged and never breaks
    # the caller's commit.
    events.publish(OrganisationChanged(kind=kind, pk=value))


def _staff(sender, instance, **kwargs):
    _mark("school", instance.school_id)


def _staff_position(sender, instance, **kwargs):
    _mark("staff", instance.staff_id)


def _department(sender, instance, **kwargs):
    _mark("school", instance.school_id)


def _assignment(sender, instance, **kwargs):
    _mark("class", instance.school_class_id)


def _year(sender, instance, **kwargs):
    _mark("year", instance.pk)


def _term(sender, instance, **kwargs):
    _mark("year", instance.year_id)


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_staff, sender=Staff, dispatch_uid=f"records_staff_{signal}")
        signal.connect(_staff_position, sender=StaffPosition, dispatch_uid=f"records_pos_{signal}")
        signal.connect(_department, sender=Department, dispatch_uid=f"records_dept_{signal}")
        signal.connect(_assignment, sender=HomeroomAssignment, dispatch_uid=f"records_hr_{signal}")
        signal.connect(_assignment, sender=TeachingAssignment, dispatch_uid=f"records_ta_{signal}")
        signal.connect(_term, sender=Term, dispatch_uid=f"records_term_{signal}")
    post_save.connect(_year, sender=SchoolYear, dispatch_uid="records_year_save")
