"""The absences of the results come from attendance (issue 13 item 2).

When a school's attendance source is "daily" (``AttendanceSettings.source``, the default) the
homeroom teacher no longer types a total per term: every ``AttendanceChanged`` (a roll, a
confirmation, a leave request, the finalising job) brings the per-term totals of the class's
students — from :func:`hoso.attendance.selectors.totals`, the one count of missed counted
sessions — into ``HomeroomInput`` (``absences_termN`` = P + K + not yet confirmed, with
``excused_termN`` / ``unexcused_termN``), audited, and the results follow as they follow the
grades. A student who changed class keeps the old class's absences (totals are per student).
An approved term is frozen: its totals are not rewritten (a correction goes through the
principal's reopening, like any approved result).

Warnings: when a student's counted absences in the year reach the school's ``warn_from`` (30 by
default) and again at the rule set's limit (45 sessions at lower and upper secondary; primary
has none), the homeroom teacher and the student's guardians with an account are notified —
once per threshold crossing (the crossing is seen by comparing the stored total before and
after; the notification's dedupe key makes a re-delivered event harmless).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from hoso.assessment.rules import get_ruleset
from hoso.attendance.selectors import settings_for, totals
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.gradebook.results.compute import TERM1, TERM2, YEAR, class_ruleset
from hoso.gradebook.results.models import ClassResult, HomeroomInput
from hoso.notifications.actions import notify
from hoso.organisation.assignments.selectors import homeroom_teacher_of
from hoso.organisation.models import SchoolClass, SchoolYear
from hoso.students.models import Enrolment, Student, StudentGuardian

#: the fields the follow-up writes, per term number
TERM_FIELDS = {n: (f"absences_term{n}", f"excused_term{n}", f"unexcused_term{n}") for n in (1, 2)}
ABSENCE_FIELDS = ("absences_term1", "absences_term2")
FROM_ATTENDANCE_LABEL = "Từ điểm danh"


def from_attendance(school_id: int) -> bool:
    """Whether the school's absence totals come from the daily rolls (not typed)."""
    return settings_for(school_id).source == "daily"


def pk_counts(hi, numbers: Iterable[int]) -> tuple[int, int] | None:
    """(P, K) of these terms summed from a homeroom input (a model or a dict), None when the
    split is unknown (typed totals)."""
    if hi is None:
        return None
    get = hi.get if isinstance(hi, dict) else lambda k: getattr(hi, k, None)
    values = [(get(f"excused_term{n}"), get(f"unexcused_term{n}")) for n in numbers]
    if all(e is None and u is None for e, u in values):
        return None
    return sum(e or 0 for e, _ in values), sum(u or 0 for _, u in values)


def pk_split(hi, number: int | None = None) -> str:
    """ "P 2 · K 1" of a term (``number``) or of the year (None); the rest of the total is not
    yet confirmed. "" when unknown."""
    counts = pk_counts(hi, (number,) if number else (1, 2))
    return f"P {counts[0]} · K {counts[1]}" if counts else ""


def absence_limit(school_class: SchoolClass) -> int | None:
    """The rule set's limit of missed sessions in a year (45 at secondary), None when it has
    none (primary, TT27: absences never block)."""
    try:
        ruleset = get_ruleset(class_ruleset(school_class))
    except LookupError:
        return None
    return getattr(getattr(ruleset, "params", None), "absence_limit", None)


@dataclass
class SyncSummary:
    students: int = 0
    changed: list[int] = field(default_factory=list)
    classes: set[int] = field(default_factory=set)  # the classes whose results may follow
    warnings: int = 0


def _current_class(year: SchoolYear, student_ids: Iterable[int]) -> dict[int, int]:
    """Each student's class of the year for the results: the class that carries its year
    (``Enrolment.objects.last_of_year``: the open enrolment, else the last one)."""
    return dict(
        Enrolment.objects.filter(year=year, student_id__in=list(student_ids))
        .last_of_year()
        .values_list("student_id", "school_class_id")
    )


def _frozen_terms(class_ids: Iterable[int]) -> dict[int, set[int]]:
    """Per class, the term numbers whose results are approved (and so frozen)."""
    frozen: dict[int, set[int]] = defaultdict(set)
    for cid, period in ClassResult.objects.filter(
        school_class_id__in=list(class_ids), state=ClassResult.State.APPROVED
    ).values_list("school_class_id", "period"):
        if period in (TERM1, YEAR):
            frozen[cid].add(1)
        if period in (TERM2, YEAR):
            frozen[cid].add(2)
    return frozen


def sync_absences(year: SchoolYear, class_ids: Iterable[int]) -> SyncSummary:
    """Write the per-term totals from attendance of every student who was a member of these
    classes in ``year`` (now or before a class change) into ``HomeroomInput``; audited in one
    event per school. Nothing when the school's source is "typed". Then warns (see above)."""
    summary = SyncSummary()
    settings = settings_for(year.school_id)
    if settings.source != "daily":
        return summary
    class_ids = list(class_ids)
    student_ids = set(
        Enrolment.objects.filter(year=year, school_class_id__in=class_ids).values_list(
            "student_id", flat=True
        )
    )
    summary.students = len(student_ids)
    if not student_ids:
        return summary
    per_term = {
        t.number: totals(
            school_id=year.school_id,
            start=t.start_date,
            end=t.end_date,
            student_ids=student_ids,
            settings=settings,
        )
        for t in year.terms.all()
    }
    current = _current_class(year, student_ids)
    frozen = _frozen_terms(set(current.values()))
    with transaction.atomic():
        existing = {
            hi.student_id: hi
            for hi in HomeroomInput.objects.select_for_update().filter(
                year=year, student_id__in=student_ids
            )
        }
        before, after, creates = {}, {}, []
        # Updates grouped by the values they set: one UPDATE … WHERE id IN (…) per group (a
        # month's totals take a few dozen distinct values; bulk_update's CASE per row is slow).
        updates: dict[tuple, list[int]] = defaultdict(list)
        crossings: list[tuple[int, int, int]] = []  # (student, old year total, new)
        for sid in sorted(student_ids):
            hi = existing.get(sid)
            old_total = _year_total(hi)
            new_values = {}
            for number, found in per_term.items():
                if number in frozen.get(current.get(sid), set()):
                    continue
                t = found.get(sid)
                absent, excused, unexcused = (t.absent, t.excused, t.unexcused) if t else (0, 0, 0)
                names = TERM_FIELDS[number]
                new_values.update(dict(zip(names, (absent, excused, unexcused), strict=True)))
            old_values = {k: getattr(hi, k) if hi else None for k in new_values}
            diff = {k: v for k, v in new_values.items() if old_values[k] != v}
            if not diff:
                continue
            if hi is None:
                hi = HomeroomInput(student_id=sid, year=year, updated_by=None)
                creates.append(hi)
            else:
                updates[tuple(sorted(new_values.items()))].append(hi.pk)
            for k, v in diff.items():
                setattr(hi, k, v)
            before[str(sid)] = {k: old_values[k] for k in diff}
            after[str(sid)] = diff
            summary.changed.append(sid)
            crossings.append((sid, old_total, _year_total(hi)))
        if creates:
            HomeroomInput.objects.bulk_create(creates, batch_size=500)
        now = clock.now()
        for values, pks in updates.items():
            for start in range(0, len(pks), 900):
                HomeroomInput.objects.filter(pk__in=pks[start : start + 900]).update(
                    **dict(values), updated_by=None, updated_at=now
                )
        if summary.changed:
            audit_record(
                event_type="results.absences_from_attendance",
                actor=None,
                school_id=year.school_id,
                target=year,
                target_repr=f"Số buổi nghỉ từ điểm danh — {len(summary.changed)} học sinh",
                before=before,
                after=after,
            )
            summary.classes = {current[s] for s in summary.changed if s in current}
            summary.warnings = _warn(year, settings.warn_from, crossings, current)
    return summary


def _year_total(hi: HomeroomInput | None) -> int:
    if hi is None:
        return 0
    return (hi.absences_term1 or 0) + (hi.absences_term2 or 0)


def thresholds_crossed(old: int, new: int, warn_from: int, limit: int | None) -> list[int]:
    """The thresholds reached by going from ``old`` to ``new`` missed sessions."""
    marks = sorted({t for t in (warn_from, limit) if t})
    return [t for t in marks if old < t <= new]


def _warn(
    year: SchoolYear,
    warn_from: int,
    crossings: list[tuple[int, int, int]],
    current: dict[int, int],
) -> int:
    """Notify the homeroom teacher and the guardians with an account of each crossing."""
    todo = [(sid, old, new) for sid, old, new in crossings if new > old]
    if not todo:
        return 0
    classes = {
        c.pk: c
        for c in SchoolClass.objects.filter(
            pk__in={current[s] for s, *_ in todo if s in current}
        ).select_related("year__school", "grade")
    }
    guardians: dict[int, list] = defaultdict(list)
    for link in StudentGuardian.objects.filter(
        Q(guardian__user__isnull=False), student_id__in=[s for s, *_ in todo]
    ).select_related("guardian__user", "student"):
        guardians[link.student_id].append((link.guardian.user, link.student))
    limits: dict[int, int | None] = {}
    sent = 0
    for sid, old, new in todo:
        school_class = classes.get(current.get(sid))
        if school_class is None:
            continue
        if school_class.pk not in limits:
            limits[school_class.pk] = absence_limit(school_class)
        limit = limits[school_class.pk]
        for threshold in thresholds_crossed(old, new, warn_from, limit):
            sent += _notify_crossing(year, school_class, sid, threshold, new, limit, guardians)
    return sent


def _notify_crossing(year, school_class, sid, threshold, total, limit, guardians) -> int:
    student = Student.objects.get(pk=sid)
    if limit and threshold >= limit:
        what = (
            f"đã nghỉ {total} buổi, đến giới hạn {limit} buổi trong năm học "
            "(nghỉ quá số buổi này thì phải ở lại lớp)"
        )
    else:
        what = f"đã nghỉ {total} buổi trong năm học (cảnh báo từ {threshold} buổi)"
        if limit:
            what += f"; giới hạn là {limit} buổi"
    text = f"Học sinh {student.full_name} lớp {school_class.name} {what}."
    key = f"attendance.warn:{year.pk}:{sid}:{threshold}"
    school = school_class.year.school
    count = 0
    teacher = homeroom_teacher_of(school_class)
    if teacher is not None and teacher.user_id:
        url = reverse("gradebook:results_inputs", args=[school_class.pk])
        if notify(
            user=teacher.user,
            school=school,
            kind="attendance_warning",
            text=text,
            dedupe_key=key,
            url=url,
            email_subject="Cảnh báo số buổi nghỉ học",
        ):
            count += 1
    for user, _student in guardians.get(sid, []):
        if notify(
            user=user,
            school=school,
            kind="attendance_warning",
            text=text,
            dedupe_key=key,
            email_subject="Cảnh báo số buổi nghỉ học",
        ):
            count += 1
    return count
