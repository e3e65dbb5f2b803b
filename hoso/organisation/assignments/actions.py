"""Every write of teaching and homeroom assignments (phân công chuyên môn), ADR 0004.

Keyword-only, typed, taking the actor; each checks the policy, locks the class row (SELECT …
FOR UPDATE: writers of one class's assignments queue there), changes the rows, writes one audit
event per cell with the rows before and after, and notifies the teachers concerned. The same
functions serve the editor, the year rollover (next year's homerooms) and an importer: errors are
``DomainError`` with a code and a field (``errors.py``).

A change "from day D (to day E)" never rewrites a period already in force: the row in force
before D ends on D − 1, the new teacher's row starts on D, and, for a temporary replacement
that ends on E, the replaced teacher's row resumes on E + 1. A row that has not come into force
yet (a future change, or the table prepared before the year starts) may be corrected or removed
in place — unless its teacher already entered, finalised or confirmed something there
(``ownership.py``). Cells entered, columns finalised and sign-offs keep who did them: nothing
here touches them.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse

from hoso.accounts.actor import Actor
from hoso.accounts.policies import log_denied
from hoso.accounts.roles import Role
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.text import nfc
from hoso.organisation.assignments import ownership
from hoso.organisation.assignments.errors import AssignmentError, fail
from hoso.organisation.assignments.policies import can_approve_assignments, can_manage_assignments
from hoso.organisation.assignments.selectors import homeroom_teacher_of, reference_day
from hoso.organisation.models import (
    AssignmentApproval,
    DatedAssignment,
    Department,
    HomeroomAssignment,
    SchoolClass,
    SchoolYear,
    Staff,
    Subject,
    SubjectOffering,
    TeachingAssignment,
    Term,
)
from hoso.organisation.staff.positions import is_self

REASON_MAX = 300
ONE_DAY = timedelta(days=1)


class _Unchecked:
    def __repr__(self) -> str:
        return "UNCHECKED"


#: ``expected=UNCHECKED``: the caller does not say what it saw (a batch, the rollover).
UNCHECKED = _Unchecked()


def vn_date(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


# --- the timeline of one cell (or one class's homeroom) ----------------------------------------


@dataclass
class Segment:
    """A period of one teacher: ``row`` is the stored row (None: a row to create)."""

    row: DatedAssignment | None
    teacher: Staff
    start: date  # the row's first day (no start: the term's, or the year's, first day)
    end: date | None  # None: open-ended

    def as_dict(self) -> dict:
        return {
            "teacher_id": self.teacher.pk,
            "teacher": self.teacher.full_name,
            "starts_on": self.start.isoformat(),
            "ends_on": self.end.isoformat() if self.end else None,
        }


def _timeline(rows: list[DatedAssignment], floor: date) -> list[Segment]:
    segments = [Segment(r, r.teacher, r.starts_on or floor, r.ends_on) for r in rows]
    return sorted(segments, key=lambda s: (s.start, s.row.pk if s.row else 0))


def _plan(
    old: list[Segment], teacher: Staff | None, start: date, end: date | None, today: date
) -> list[Segment]:
    """The timeline after giving [start, end] to ``teacher`` (None: to nobody)."""
    stop = end or date.max
    out: list[Segment] = []
    for seg in old:
        seg_end = seg.end or date.max
        if seg_end < start or seg.start > stop:
            out.append(replace(seg))
            continue
        head = seg.start < start
        if head:
            out.append(replace(seg, end=start - ONE_DAY))
        if seg_end > stop:  # a temporary change: the teacher of the period resumes after it
            out.append(replace(seg, row=None if head else seg.row, start=stop + ONE_DAY))
    if teacher is not None:
        out.append(Segment(None, teacher, start, end))
    out.sort(key=lambda s: s.start)
    merged: list[Segment] = []
    for seg in out:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.teacher.pk == seg.teacher.pk
            and prev.end is not None
            and prev.end + ONE_DAY == seg.start
            and (seg.row is None or seg.start > today)
        ):
            prev.end = seg.end  # one teacher's adjacent periods are one row
            continue
        merged.append(seg)
    return merged


@dataclass
class AssignmentChange:
    """What one call changed in one cell (or one class's homeroom), for the caller, the audit
    trail and the notifications."""

    kind: str  # "teaching" | "homeroom"
    school_class: SchoolClass
    subject: Subject | None
    term: Term | None
    teacher: Staff | None  # who holds the period now (None: nobody)
    starts_on: date
    ends_on: date | None
    reason: str
    before: list[dict] = field(default_factory=list)
    after: list[dict] = field(default_factory=list)
    replaced: list[Staff] = field(default_factory=list)  # who lost (part of) the period
    homeroom_teacher: Staff | None = None  # the class's homeroom teacher, told of the change
    event_id: int | None = None

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def what(self) -> str:
        if self.kind == "homeroom":
            return f"chủ nhiệm lớp {self.school_class.name}"
        return f"{self.subject.name} lớp {self.school_class.name} ({self.term})"


def _clean_reason(reason: str) -> str:
    text = nfc(reason)
    if len(text) > REASON_MAX:
        raise fail(AssignmentError.TOO_LONG, field="reason", limit=REASON_MAX, length=len(text))
    return text


def _check_allowed(actor: Actor, year: SchoolYear) -> None:
    if not year.writable_for("organisation"):
        raise fail(AssignmentError.YEAR_CLOSED)
    if not can_manage_assignments(actor, year):
        raise fail(AssignmentError.NOT_ALLOWED)


def _check_period(year: SchoolYear, starts_on: date | None, ends_on: date | None):
    start = starts_on or year.start_date
    if not year.start_date <= start <= year.end_date:
        raise fail(
            AssignmentError.BAD_DATE,
            field="starts_on",
            detail=(
                f"Ngày hiệu lực phải trong năm học {year.name} "
                f"(từ {vn_date(year.start_date)} đến {vn_date(year.end_date)})."
            ),
        )
    if ends_on is not None:
        if ends_on < start:
            raise fail(
                AssignmentError.BAD_DATE,
                field="ends_on",
                detail="Ngày kết thúc phải từ ngày hiệu lực trở về sau.",
            )
        if ends_on > year.end_date:
            raise fail(
                AssignmentError.BAD_DATE,
                field="ends_on",
                detail=f"Ngày kết thúc phải trong năm học (đến {vn_date(year.end_date)}).",
            )
        if ends_on == year.end_date:
            ends_on = None  # to the end of the year is until changed
    return start, ends_on


def _check_teacher(year: SchoolYear, teacher: Staff | None, start: date) -> None:
    if teacher is None:
        return
    if teacher.school_id != year.school_id:
        raise fail(
            AssignmentError.BAD_TEACHER, field="teacher", detail="Giáo viên không thuộc trường."
        )
    if not teacher.is_active or (teacher.end_date is not None and teacher.end_date < start):
        raise fail(
            AssignmentError.BAD_TEACHER,
            field="teacher",
            detail=f"{teacher.full_name} không còn công tác tại trường từ ngày {vn_date(start)}.",
        )


def _checked(actor, year, teacher, reason, starts_on, ends_on) -> tuple[str, date, date | None]:
    """The checks every change makes first: allowed, reason, period, teacher."""
    _check_allowed(actor, year)
    if teacher is not None and is_self(actor, teacher):
        log_denied(actor, kind="forbidden", what=f"tự phân công {teacher.full_name}")
        raise fail(AssignmentError.SELF, field="teacher")
    reason = _clean_reason(reason)
    start, end = _check_period(year, starts_on, ends_on)
    _check_teacher(year, teacher, start)
    return reason, start, end


def _locked_class(school_class: SchoolClass) -> SchoolClass:
    """Lock the class row: every writer of this class's assignments queues here."""
    return (
        SchoolClass.objects.select_for_update(of=("self",))
        .select_related("year", "grade")
        .get(pk=school_class.pk)
    )


def _holder(timeline: list[Segment], day: date) -> int | None:
    for seg in timeline:
        if seg.start <= day and (seg.end is None or day <= seg.end):
            return seg.teacher.pk
    return None


def _rewrite(
    *,
    actor: Actor,
    year: SchoolYear,
    floor: date,
    rows: list[DatedAssignment],
    teacher: Staff | None,
    start: date,
    end: date | None,
    reason: str,
    work,
    make_row,
) -> tuple[list[Segment], list[Segment]]:
    """Give [start, end] to ``teacher`` over ``rows`` (one cell's, locked) and store the
    result. ``floor``: the first day of a row without a start (the term's for a teaching row:
    a term-II row has not begun during term I). ``work(user)`` lists what a teacher did there;
    ``make_row(teacher)`` builds a new row. Returns (before, after)."""
    today = clock.today()
    old = _timeline(rows, floor)
    new = _plan(old, teacher, start, end, today)
    kept = {seg.row.pk: seg for seg in new if seg.row is not None}
    cut_short = False
    for seg in old:
        after = kept.get(seg.row.pk)
        if seg.start <= today:  # has been in force: its past stays as it was
            if after is None or after.start != seg.start:
                raise fail(
                    AssignmentError.HISTORY,
                    field="starts_on",
                    teacher=seg.teacher.full_name,
                    since=vn_date(seg.start),
                )
            cut_short = cut_short or (
                after.end is not None and (seg.end is None or after.end < seg.end)
            )
        elif (after is None or after.start != seg.start) and _holder(
            new, seg.start
        ) != seg.teacher.pk:
            done = work(seg.teacher.user)
            if done:
                raise fail(
                    AssignmentError.HAS_ENTRIES,
                    field="teacher",
                    teacher=seg.teacher.full_name,
                    what=", ".join(done),
                )
    if cut_short and not reason:
        raise fail(AssignmentError.REASON_REQUIRED, field="reason")
    if [s.as_dict() for s in old] == [s.as_dict() for s in new]:
        return old, new
    now = clock.now()
    for seg in old:
        if seg.row.pk not in kept:
            seg.row.delete()
    changed = []
    for seg in old:
        after = kept.get(seg.row.pk)
        if after is None or (after.start, after.end) == (seg.start, seg.end):
            continue
        row = seg.row
        if after.start != seg.start:
            row.starts_on = None if after.start <= year.start_date else after.start
        row.ends_on = after.end
        if after.end is not None and (seg.end is None or after.end < seg.end):
            row.end_reason, row.ended_by, row.ended_at = reason, actor.user, now
        elif after.end is None:
            row.end_reason, row.ended_by, row.ended_at = "", None, None
        changed.append(row)
    # Close rows before opening others: one open row per cell at every statement.
    for row in sorted(changed, key=lambda r: r.ends_on is None):
        row.save(update_fields=["starts_on", "ends_on", "end_reason", "ended_by", "ended_at"])
    for seg in new:
        if seg.row is None:
            row = make_row(seg.teacher)
            row.starts_on = None if seg.start <= year.start_date else seg.start
            row.ends_on = seg.end
            row.reason = reason
            row.created_by = actor.user
            row.created_at = now
            row.save()
            seg.row = row
    return old, new


def _check_expected(expected, rows: list[DatedAssignment], day: date, what: str) -> None:
    if expected is UNCHECKED:
        return
    current = next((r for r in rows if r.is_in_force(day)), None)
    if (current.pk if current else None) != (int(expected) if expected else None):
        now = current.teacher.full_name if current else "chưa phân công"
        raise fail(AssignmentError.CONFLICT, field="teacher", what=what, now=now)


def _replaced(before: list[Segment], after: list[Segment], start: date, end: date | None):
    """Teachers who held part of [start, end] before and no longer do."""
    stop = end or date.max
    kept = {s.teacher.pk for s in after if s.start <= stop and (s.end or date.max) >= start}
    out = {}
    for s in before:
        if s.start <= stop and (s.end or date.max) >= start and s.teacher.pk not in kept:
            out[s.teacher.pk] = s.teacher
    return list(out.values())


# --- one cell, one homeroom ---------------------------------------------------------------------


def _change(
    *,
    actor: Actor,
    school_class: SchoolClass,
    subject: Subject | None,
    term: Term | None,
    teacher: Staff | None,
    start: date,
    end: date | None,
    reason: str,
    expected,
    notify: bool,
) -> AssignmentChange:
    """Lock the class, rewrite the rows of the cell (``subject`` and ``term``) or of the
    homeroom (neither), audit and notify: the common body of the two actions below."""
    year = school_class.year
    kind = "homeroom" if subject is None else "teaching"
    what = (
        f"chủ nhiệm lớp {school_class.name}"
        if subject is None
        else f"{subject.name} lớp {school_class.name} ({term})"
    )
    try:
        with transaction.atomic():
            locked = _locked_class(school_class)
            if subject is None:
                model, cell = HomeroomAssignment, {"school_class": locked}
                floor = year.start_date

                def work(user) -> list[str]:
                    return ownership.homeroom_work(school_class=locked, user=user)

            else:
                model = TeachingAssignment
                cell = {"school_class": locked, "subject": subject, "term": term}
                floor = max(term.start_date, year.start_date)

                def work(user) -> list[str]:
                    return ownership.teaching_work(**cell, user=user)

            rows = list(
                model.objects.select_for_update(of=("self",))
                .filter(**cell)
                .select_related("teacher__user")
            )
            _check_expected(expected, rows, start, what)
            before, after = _rewrite(
                actor=actor,
                year=year,
                floor=floor,
                rows=rows,
                teacher=teacher,
                start=start,
                end=end,
                reason=reason,
                work=work,
                make_row=lambda t: model(teacher=t, **cell),
            )
            change = AssignmentChange(
                kind=kind,
                school_class=locked,
                subject=subject,
                term=term,
                teacher=teacher,
                starts_on=start,
                ends_on=end,
                reason=reason,
                before=[s.as_dict() for s in before],
                after=[s.as_dict() for s in after],
                replaced=_replaced(before, after, start, end),
            )
            if not change.changed:
                return change
            if kind == "teaching":
                change.homeroom_teacher = homeroom_teacher_of(locked, on=start)
            change.event_id = _audit(actor, change).pk
            if notify:
                notify_changes([change], actor=actor)
            return change
    except IntegrityError:  # a second open row for the cell: someone else won the race
        raise fail(AssignmentError.CONFLICT, field="teacher", what=what, now="đã có giáo viên")


def assignment_set(
    *,
    actor: Actor,
    school_class: SchoolClass,
    subject: Subject,
    term: Term,
    teacher: Staff | None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    reason: str = "",
    expected=UNCHECKED,
    notify: bool = True,
) -> AssignmentChange:
    """``teacher`` teaches ``subject`` in ``school_class`` for ``term`` from ``starts_on``
    (None: the beginning of the year) until ``ends_on`` (None: until changed; a date: a
    temporary replacement, after which the teacher it replaced resumes). ``teacher=None`` leaves
    the period without a teacher. ``expected``: the id of the row the caller saw in force on
    ``starts_on`` (None: none), refused with CONFLICT if it changed meanwhile."""
    year = school_class.year
    reason, start, end = _checked(actor, year, teacher, reason, starts_on, ends_on)
    if term.year_id != year.pk:
        raise fail(AssignmentError.BAD_TERM, field="term")
    if (
        subject.school_id != year.school_id
        or not SubjectOffering.objects.filter(
            subject=subject, grade_id=school_class.grade_id
        ).exists()
    ):
        raise fail(
            AssignmentError.NOT_OFFERED,
            field="subject",
            subject=subject.name,
            grade=school_class.grade.number,
        )
    return _change(
        actor=actor,
        school_class=school_class,
        subject=subject,
        term=term,
        teacher=teacher,
        start=start,
        end=end,
        reason=reason,
        expected=expected,
        notify=notify,
    )


def homeroom_set(
    *,
    actor: Actor,
    school_class: SchoolClass,
    teacher: Staff | None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    reason: str = "",
    expected=UNCHECKED,
    notify: bool = True,
) -> AssignmentChange:
    """``teacher`` is the homeroom teacher (giáo viên chủ nhiệm) of ``school_class`` from
    ``starts_on`` until ``ends_on`` — same rules as :func:`assignment_set`. The year rollover
    calls it for next year's classes (``starts_on=None``)."""
    year = school_class.year
    reason, start, end = _checked(actor, year, teacher, reason, starts_on, ends_on)
    return _change(
        actor=actor,
        school_class=school_class,
        subject=None,
        term=None,
        teacher=teacher,
        start=start,
        end=end,
        reason=reason,
        expected=expected,
        notify=notify,
    )


def _audit(actor: Actor, change: AssignmentChange):

    detail = {
        "starts_on": change.starts_on.isoformat(),
        "ends_on": change.ends_on.isoformat() if change.ends_on else None,
        "reason": change.reason,
    }
    if change.kind == "teaching":
        detail |= {
            "class": change.school_class.name,
            "subject": change.subject.code,
            "term": change.term.number,
        }
    else:
        detail["class"] = change.school_class.name
    common = {
        "actor": actor.user,
        "school_id": change.school_class.year.school_id,
        "target": change.school_class,
        "target_repr": f"Phân công {change.what}"[:300],
        "before": {"rows": change.before},
        "after": {"rows": change.after, **detail},
        "acting_as": actor.acting_as_for(Role.PRINCIPAL),
    }
    if change.kind == "teaching":
        return audit_record(event_type="assignment.teaching_changed", **common)
    return audit_record(event_type="assignment.homeroom_changed", **common)


# --- several at once ---------------------------------------------------------------------------


@dataclass
class CellEdit:
    """One edit for :func:`assignments_apply`: a teaching cell (subject and term) or a
    homeroom (neither)."""

    school_class: SchoolClass
    teacher: Staff | None
    subject: Subject | None = None
    term: Term | None = None
    expected: object = UNCHECKED


class BatchError(DomainError):
    """Some edits of a batch were refused; nothing was saved. ``errors``: (index, DomainError)."""

    def __init__(self, errors: list[tuple[int, DomainError]]):
        self.errors = errors
        n = len(errors)
        super().__init__(
            errors[0][1].code,
            f"Không lưu thay đổi nào: {n} ô không hợp lệ. " + errors[0][1].message,
            field=errors[0][1].field,
        )


def assignments_apply(
    *,
    actor: Actor,
    edits: list[CellEdit],
    starts_on: date | None = None,
    ends_on: date | None = None,
    reason: str = "",
) -> list[AssignmentChange]:
    """Apply many edits from one date, all or nothing (the editor's form, an importer). Raises
    ``BatchError`` listing every refused edit by its index; the teachers are told once each."""
    changes: list[AssignmentChange] = []
    errors: list[tuple[int, DomainError]] = []
    with transaction.atomic():
        for index, edit in enumerate(edits):
            common = {
                "actor": actor,
                "school_class": edit.school_class,
                "teacher": edit.teacher,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "reason": reason,
                "expected": edit.expected,
                "notify": False,
            }
            try:
                if edit.subject is None:
                    changes.append(homeroom_set(**common))
                else:
                    changes.append(assignment_set(subject=edit.subject, term=edit.term, **common))
            except DomainError as exc:
                errors.append((index, exc))
        if errors:
            transaction.set_rollback(True)
        else:
            notify_changes(changes, actor=actor)
    if errors:
        raise BatchError(errors)
    return [c for c in changes if c.changed]


def teacher_replace(
    *,
    actor: Actor,
    teacher: Staff,
    replacement: Staff,
    starts_on: date,
    ends_on: date | None = None,
    reason: str,
    year: SchoolYear,
    cells: list[tuple[int, int, int]] | None = None,
    include_homeroom: bool = True,
) -> list[AssignmentChange]:
    """Thay giáo viên từ ngày: ``replacement`` takes ``teacher``'s cells from ``starts_on``
    (until ``ends_on`` for a temporary replacement), all or nothing. ``cells``: (class id,
    subject id, term id) to take (default: every cell ``teacher`` holds in the period in a term
    that has not ended before ``starts_on``); its homeroom classes too unless told not to."""
    _check_allowed(actor, year)
    if replacement.pk == teacher.pk:
        raise fail(
            AssignmentError.BAD_TEACHER,
            field="replacement",
            detail="Giáo viên dạy thay phải khác giáo viên được thay.",
        )
    if not nfc(reason):
        raise fail(AssignmentError.REASON_REQUIRED, field="reason")
    start, end = _check_period(year, starts_on, ends_on)
    stop = end or date.max
    held = (
        TeachingAssignment.objects.filter(teacher=teacher, school_class__year=year)
        .exclude(ends_on__lt=start)
        .exclude(starts_on__gt=stop)
        .select_related("school_class__year", "school_class__grade", "subject", "term")
        .order_by("term__number", "school_class__grade__number", "school_class__name", "pk")
    )
    targets = []
    for row in held:
        key = (row.school_class_id, row.subject_id, row.term_id)
        if cells is not None and key not in cells:
            continue
        if cells is None and row.term.end_date < start:
            continue  # a term over before the change stays with who taught it
        targets.append(row)
    homerooms = []
    if include_homeroom:
        homerooms = list(
            HomeroomAssignment.objects.filter(teacher=teacher, school_class__year=year)
            .exclude(ends_on__lt=start)
            .exclude(starts_on__gt=stop)
            .select_related("school_class__year")
            .order_by("school_class__name", "pk")
        )
    if not targets and not homerooms:
        raise fail(
            AssignmentError.NOTHING_TO_DO,
            field="teacher",
            detail=f"{teacher.full_name} không có phân công nào từ ngày {vn_date(start)}.",
        )

    def period(row) -> tuple[date, date | None]:
        """The part of [start, end] that this row of ``teacher`` holds."""
        first = max(start, row.starts_on or start)
        last = min(stop, row.ends_on or date.max)
        return first, (None if last == date.max else last)

    changes = []
    with transaction.atomic():
        for row in targets:
            first, last = period(row)
            changes.append(
                assignment_set(
                    actor=actor,
                    school_class=row.school_class,
                    subject=row.subject,
                    term=row.term,
                    teacher=replacement,
                    starts_on=first,
                    ends_on=last,
                    reason=reason,
                    notify=False,
                )
            )
        for row in homerooms:
            first, last = period(row)
            changes.append(
                homeroom_set(
                    actor=actor,
                    school_class=row.school_class,
                    teacher=replacement,
                    starts_on=first,
                    ends_on=last,
                    reason=reason,
                    notify=False,
                )
            )
        changes = [c for c in changes if c.changed]
        notify_changes(changes, actor=actor)
    return changes


def assignments_copy_term(
    *, actor: Actor, year: SchoolYear, source: Term, target: Term
) -> list[AssignmentChange]:
    """Sao chép phân công: every cell of ``source`` with a teacher now gets the same teacher in
    ``target`` when that cell has never been assigned (cells already assigned are left alone)."""
    _check_allowed(actor, year)
    if source.year_id != year.pk or target.year_id != year.pk or source.pk == target.pk:
        raise fail(AssignmentError.BAD_TERM, field="term")
    day = reference_day(year)
    taken = set(
        TeachingAssignment.objects.filter(term=target).values_list("school_class_id", "subject_id")
    )
    sources = [
        a
        for a in TeachingAssignment.objects.in_force(day)
        .filter(term=source)
        .select_related("school_class__year", "school_class__grade", "subject", "teacher")
        .order_by("school_class__grade__number", "school_class__name", "subject__order")
        if (a.school_class_id, a.subject_id) not in taken
    ]
    if not sources:
        raise fail(
            AssignmentError.NOTHING_TO_DO,
            field="term",
            detail=f"Không có ô nào của {source} để sao chép sang {target} (các ô đã có giáo viên).",
        )
    with transaction.atomic():
        changes = [
            assignment_set(
                actor=actor,
                school_class=a.school_class,
                subject=a.subject,
                term=target,
                teacher=a.teacher,
                reason=f"Sao chép từ {source}",
                notify=False,
            )
            for a in sources
        ]
        notify_changes(changes, actor=actor)
    return changes


# --- the principal's approval, departments -----------------------------------------------------


def table_digest(year: SchoolYear) -> tuple[str, dict]:
    """A hash of every assignment row of the year (any change alters it) and counts."""
    teaching = list(
        TeachingAssignment.objects.filter(school_class__year=year)
        .order_by("pk")
        .values_list(
            "pk", "teacher_id", "school_class_id", "subject_id", "term_id", "starts_on", "ends_on"
        )
    )
    homerooms = list(
        HomeroomAssignment.objects.filter(school_class__year=year)
        .order_by("pk")
        .values_list("pk", "teacher_id", "school_class_id", "starts_on", "ends_on")
    )
    payload = json.dumps([teaching, homerooms], default=str, separators=(",", ":"))
    summary = {
        "teaching_rows": len(teaching),
        "homeroom_rows": len(homerooms),
        "teachers": len({t[1] for t in teaching} | {h[1] for h in homerooms}),
    }
    return hashlib.sha256(payload.encode()).hexdigest(), summary


def assignment_table_approve(
    *, actor: Actor, year: SchoolYear, note: str = ""
) -> AssignmentApproval:
    """Hiệu trưởng duyệt bảng phân công chuyên môn as it stands. The table is in force without
    it (the vice principal runs the professional work); the approval records what the principal
    approved, and the editor shows every change made since."""
    if not year.writable_for("organisation"):
        raise fail(AssignmentError.YEAR_CLOSED)
    if not can_approve_assignments(actor, year):
        raise fail(AssignmentError.NOT_ALLOWED)
    note = nfc(note)
    if len(note) > 500:
        raise fail(AssignmentError.TOO_LONG, field="note", limit=500, length=len(note))
    with transaction.atomic():
        SchoolYear.objects.select_for_update().get(pk=year.pk)
        digest, summary = table_digest(year)
        approval = AssignmentApproval.objects.create(
            year=year,
            approved_by=actor.user,
            approved_at=clock.now(),
            note=note,
            digest=digest,
            summary=summary,
        )
        audit_record(
            event_type="assignment.table_approved",
            actor=actor.user,
            school_id=year.school_id,
            target=approval,
            target_repr=f"Duyệt bảng phân công chuyên môn năm học {year.name}",
            before=None,
            after={"digest": digest, **summary, "note": note},
            acting_as=actor.acting_as_for(Role.PRINCIPAL),
        )
    return approval


def staff_department_set(*, actor: Actor, staff: Staff, department: Department | None) -> Staff:
    """Put a teacher in a department (tổ chuyên môn), or in none. Heads and deputies are set up
    with the departments themselves."""
    if actor.year is None or not can_manage_assignments(actor):
        raise fail(AssignmentError.NOT_ALLOWED)
    if staff.school_id != actor.school_id or (
        department is not None and department.school_id != actor.school_id
    ):
        raise fail(AssignmentError.BAD_DEPARTMENT, field="department")
    with transaction.atomic():
        locked = (
            Staff.objects.select_for_update(of=("self",))
            .select_related("department")
            .get(pk=staff.pk)
        )
        before = locked.department
        if (before.pk if before else None) == (department.pk if department else None):
            return locked
        locked.department = department
        locked.save(update_fields=["department"])
        audit_record(
            event_type="staff.department_changed",
            actor=actor.user,
            school_id=actor.school_id,
            target=locked,
            target_repr=f"Tổ chuyên môn của {locked.full_name}",
            before={"department": before.name if before else None},
            after={"department": department.name if department else None},
        )
    return locked


# --- telling the people concerned -------------------------------------------------------------


def _period_text(change: AssignmentChange) -> str:
    text = f"từ ngày {vn_date(change.starts_on)}"
    if change.ends_on:
        text += f" đến hết ngày {vn_date(change.ends_on)}"
    return text


def notify_changes(changes: list[AssignmentChange], *, actor: Actor) -> int:
    """One notification per person concerned by ``changes`` (the new teacher, the teachers it
    replaces, the class's homeroom teacher), listing what changed for them. Returns how many."""
    from hoso.notifications.actions import notify

    lines: dict[int, list[str]] = defaultdict(list)
    users = {}
    keys: dict[int, list[str]] = defaultdict(list)
    for change in changes:
        if not change.changed:
            continue
        period = _period_text(change)
        reason = f" Lý do: {change.reason}." if change.reason else ""
        replaced = ", ".join(t.full_name for t in change.replaced)
        newcomer = change.teacher

        def tell(staff, text, change=change):
            if staff is None or staff.user_id is None or staff.user_id == actor.user.pk:
                return
            users[staff.user_id] = staff.user
            if text not in lines[staff.user_id]:
                lines[staff.user_id].append(text)
            keys[staff.user_id].append(str(change.event_id))

        if newcomer is not None:
            instead = f", thay {replaced}" if replaced else ""
            tell(newcomer, f"{period}, bạn được phân công {change.what}{instead}.{reason}")
        for old in change.replaced:
            after = f"do {newcomer.full_name} đảm nhận" if newcomer else "chưa có người đảm nhận"
            tell(
                old,
                f"{period}, {change.what} {after}. Điểm và hồ sơ bạn đã nhập vẫn ghi tên bạn."
                f"{reason}",
            )
        if change.kind == "teaching":
            homeroom = change.homeroom_teacher
            who = newcomer.full_name if newcomer else "chưa có giáo viên"
            tell(homeroom, f"Lớp {change.school_class.name}: {period}, {change.what}: {who}.")
    sent = 0
    url = reverse("organisation:assignments")
    school = changes[0].school_class.year.school if changes else None
    for user_id, texts in lines.items():
        more = len(texts) - 3
        text = " ".join(texts[:3]) + (f" Và {more} thay đổi khác." if more > 0 else "")
        made = notify(
            user=users[user_id],
            school=school,
            kind="assignment_changed",
            text=f"Thay đổi phân công: {text}",
            url=url,
            dedupe_key=f"assignment:{','.join(keys[user_id][:8])}",
            email_subject="Thay đổi phân công chuyên môn",
        )
        sent += made is not None
    return sent
