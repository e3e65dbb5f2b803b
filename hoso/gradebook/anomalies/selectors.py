"""Điểm bất thường: what the vice principal reports to the principal (seed 000 §3.1.2).

Five kinds, each with its evidence (the numbers) and a link to the grade sheet. Thresholds are the
module constants below, shown on the page:

1. **Changed after the deadline** — an audited ``grade.saved`` that replaced a non-empty result
   after that result's deadline (``deadlines.py``; the cell's current ``assessed_on`` for regular
   results). Comments (``NX_``) are not results and are left out.
2. **A class far from its parallel classes** — per grade, subject and term, the mean of all
   numeric results of a class (each regular, mid-term, end-of-term or test result counts once)
   differs from the pooled mean of the other classes of the grade by more than
   ``PARALLEL_GAP`` points, both sides having at least ``MIN_RESULTS`` results.
3. **Everyone has the same result** — a numeric column with at least ``SAME_MIN_RESULTS``
   results, all equal (Đ/CĐ and levels are left out: all "Đạt" is normal).
4. **An abnormal jump** — a student's consecutive regular results in a subject (ordered by the
   date assessed, then the column) differ by ``JUMP_POINTS`` points or more.
5. **Many corrections** — a teacher with ``CORRECTIONS_MIN`` or more correction requests in the
   term (withdrawn requests not counted).

Read-only; bounded queries (one per kind plus the names), whatever the school's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from hoso.accounts.actor import Actor
from hoso.audit.models import AuditEvent
from hoso.core.text import in_sentence
from hoso.gradebook.anomalies.policies import require_anomalies
from hoso.gradebook.corrections.models import CorrectionRequest
from hoso.gradebook.entry.models import Assessment, SheetColumn
from hoso.gradebook.progress import deadlines
from hoso.gradebook.progress.selectors import deadline_rules, sheet_url
from hoso.organisation.assignments.selectors import reference_day, teaching_on
from hoso.organisation.models import (
    Checkpoint,
    SchoolClass,
    Subject,
)
from hoso.students.models import Student

PARALLEL_GAP = Decimal("1.5")  # points between a class's mean and its parallel classes'
MIN_RESULTS = 10  # results needed on each side before comparing means
SAME_MIN_RESULTS = 10  # results in a column before "all equal" is suspicious
JUMP_POINTS = Decimal("5")  # between two consecutive regular results of a student
CORRECTIONS_MIN = 3  # correction requests of one teacher in the term
MAX_EVIDENCE = 20  # evidence lines shown per finding (the count says how many in all)

CHANGED_AFTER_DEADLINE = "changed_after_deadline"
PARALLEL_CLASS = "parallel_class"
SAME_RESULT = "same_result"
JUMP = "jump"
MANY_CORRECTIONS = "many_corrections"

KIND_LABELS = {
    CHANGED_AFTER_DEADLINE: "Kết quả bị sửa sau hạn nhập",
    PARALLEL_CLASS: "Lớp chênh lệch lớn so với các lớp song song",
    SAME_RESULT: "Cả cột cùng một kết quả",
    JUMP: "Kết quả của học sinh thay đổi đột ngột",
    MANY_CORRECTIONS: "Giáo viên có nhiều đơn đề nghị sửa điểm",
}


def _plain(x: Decimal) -> str:
    """1.5 → "1,5"; 5 → "5" (a threshold as written in Vietnamese)."""
    return format(x, "f").replace(".", ",")


THRESHOLDS = [
    (
        KIND_LABELS[CHANGED_AFTER_DEADLINE],
        "mọi lần sửa một kết quả đã có sau hạn nhập của kết quả đó",
    ),
    (
        KIND_LABELS[PARALLEL_CLASS],
        f"điểm trung bình các kết quả của lớp lệch quá {_plain(PARALLEL_GAP)} điểm so với các lớp cùng "
        f"khối, mỗi bên ít nhất {MIN_RESULTS} kết quả",
    ),
    (
        KIND_LABELS[SAME_RESULT],
        f"một cột điểm số có ít nhất {SAME_MIN_RESULTS} kết quả, tất cả bằng nhau",
    ),
    (
        KIND_LABELS[JUMP],
        f"hai kết quả thường xuyên liên tiếp (theo ngày đánh giá) chênh từ {_plain(JUMP_POINTS)} "
        "điểm",
    ),
    (
        KIND_LABELS[MANY_CORRECTIONS],
        f"từ {CORRECTIONS_MIN} đơn đề nghị sửa điểm trong học kỳ (không tính đơn đã rút)",
    ),
]


def fmt(x: Decimal | float) -> str:
    """8.5 → "8,5" (one decimal, Vietnamese comma)."""
    return f"{Decimal(x).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}".replace(".", ",")


def _number(value: str) -> Decimal | None:
    if not value:
        return None
    try:
        n = Decimal(value)
    except InvalidOperation:
        return None
    return n if n.is_finite() else None


def _when(dt: datetime) -> str:
    return f"{deadlines.local(dt):%d/%m/%Y %H:%M}"


@dataclass
class Finding:
    kind: str
    title: str
    summary: str
    school_class: SchoolClass | None = None
    subject: Subject | None = None
    teacher: str = ""
    evidence: list[str] = field(default_factory=list)
    count: int = 0  # evidence lines in all (only MAX_EVIDENCE are kept)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def add(self, line: str) -> None:
        self.count += 1
        if len(self.evidence) < MAX_EVIDENCE:
            self.evidence.append(line)


@dataclass
class Report:
    term: object
    findings: list[Finding]

    def by_kind(self) -> list[tuple[str, str, list[Finding]]]:
        return [
            (kind, label, [f for f in self.findings if f.kind == kind])
            for kind, label in KIND_LABELS.items()
        ]


class _Names:
    """Classes, subjects and teachers of the term, loaded once."""

    def __init__(self, school, term):
        self.term = term
        self.classes = {
            c.pk: c for c in SchoolClass.objects.filter(year=term.year).select_related("grade")
        }
        self.subjects = {s.pk: s for s in Subject.objects.filter(school=school)}
        self.teachers = {
            (a.school_class_id, a.subject_id): a.teacher.full_name
            for a in teaching_on(reference_day(term.year))
            .filter(term=term)
            .select_related("teacher")
        }

    def finding(self, kind: str, class_id: int, subject_id: int, summary: str) -> Finding:
        school_class = self.classes.get(class_id)
        subject = self.subjects.get(subject_id)
        url = sheet_url(class_id, subject_id, self.term.pk)
        name = (
            f"{subject.name if subject else ''} — lớp {school_class.name if school_class else ''}"
        )
        return Finding(
            kind=kind,
            title=name,
            summary=summary,
            school_class=school_class,
            subject=subject,
            teacher=self.teachers.get((class_id, subject_id), ""),
            links=[("Mở sổ điểm", url)] if url else [],
        )


def _student_names(ids) -> dict[int, str]:
    return {
        s.pk: s.full_name
        for s in Student.objects.filter(pk__in=set(ids)).only(
            "pk", "family_name", "middle_name", "given_name"
        )
    }


# --- 1. changed after the deadline ---------------------------------------------------------------


def _column_checkpoint(column: str, term_number: int) -> str:
    """The checkpoint a periodic column belongs to (``columns.py``): GK the mid-term, CK the end;
    primary ``KT_<checkpoint>`` names it."""
    if "_" in column:
        return column.split("_", 1)[1]
    mid, end = ("mid1", "end1") if term_number == 1 else ("mid2", "end2")
    return mid if column == "GK" else end


def changed_after_deadline(school, term, names: _Names) -> list[Finding]:
    rules = deadline_rules(school)
    since = datetime.combine(term.start_date, time(0), deadlines.LOCAL_TZ)
    events = list(
        AuditEvent.objects.filter(
            school=school,
            event_type="grade.saved",
            target_type="gradebook.assessment",
            before__isnull=False,
            at__gte=since,
        )
        .order_by("at")
        .values_list("target_id", "at", "before", "after", "actor_name")
    )
    ids = {int(e[0]) for e in events if e[0].isdigit()}
    cells = {
        row[0]: row
        for row in Assessment.objects.filter(pk__in=ids, term=term)
        .exclude(column__startswith="NX_")
        .values_list("pk", "school_class_id", "subject_id", "student_id", "column", "assessed_on")
    }
    if not cells:
        return []
    class_ids = {c[1] for c in cells.values()}
    states = {
        (c, s, col): test_date
        for c, s, col, test_date in SheetColumn.objects.filter(
            term=term, school_class_id__in=class_ids
        ).values_list("school_class_id", "subject_id", "column", "test_date")
    }
    checkpoints = dict(Checkpoint.objects.filter(year=term.year).values_list("kind", "date"))
    found: dict[tuple, Finding] = {}
    hits = []
    for target_id, at, before, after, actor_name in events:
        if not target_id.isdigit() or int(target_id) not in cells:
            continue
        _, class_id, subject_id, student_id, column, assessed_on = cells[int(target_id)]
        old = (before or {}).get("value") or ""
        if not old:
            continue
        if column.startswith("TX"):
            day = states.get((class_id, subject_id, column)) or assessed_on
            deadline = deadlines.regular_deadline(day, rules)
        else:
            checkpoint = _column_checkpoint(column, term.number)
            deadline = deadlines.periodic_deadline(
                states.get((class_id, subject_id, column)),
                rules,
                fallback=checkpoints.get(checkpoint),
            )
        if not deadlines.is_late(at, deadline):
            continue
        hits.append(
            (class_id, subject_id, student_id, column, old, after, at, deadline, actor_name)
        )
    students = _student_names(h[2] for h in hits)
    for class_id, subject_id, student_id, column, old, after, at, deadline, actor_name in hits:
        key = (class_id, subject_id)
        if key not in found:
            found[key] = names.finding(CHANGED_AFTER_DEADLINE, class_id, subject_id, "")
        new = (after or {}).get("value") or "(xóa)"
        found[key].add(
            f"{students.get(student_id, student_id)} — {column}: {old.replace('.', ',')} → "
            f"{new.replace('.', ',')} lúc {_when(at)} (hạn {_when(deadline)})"
            + (f", người sửa {actor_name}" if actor_name else "")
        )
    for finding in found.values():
        finding.summary = f"{finding.count} lần sửa kết quả sau hạn nhập."
    return list(found.values())


# --- 2–4. from the numeric results of the term ---------------------------------------------------


def _numeric_cells(term):
    """(class, subject, student, column, number, assessed_on) of every numeric result."""
    for class_id, subject_id, student_id, column, value, assessed_on in (
        Assessment.objects.filter(term=term)
        .exclude(column__startswith="NX_")
        .exclude(column__startswith="MUC_")
        .exclude(value="")
        .values_list(
            "school_class_id", "subject_id", "student_id", "column", "value", "assessed_on"
        )
        .iterator(chunk_size=5000)
    ):
        number = _number(value)
        if number is not None:
            yield class_id, subject_id, student_id, column, number, assessed_on


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def parallel_classes(by_sheet: dict[tuple, list[Decimal]], names: _Names) -> list[Finding]:
    groups: dict[tuple, dict[int, list[Decimal]]] = defaultdict(dict)
    for (class_id, subject_id), values in by_sheet.items():
        school_class = names.classes.get(class_id)
        if school_class is None:
            continue
        groups[(school_class.grade_id, subject_id)][class_id] = values
    out = []
    for (_grade, subject_id), classes in groups.items():
        if len(classes) < 2:
            continue
        for class_id, values in classes.items():
            others = [v for c, vs in classes.items() if c != class_id for v in vs]
            if len(values) < MIN_RESULTS or len(others) < MIN_RESULTS:
                continue
            mean, other_mean = _mean(values), _mean(others)
            gap = mean - other_mean
            if abs(gap) <= PARALLEL_GAP:
                continue
            finding = names.finding(
                PARALLEL_CLASS,
                class_id,
                subject_id,
                f"Trung bình {fmt(mean)} so với {fmt(other_mean)} của các lớp song song "
                f"(chênh {'+' if gap > 0 else '−'}{fmt(abs(gap))} điểm).",
            )
            finding.add(f"Lớp {names.classes[class_id].name}: {fmt(mean)} ({len(values)} kết quả)")
            for other_id, other_values in sorted(
                classes.items(), key=lambda x: names.classes[x[0]].name
            ):
                if other_id != class_id:
                    finding.add(
                        f"Lớp {names.classes[other_id].name}: {fmt(_mean(other_values))} "
                        f"({len(other_values)} kết quả)"
                    )
                    url = sheet_url(other_id, subject_id, names.term.pk)
                    if url:
                        finding.links.append((f"Sổ lớp {names.classes[other_id].name}", url))
            out.append(finding)
    return out


def same_result(by_column: dict[tuple, list[Decimal]], names: _Names) -> list[Finding]:
    out = []
    for (class_id, subject_id, column), values in sorted(by_column.items()):
        if len(values) >= SAME_MIN_RESULTS and len(set(values)) == 1:
            finding = names.finding(
                SAME_RESULT,
                class_id,
                subject_id,
                f"Cột {column}: cả {len(values)} học sinh cùng {fmt(values[0])}.",
            )
            finding.add(f"{column}: {len(values)} kết quả, tất cả {fmt(values[0])}")
            out.append(finding)
    return out


def _column_order(column: str) -> int:
    digits = column[2:]
    return int(digits) if digits.isdigit() else 0


def jumps(by_student: dict[tuple, list[tuple]], names: _Names) -> list[Finding]:
    hits = []
    for (class_id, subject_id, student_id), results in by_student.items():
        ordered = sorted(results, key=lambda r: (r[2] or date.min, _column_order(r[0])))
        for (col_a, a, day_a), (col_b, b, day_b) in zip(ordered, ordered[1:], strict=False):
            if abs(b - a) >= JUMP_POINTS:
                hits.append((class_id, subject_id, student_id, col_a, a, day_a, col_b, b, day_b))
    students = _student_names(h[2] for h in hits)
    found: dict[tuple, Finding] = {}
    for class_id, subject_id, student_id, col_a, a, day_a, col_b, b, day_b in hits:
        key = (class_id, subject_id)
        if key not in found:
            found[key] = names.finding(JUMP, class_id, subject_id, "")
        change = "tăng" if b > a else "giảm"
        found[key].add(
            f"{students.get(student_id, student_id)}: {col_a}"
            f"{f' ({day_a:%d/%m})' if day_a else ''} {fmt(a)} → {col_b}"
            f"{f' ({day_b:%d/%m})' if day_b else ''} {fmt(b)} ({change} {fmt(abs(b - a))} điểm)"
        )
    for finding in found.values():
        finding.summary = f"{finding.count} lần thay đổi từ {_plain(JUMP_POINTS)} điểm trở lên."
    return list(found.values())


# --- 5. many corrections ---------------------------------------------------------------------------


def many_corrections(school, term, names: _Names) -> list[Finding]:
    requests = list(
        CorrectionRequest.objects.filter(school=school, term=term)
        .exclude(state=CorrectionRequest.State.CANCELLED)
        .select_related("requested_by", "school_class", "subject")
        .prefetch_related("items__student")
        .order_by("requested_at")
    )
    by_teacher: dict[int, list[CorrectionRequest]] = defaultdict(list)
    for r in requests:
        by_teacher[r.requested_by_id].append(r)
    out = []
    for items in by_teacher.values():
        if len(items) < CORRECTIONS_MIN:
            continue
        teacher = items[0].requested_by.get_full_name()
        states = defaultdict(int)
        for r in items:
            states[r.get_state_display()] += 1
        finding = Finding(
            kind=MANY_CORRECTIONS,
            title=teacher,
            teacher=teacher,
            summary=f"{len(items)} đơn đề nghị sửa điểm trong {term}: "
            + ", ".join(f"{n} {in_sentence(label)}" for label, n in states.items())
            + ".",
        )
        seen = set()
        for r in items:
            cells = r.cells
            one = r.single
            if one is None:  # a request for several cells (a column)
                who = f"{len(cells)} kết quả"
                column = ", ".join(dict.fromkeys(i.column for i in cells))
                change = "sửa nhiều ô"
            else:
                who, column = one.student.full_name, one.column
                if one.old_value or one.new_value:
                    change = (
                        f"{(one.old_value or '∅').replace('.', ',')} → "
                        f"{one.new_value.replace('.', ',')}"
                    )
                else:  # a comment (nhận xét) column
                    change = "sửa lời nhận xét"
            finding.add(
                f"{r.requested_at:%d/%m/%Y}: {who}, lớp {r.school_class.name}, "
                f"{r.subject.name}, {column}: {change} ({r.get_state_display()})"
            )
            key = (r.school_class_id, r.subject_id)
            if key not in seen:
                seen.add(key)
                url = sheet_url(r.school_class_id, r.subject_id, term.pk)
                if url:
                    finding.links.append((f"Sổ {r.subject.name} lớp {r.school_class.name}", url))
        out.append(finding)
    return out


# --- the report ------------------------------------------------------------------------------------


def anomaly_report(actor: Actor, *, term) -> Report:
    """Every anomaly of ``term`` in the actor's school (principal and vice principals only)."""
    require_anomalies(actor)
    school = actor.school
    if term is None:
        return Report(None, [])
    names = _Names(school, term)
    by_sheet: dict[tuple, list[Decimal]] = defaultdict(list)
    by_column: dict[tuple, list[Decimal]] = defaultdict(list)
    by_student: dict[tuple, list[tuple]] = defaultdict(list)
    for class_id, subject_id, student_id, column, number, assessed_on in _numeric_cells(term):
        if class_id not in names.classes:
            continue
        by_sheet[(class_id, subject_id)].append(number)
        by_column[(class_id, subject_id, column)].append(number)
        if column.startswith("TX"):
            by_student[(class_id, subject_id, student_id)].append((column, number, assessed_on))
    findings = (
        changed_after_deadline(school, term, names)
        + parallel_classes(by_sheet, names)
        + same_result(by_column, names)
        + jumps(by_student, names)
        + many_corrections(school, term, names)
    )
    return Report(term, findings)
