"""Generation of the default folders and obligations of a school year (idempotent).

Tree: "Năm học 2026-2027" → owner ("Nhà trường", each team, each person) → record type → period.
Run by ``obligations_sync`` whenever the year, the staff or the catalogue changes (the actions of
this package call it; ``manage.py records_sync`` and ``tasks.records_sync_task`` run it too).

Teaching and homeroom obligations follow the assignments' dates: a person owes a period's record
(a week's lesson plans, a month's homeroom plan) when its assignment is in force on the period's
first day, so a replacement from a date gets the obligations of the periods from then on and the
teacher it replaced stops owing them (a teacher with no assignment recorded this year owes every
period, by its position). Rules: missing folders and obligations are created; an obligation whose
owner or type no longer applies is never deleted — if nothing was submitted and it is not yet due it becomes inactive
(``is_active=False``), and it comes back if the owner does; due dates of obligations nobody has
submitted yet follow schedule edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q

from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.organisation.models import (
    Department,
    HomeroomAssignment,
    Position,
    SchoolYear,
    Staff,
    TeachingAssignment,
)
from hoso.records import schedules
from hoso.records.models import (
    Folder,
    Obligation,
    ObligationState,
    OwnerKind,
    RecordEvent,
    RecordType,
    ScheduleKind,
)

POSITION_KINDS = {
    OwnerKind.YOUTH_LEADER: Position.DOI_LEADER,
    OwnerKind.CLERK: Position.CLERK,
    OwnerKind.ACCOUNTANT: Position.ACCOUNTANT,
}
PERSON_FOLDER_KIND = {
    Position.DOI_LEADER: OwnerKind.YOUTH_LEADER,
    Position.CLERK: OwnerKind.CLERK,
    Position.ACCOUNTANT: OwnerKind.ACCOUNTANT,
}


@dataclass(frozen=True)
class Owner:
    kind: str  # the obligation's owner_kind
    staff: Staff | None = None
    department: Department | None = None

    @property
    def key(self) -> str:
        if self.staff is not None:
            return f"o:s{self.staff.pk}"
        if self.department is not None:
            return f"o:d{self.department.pk}"
        return "o:school"


@dataclass
class Context:
    year: SchoolYear
    terms: list
    staff: list[Staff]
    departments: list[Department]
    teachers: set[int]
    homeroom: set[int]
    positions: dict[int, set[str]] = field(default_factory=dict)
    # staff id -> the periods (first day, last day) of its teaching / homeroom assignments
    teaching_periods: dict[int, list[tuple[date, date]]] = field(default_factory=dict)
    homeroom_periods: dict[int, list[tuple[date, date]]] = field(default_factory=dict)

    def period_day(self, period) -> date:
        """The day deciding who owes a period: its first day (else its due date), in the year."""
        day = period.start or period.due_at.astimezone(clock.VN_TZ).date()
        return min(max(day, self.year.start_date), self.year.end_date)

    def owes(self, owner: Owner, period) -> bool:
        if owner.staff is None:
            return True
        if owner.kind == OwnerKind.HOMEROOM:
            spans = self.homeroom_periods.get(owner.staff.pk)
        elif owner.kind == OwnerKind.TEACHER:
            spans = self.teaching_periods.get(owner.staff.pk)
            if spans is None:  # no assignment recorded this year: its position decides
                return True
        else:
            return True
        day = self.period_day(period)
        return any(first <= day <= last for first, last in spans or ())

    def owners(self, kind: str) -> list[Owner]:
        if kind == OwnerKind.SCHOOL:
            return [Owner(kind)]
        if kind == OwnerKind.DEPARTMENT:
            return [Owner(kind, department=d) for d in self.departments if d.kind == "subject"]
        if kind == OwnerKind.OFFICE_TEAM:
            return [Owner(kind, department=d) for d in self.departments if d.kind == "office"]
        if kind == OwnerKind.TEACHER:
            return [Owner(kind, staff=s) for s in self.staff if s.pk in self.teachers]
        if kind == OwnerKind.HOMEROOM:
            return [Owner(kind, staff=s) for s in self.staff if s.pk in self.homeroom]
        position = POSITION_KINDS.get(kind)
        return [
            Owner(kind, staff=s) for s in self.staff if position in self.positions.get(s.pk, ())
        ]


def load_context(year: SchoolYear) -> Context:
    staff = list(
        Staff.objects.filter(school_id=year.school_id, is_active=True)
        .prefetch_related("extra_positions")
        .order_by("sort_name")
    )
    positions = {s.pk: {s.position} | {p.position for p in s.extra_positions.all()} for s in staff}

    def spans(model) -> dict[int, list[tuple[date, date]]]:
        out: dict[int, list[tuple[date, date]]] = {}
        for teacher_id, starts_on, ends_on in model.objects.filter(
            school_class__year=year
        ).values_list("teacher_id", "starts_on", "ends_on"):
            out.setdefault(teacher_id, []).append(
                (starts_on or year.start_date, ends_on or year.end_date)
            )
        return out

    teaching_periods = spans(TeachingAssignment)
    homeroom_periods = spans(HomeroomAssignment)
    teachers = {
        s.pk for s in staff if Position.TEACHER in positions[s.pk] or s.pk in teaching_periods
    }
    return Context(
        year=year,
        terms=list(year.terms.all()),
        staff=staff,
        departments=list(Department.objects.filter(school_id=year.school_id)),
        teachers=teachers,
        homeroom=set(homeroom_periods),
        positions=positions,
        teaching_periods=teaching_periods,
        homeroom_periods=homeroom_periods,
    )


class _Folders:
    """Existing folders of the year by key; creates the missing ones level by level."""

    def __init__(self, year: SchoolYear):
        self.year = year
        self.by_key = {f.key: f for f in Folder.objects.filter(year=year)}
        self.names: dict[int | None, set[str]] = {}
        for f in self.by_key.values():
            self.names.setdefault(f.parent_id, set()).add(f.name)
        self.created = 0
        self.renamed = 0

    def _rename(self, folder: Folder, spec: dict) -> None:
        """Follow a renamed person, team or type (when the new name is free in the parent)."""
        name = spec["name"][:200]
        alt = f"{name} ({spec.get('suffix', spec['key'])})"[:200]
        if folder.name in (name, alt):
            return
        taken = self.names.setdefault(folder.parent_id, set())
        new_name = name if name not in taken else alt
        if new_name in taken:
            return
        taken.discard(folder.name)
        taken.add(new_name)
        Folder.objects.filter(pk=folder.pk).update(name=new_name)
        folder.name = new_name
        self.renamed += 1

    def ensure(self, specs: list[dict]) -> None:
        """Create the folders of ``specs`` (dicts with key, parent_key, name, …) not yet there."""
        new = []
        for spec in specs:
            if spec["key"] in self.by_key:
                if spec["key"] != "root" and spec.get("rename", True):
                    self._rename(self.by_key[spec["key"]], spec)
                continue
            spec = dict(spec)
            spec.pop("rename", None)
            parent = self.by_key.get(spec.pop("parent_key")) if "parent_key" in spec else None
            parent_id = parent.pk if parent else None
            taken = self.names.setdefault(parent_id, set())
            name = spec["name"][:200]
            if name in taken:
                name = f"{name} ({spec.pop('suffix', spec['key'])})"[:200]
            spec.pop("suffix", None)
            taken.add(name)
            folder = Folder(
                school_id=self.year.school_id,
                year=self.year,
                parent=parent,
                **{**spec, "name": name},
            )
            self.by_key[spec["key"]] = folder
            new.append(folder)
        if new:
            Folder.objects.bulk_create(new)
            if any(f.pk is None for f in new):  # backends without RETURNING
                fresh = {f.key: f for f in Folder.objects.filter(year=self.year)}
                for f in new:
                    f.pk = fresh[f.key].pk
                    self.by_key[f.key] = fresh[f.key]
            self.created += len(new)


def _owner_folder_spec(owner: Owner, ctx: Context) -> dict:
    if owner.staff is not None:
        kind = OwnerKind.TEACHER
        for position in ctx.positions.get(owner.staff.pk, ()):
            kind = PERSON_FOLDER_KIND.get(position, kind)
        return {
            "key": owner.key,
            "parent_key": "root",
            "name": owner.staff.full_name,
            "suffix": owner.staff.code,
            "owner_kind": kind,
            "owner_staff": owner.staff,
        }
    if owner.department is not None:
        return {
            "key": owner.key,
            "parent_key": "root",
            "name": owner.department.name,
            "suffix": f"tổ {owner.department.pk}",
            "owner_kind": owner.kind,
            "owner_department": owner.department,
        }
    return {"key": owner.key, "parent_key": "root", "name": "Nhà trường", "owner_kind": "school"}


def _needed(rt: RecordType, ctx: Context, events: list[RecordEvent]):
    """(owner, period, event) triples the type requires this year."""
    if rt.schedule_kind == ScheduleKind.EVENT:
        code = str(rt.schedule.get("event", ""))
        periods = [
            (schedules.event_period(rt.schedule, ev), ev) for ev in events if ev.event == code
        ]
    else:
        periods = [
            (p, None) for p in schedules.periods(rt.schedule_kind, rt.schedule, ctx.year, ctx.terms)
        ]
    for owner in ctx.owners(rt.owner_kind):
        for period, event in periods:
            if ctx.owes(owner, period):
                yield owner, period, event


def obligations_sync(
    *, year: SchoolYear, actor=None, now: datetime | None = None, audit: bool = True
) -> dict:
    """Create/refresh the folders and obligations of ``year``. Returns counts. Idempotent.

    One ``records.sync`` audit event when anything changed (``audit=False`` only for the demo
    seed, which writes its own single event)."""
    now = now or clock.now()
    user = getattr(actor, "user", actor)
    with transaction.atomic():
        # One sync of a year at a time (a concurrent one waits here, then finds its work done).
        year = SchoolYear.objects.select_for_update().get(pk=year.pk)
        if year.is_closed:
            return {"folders": 0, "created": 0, "updated": 0, "deactivated": 0, "closed": True}
        ctx = load_context(year)
        types = list(RecordType.objects.filter(school_id=year.school_id).order_by("order", "pk"))
        events = list(RecordEvent.objects.filter(year=year))
        folders = _Folders(year)
        folders.ensure([{"key": "root", "name": f"Năm học {year.name}", "owner_kind": ""}])
        existing = {
            (o.record_type_id, o.owner_staff_id, o.owner_department_id, o.period_key): o
            for o in Obligation.objects.filter(year=year)
        }
        wanted: dict[tuple, tuple] = {}
        for rt in types:
            if not rt.is_active:
                continue
            for owner, period, event in _needed(rt, ctx, events):
                key = (
                    rt.pk,
                    owner.staff.pk if owner.staff else None,
                    owner.department.pk if owner.department else None,
                    period.key,
                )
                wanted[key] = (rt, owner, period, event)
        # Folders, level by level.
        owner_specs, type_specs, period_specs = {}, {}, {}
        for rt, owner, period, _event in wanted.values():
            owner_specs.setdefault(owner.key, (owner, None))
            tkey = f"{owner.key}/t{rt.pk}"
            type_specs.setdefault(
                tkey,
                {
                    "key": tkey,
                    "parent_key": owner.key,
                    "name": rt.name,
                    "suffix": rt.code,
                    "owner_kind": owner.kind,
                    "owner_staff": owner.staff,
                    "owner_department": owner.department,
                    "record_type": rt,
                },
            )
            pkey = f"{tkey}/p{period.key}"
            period_specs.setdefault(
                pkey,
                {
                    "key": pkey,
                    "parent_key": tkey,
                    "name": period.label,
                    "suffix": period.key,
                    "owner_kind": owner.kind,
                    "owner_staff": owner.staff,
                    "owner_department": owner.department,
                    "record_type": rt,
                    "period_key": period.key,
                },
            )
        folders.ensure([_owner_folder_spec(o, ctx) for o, _ in owner_specs.values()])
        folders.ensure(list(type_specs.values()))
        folders.ensure(list(period_specs.values()))
        # Obligations.
        new, changed = [], []
        for key, (rt, owner, period, event) in wanted.items():
            ob = existing.get(key)
            if ob is None:
                new.append(
                    Obligation(
                        school_id=year.school_id,
                        year=year,
                        record_type=rt,
                        folder=folders.by_key[f"{owner.key}/t{rt.pk}/p{period.key}"],
                        owner_kind=owner.kind,
                        owner_staff=owner.staff,
                        owner_department=owner.department,
                        period_key=period.key,
                        period_label=period.label[:120],
                        period_start=period.start,
                        period_end=period.end,
                        due_at=period.due_at,
                        chain=list(rt.chain),
                        event=event,
                    )
                )
                continue
            dirty = False
            if not ob.is_active:
                ob.is_active, dirty = True, True
            if ob.first_submitted_at is None and (
                ob.due_at != period.due_at or ob.period_label != period.label[:120]
            ):
                ob.due_at, ob.period_label, dirty = period.due_at, period.label[:120], True
            if ob.state in (ObligationState.PENDING, ObligationState.DRAFT) and ob.chain != list(
                rt.chain
            ):
                ob.chain, dirty = list(rt.chain), True
            if dirty:
                changed.append(ob)
        Obligation.objects.bulk_create(new, batch_size=500)
        if changed:
            Obligation.objects.bulk_update(
                changed, ["is_active", "due_at", "period_label", "chain"], batch_size=500
            )
        # No longer required: inactive if nothing was ever submitted and it is not yet due.
        stale = [
            ob.pk
            for key, ob in existing.items()
            if key not in wanted
            and ob.is_active
            and ob.first_submitted_at is None
            and ob.state == ObligationState.PENDING
            and ob.due_at > now
        ]
        if stale:
            Obligation.objects.filter(Q(pk__in=stale)).update(is_active=False)
        result = {
            "folders": folders.created,
            "created": len(new),
            "updated": len(changed),
            "deactivated": len(stale),
        }
        if folders.renamed:
            result["renamed"] = folders.renamed
        if audit and (folders.created or folders.renamed or new or changed or stale):
            audit_record(
                event_type="records.sync",
                actor=user,
                school_id=year.school_id,
                target=year,
                after=result,
            )
        return result
