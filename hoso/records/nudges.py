"""Nhắc from the compliance board: a leader reminds one person, or every person, whose records
are missing (due and never submitted) in the board's current scope and filters.

The shape is the grade book's (``gradebook.progress.actions.teachers_remind``): the page shows
every message before sending; each person gets at most one in-app notification a day from here,
whoever sends it (``dedupe_key`` per person and day); the sending is audited
(``records.owners_reminded``). Who may: the leaders who see the board beyond themselves — the
principal and vice principals (the school), department and office heads and their delegates
(their team). Team records (owned by a department) are for the board, not reminded here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hoso.accounts.actor import Actor
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.notifications.actions import Nudges, nudge_each
from hoso.records import board
from hoso.records.errors import RecordsError
from hoso.records.models import Obligation

#: how many records a message names before "và N hồ sơ khác"
NAMED = 3


def can_remind_owners(actor: Actor) -> bool:
    """A leader who sees others on the board: school-wide, or the head of a team."""
    return board.can_view_board(actor) and (
        board.is_school_wide(actor) or bool(actor.department_ids)
    )


@dataclass
class LatePerson:
    staff: object  # organisation.Staff
    obligations: list[Obligation] = field(default_factory=list)


def late_people(
    actor: Actor, filters: board.BoardFilters, *, staff_id: int | None = None, now=None
) -> list[LatePerson]:
    """People of the board's scope and filters with missing records (oldest due first), the
    actor left out; ``staff_id`` keeps one person."""
    now = now or clock.now()
    if staff_id is not None:
        filters = board.BoardFilters(**{**filters.__dict__, "staff_id": staff_id})
    rows = board.board_obligations(actor, filters, status="missing", now=now, limit=2000)
    people: dict[int, LatePerson] = {}
    for ob in rows:
        staff = ob.owner_staff
        if staff is None or (actor.staff is not None and staff.pk == actor.staff.pk):
            continue
        people.setdefault(staff.pk, LatePerson(staff)).obligations.append(ob)
    return sorted(people.values(), key=lambda p: (p.staff.sort_name, p.staff.pk))


def reminder_text(person: LatePerson) -> str:
    """The message the person receives (shown to the sender first)."""
    names = [f"“{ob.record_type.name} — {ob.period_label}”" for ob in person.obligations]
    listed = ", ".join(names[:NAMED])
    if len(names) > NAMED:
        listed += f" và {len(names) - NAMED} hồ sơ khác"
    return (
        f"Nhắc nộp hồ sơ: {len(names)} hồ sơ đã quá hạn mà chưa nộp — {listed}. "
        "Đề nghị thầy/cô nộp ngay; hồ sơ nộp sau hạn được ghi là nộp muộn."
    )


def reminder_key(school_id: int, staff_id: int, now: datetime) -> str:
    """One reminder by hand per person and day, whoever sends it."""
    return f"records:{school_id}:manual:{staff_id}:{timezone.localdate(now, board.LOCAL_TZ)}"


def owners_remind(*, actor: Actor, people: list[LatePerson], now: datetime | None = None) -> Nudges:
    """Send each late person one in-app notification (once a day) and audit who reminded whom.
    ``people`` come from ``late_people`` for this actor (its scope)."""
    if not can_remind_owners(actor):
        raise PermissionDeniedError(
            RecordsError.NOT_ALLOWED,
            "Chỉ hiệu trưởng, phó hiệu trưởng và tổ trưởng nhắc nộp hồ sơ.",
        )
    people = [p for p in people if p.obligations]
    if not people:
        raise DomainError(
            RecordsError.NOTHING_TO_REMIND, "Không có ai đang thiếu hồ sơ quá hạn để nhắc."
        )
    now = now or clock.now()
    url = reverse("records:mine")
    with transaction.atomic():
        out = nudge_each(
            people,
            school=actor.school,
            user_of=lambda person: person.staff.user,
            notice=lambda person: {
                "kind": "records_reminder_manual",
                "text": reminder_text(person),
                "url": url,
                "dedupe_key": reminder_key(actor.school_id, person.staff.pk, now),
                "email_subject": "Nhắc nộp hồ sơ",
            },
        )
        if out.sent:
            local = timezone.localtime(now, board.LOCAL_TZ)
            audit_record(
                event_type="records.owners_reminded",
                actor=actor.user,
                school_id=actor.school_id,
                target_type="records.reminders",
                target_id=local.date().isoformat(),
                target_repr=f"Nhắc nộp hồ sơ {local:%d/%m/%Y %H:%M}",
                after={
                    "sent": [
                        {"staff": p.staff.full_name, "missing": len(p.obligations)}
                        for p in out.sent
                    ],
                    "already_today": len(out.already),
                    "no_account": len(out.no_account),
                },
                acting_as=actor.acting_as_for(*actor.roles),
            )
    return out
