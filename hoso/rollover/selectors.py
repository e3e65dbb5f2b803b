"""Reads of the year rollover: the plan (who goes where) computed from the approved results.

The plan is computed twice: for the preview, and again inside the commit's transaction; the
commit refuses to run if the two differ (a result was approved or reopened in between).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from hoso.organisation.assignments.selectors import homeroom_teachers
from hoso.organisation.models import GradeLevel, SchoolClass, SchoolYear
from hoso.organisation.setup import calendar as cal
from hoso.rollover.models import Rollover
from hoso.rollover.placement import OUTCOME_LABELS, Outcome, place
from hoso.students.models import Enrolment

YEAR_PERIOD, FINAL_PERIOD = "year", "final"


@dataclass
class PlannedClass:
    key: str  # "7|A1": grade and suffix, stable while the name is edited
    name: str
    grade: int
    from_class: int | None  # the class whose promoted students fill it (previous_class)
    from_name: str
    exists: bool  # a class of that name already exists in the target year
    homeroom_staff: int | None = None  # carried over with the class when asked
    homeroom_name: str = ""

    def as_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class PlannedStudent:
    enrolment: int
    student: int
    name: str
    sort_name: str
    from_class: int
    from_name: str
    grade: int
    outcome: str
    target_key: str | None
    reason: str

    def as_json(self) -> dict:
        out = dict(self.__dict__)
        out.pop("sort_name")
        return out


@dataclass
class Plan:
    classes: list[PlannedClass] = field(default_factory=list)
    students: list[PlannedStudent] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys((o.value for o in Outcome), 0)
        for s in self.students:
            out[s.outcome] += 1
        return out

    def signature(self) -> list[tuple[int, str, str | None]]:
        """What must not change between the preview and the commit."""
        return sorted((s.enrolment, s.outcome, s.target_key) for s in self.students)


def next_year_name(year: SchoolYear) -> str:
    first = year.start_date.year + 1
    return f"{first}-{first + 1}"


def following_year(year: SchoolYear) -> SchoolYear | None:
    """The year the school prepared after ``year`` (the first one starting later), if any."""
    return (
        SchoolYear.objects.filter(school_id=year.school_id, start_date__gt=year.start_date)
        .order_by("start_date")
        .first()
    )


def class_suffix(name: str, grade: int) -> str | None:
    """ "6A1" in grade 6 → "A1"; None when the name does not start with its grade."""
    m = re.match(rf"^\s*{grade}(?!\d)(.*)$", name)
    return m.group(1) if m else None


def moved_name(name: str, grade: int, to_grade: int) -> str:
    """The name of the class ``name`` (grade ``grade``) once its students are in ``to_grade``:
    the suffix is kept (6A1 → 7A1); an unusual name gets its grade number replaced or added."""
    suffix = class_suffix(name, grade)
    if suffix is not None:
        return f"{to_grade}{suffix}"
    replaced, n = re.subn(rf"(?<!\d){grade}(?!\d)", str(to_grade), name, count=1)
    return replaced if n else f"{name} ({to_grade})"


def _key(grade: int, old_name: str, old_grade: int) -> str:
    suffix = class_suffix(old_name, old_grade)
    return f"{grade}|{suffix if suffix is not None else '~' + old_name}"


def _last_grades(school_id: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for level, number in GradeLevel.objects.filter(school_id=school_id).values_list(
        "level", "number"
    ):
        out[level] = max(out.get(level, 0), number)
    return out


def _approved_results(class_ids: list[int]) -> dict[tuple[int, str], dict[int, dict]]:
    """(class, period) → {student: data} for the APPROVED year and after-summer results."""
    from hoso.gradebook.results.models import ClassResult, StudentResult

    approved = {
        cr_id: (class_id, period)
        for cr_id, class_id, period in ClassResult.objects.filter(
            school_class_id__in=class_ids,
            period__in=(YEAR_PERIOD, FINAL_PERIOD),
            state=ClassResult.State.APPROVED,
        ).values_list("pk", "school_class_id", "period")
    }
    out: dict[tuple[int, str], dict[int, dict]] = {v: {} for v in approved.values()}
    for cr_id, student_id, data in StudentResult.objects.filter(
        class_result_id__in=list(approved)
    ).values_list("class_result_id", "student_id", "data"):
        out[approved[cr_id]][student_id] = data
    return out


def open_members(year: SchoolYear):
    """Enrolments of ``year`` still to be rolled over: students studying in a class at the end of
    the year whose year has not been closed for them yet."""
    return Enrolment.objects.studying().filter(year=year, outcome="")


def rollover_plan(
    year: SchoolYear, *, to_year: SchoolYear | None, carry_homeroom: bool, names: dict | None = None
) -> Plan:
    """Who goes where, for every student still open in ``year``; ``names``: edited class names by
    key (from an earlier preview)."""
    names = names or {}
    plan = Plan()
    classes = list(
        SchoolClass.objects.filter(year=year)
        .select_related("grade")
        .order_by("grade__number", "name")
    )
    if not classes:
        return plan
    by_id = {c.pk: c for c in classes}
    last = _last_grades(year.school_id)
    results = _approved_results(list(by_id))
    members = (
        open_members(year)
        .filter(school_class_id__in=list(by_id))
        .select_related("student")
        .order_by("school_class__grade__number", "school_class__name", "student__sort_name")
    )
    existing = (
        {c.name: c for c in SchoolClass.objects.filter(year=to_year)} if to_year is not None else {}
    )
    # The homeroom teacher a class ends the year with (a replacement during the year counts).
    homerooms = homeroom_teachers(list(by_id), on=year.end_date) if carry_homeroom else {}
    planned: dict[str, PlannedClass] = {}
    not_approved: set[int] = set()
    for enrolment in members:
        c = by_id[enrolment.school_class_id]
        grade = c.grade.number
        year_data = results.get((c.pk, YEAR_PERIOD), {}).get(enrolment.student_id)
        final_data = results.get((c.pk, FINAL_PERIOD), {}).get(enrolment.student_id)
        if (c.pk, YEAR_PERIOD) not in results:
            not_approved.add(c.pk)
        p = place(
            grade=grade,
            last_grade=last.get(c.grade.level, grade),
            year_result=year_data,
            final_result=final_data,
        )
        key = None
        if p.target_grade is not None:
            key = _key(p.target_grade, c.name, grade)
            if key not in planned:
                default = (
                    moved_name(c.name, grade, p.target_grade) if p.target_grade != grade else c.name
                )
                name = names.get(key) or default
                promoted_here = p.target_grade == grade + 1
                teacher = homerooms.get(c.pk) if promoted_here else None
                planned[key] = PlannedClass(
                    key=key,
                    name=name,
                    grade=p.target_grade,
                    from_class=c.pk if promoted_here else None,
                    from_name=c.name if promoted_here else "",
                    exists=name in existing,
                    homeroom_staff=teacher.pk if teacher else None,
                    homeroom_name=teacher.full_name if teacher else "",
                )
            elif p.target_grade == grade + 1 and planned[key].from_class is None:
                # The repeaters of a grade reached the class first; the promoted cohort is its
                # lineage all the same.
                teacher = homerooms.get(c.pk)
                planned[key].from_class, planned[key].from_name = c.pk, c.name
                planned[key].homeroom_staff = teacher.pk if teacher else None
                planned[key].homeroom_name = teacher.full_name if teacher else ""
        plan.students.append(
            PlannedStudent(
                enrolment=enrolment.pk,
                student=enrolment.student_id,
                name=enrolment.student.full_name,
                sort_name=enrolment.student.sort_name,
                from_class=c.pk,
                from_name=c.name,
                grade=grade,
                outcome=p.outcome.value,
                target_key=key,
                reason=p.reason,
            )
        )
    for class_id in sorted(not_approved, key=lambda i: (by_id[i].grade.number, by_id[i].name)):
        plan.problems.append(
            {
                "class": by_id[class_id].name,
                "message": f"Lớp {by_id[class_id].name}: kết quả cả năm chưa được phê duyệt.",
            }
        )
    others = [s for s in plan.students if s.outcome == Outcome.NOT_READY]
    for s in others:
        if s.from_class not in not_approved:
            plan.problems.append(
                {"class": s.from_name, "message": f"{s.name} ({s.from_name}): {s.reason}"}
            )
    plan.classes = sorted(planned.values(), key=lambda p: (p.grade, p.name))
    grades = set(
        GradeLevel.objects.filter(school_id=year.school_id).values_list("number", flat=True)
    )
    for missing in sorted({pc.grade for pc in plan.classes} - grades):
        plan.problems.append(
            {
                "class": "",
                "message": f"Trường chưa có khối {missing}: thêm khối trong phần thiết lập trường.",
            }
        )
    seen: dict[str, str] = {}
    for pc in plan.classes:
        if pc.name in seen:
            plan.problems.append(
                {
                    "class": pc.name,
                    "message": f"Hai lớp mới cùng tên {pc.name}: hãy đặt lại tên một lớp.",
                }
            )
        seen[pc.name] = pc.key
    return plan


def outcome_label(outcome: str) -> str:
    return OUTCOME_LABELS.get(Outcome(outcome), outcome) if outcome in Outcome else outcome


def visible_rollovers(actor) -> list[Rollover]:
    return list(
        Rollover.objects.filter(school=actor.school).select_related("from_year", "to_year")[:20]
    )


def rollover_summary(rollover: Rollover) -> dict:
    """Counts of the previewed placements, by outcome, and per new class."""
    counts = dict.fromkeys((o.value for o in Outcome), 0)
    per_class: dict[str, int] = defaultdict(int)
    for row in rollover.placements:
        counts[row["outcome"]] += 1
        if row.get("target_key"):
            per_class[row["target_key"]] += 1
    return {"counts": counts, "per_class": dict(per_class)}


def default_target(year: SchoolYear) -> dict:
    """The calendar of the year after ``year`` as the set-up proposes it (the Ministry's usual
    dates and holidays; the school edits it in the preview, or in the set-up afterwards)."""
    return calendar_json(cal.proposed_calendar(year.start_date.year + 1))


def calendar_json(plan: cal.Calendar) -> dict:
    return {
        "name": plan.name,
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        "terms": {
            "1": [plan.term1[0].isoformat(), plan.term1[1].isoformat()],
            "2": [plan.term2[0].isoformat(), plan.term2[1].isoformat()],
        },
        "checkpoints": {kind: day.isoformat() for kind, day in plan.checkpoints.items()},
        "holidays": [[h.name, h.start.isoformat(), h.end.isoformat()] for h in plan.holidays],
    }
