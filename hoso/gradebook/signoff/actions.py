"""Xác nhận cuối kỳ (sign-off): a subject teacher confirms its sheet for the term, the homeroom
teacher confirms the class for the term. Each confirmation stores the SHA-256 of the data it
confirmed, so a later change (a correction) shows as "đã thay đổi sau khi xác nhận".

Digital signatures are added by the printing work; this records the confirmations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from hoso.accounts.actor import Actor
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.gradebook.entry.columns import TEXT
from hoso.gradebook.entry.models import SheetColumn
from hoso.gradebook.entry.policies import is_assigned_teacher
from hoso.gradebook.entry.selectors import class_cells
from hoso.gradebook.entry.sheets import Sheet, load_sheet
from hoso.gradebook.results.compute import (
    SubjectSpec,
    canonical_hash,
    offerings_by_grade,
)
from hoso.gradebook.results.errors import ResultsError
from hoso.gradebook.results.models import HomeroomInput
from hoso.gradebook.signoff.models import Signoff
from hoso.organisation.assignments.selectors import reference_day, teaching_on
from hoso.students.models import Enrolment

CHANGED = "đã thay đổi sau khi xác nhận"


def _sheet_rows(school_class, term, subject=None) -> dict[int, list]:
    qs = class_cells(school_class, term, subject)
    rows: dict[int, list] = defaultdict(list)
    for subject_id, student_id, column, value, text in qs.values_list(
        "subject_id", "student_id", "column", "value", "text"
    ):
        rows[subject_id].append([student_id, column, value, text])
    return rows


def sheet_hash(school_class, subject, term) -> str:
    """What a subject teacher confirms: every value and comment of the sheet."""
    rows = _sheet_rows(school_class, term, subject).get(subject.pk, [])
    return canonical_hash(sorted(rows))


def _sheet_hashes(school_class, term, subjects: list[SubjectSpec]) -> dict[int, str]:
    rows = _sheet_rows(school_class, term)
    return {s.id: canonical_hash(sorted(rows.get(s.id, []))) for s in subjects}


def class_hash(school_class, term, subjects: list[SubjectSpec] | None = None) -> str:
    """What the homeroom teacher confirms for a term: every sheet of the class plus the term's
    training results and absences of the students studying in the class."""
    if subjects is None:
        subjects = offerings_by_grade([school_class.grade_id]).get(school_class.grade_id, [])
    sheets = _sheet_hashes(school_class, term, subjects)
    students = list(
        Enrolment.objects.studying()
        .filter(school_class=school_class)
        .values_list("student_id", flat=True)
    )
    n = term.number
    inputs = sorted(
        [sid, t or "", a]
        for sid, t, a in HomeroomInput.objects.filter(
            year=school_class.year_id, student_id__in=students
        ).values_list("student_id", f"training_term{n}", f"absences_term{n}")
    )
    return canonical_hash([[s.code, sheets[s.id]] for s in subjects] + [sorted(students), inputs])


def _check_open(school_class) -> None:
    if not school_class.year.writable_for("results"):
        raise DomainError(ResultsError.YEAR_CLOSED, "Năm học đã khóa: chỉ xem, không sửa.")


def _upsert(*, kind, school_class, subject, term, actor: Actor, digest: str, event: str, what: str):
    with transaction.atomic():
        existing = (
            Signoff.objects.select_for_update()
            .filter(kind=kind, school_class=school_class, subject=subject, term=term)
            .first()
        )
        if existing is not None and existing.data_hash == digest:
            return existing, False
        before = None
        if existing is None:
            signoff = Signoff.objects.create(
                kind=kind,
                school_class=school_class,
                subject=subject,
                term=term,
                by=actor.user,
                data_hash=digest,
            )
        else:
            before = {
                "data_hash": existing.data_hash,
                "at": existing.at.isoformat(),
                "by": existing.by_id,
            }
            now = clock.now()
            Signoff.objects.filter(pk=existing.pk).update(by=actor.user, data_hash=digest, at=now)
            existing.refresh_from_db()
            signoff = existing
        audit_record(
            event_type=event,
            actor=actor.user,
            school_id=actor.school_id,
            target=signoff,
            target_repr=what,
            before=before,
            after={"data_hash": digest, "term": term.number},
        )
    return signoff, True


def sheet_signoff(*, actor: Actor, sheet: Sheet) -> Signoff:
    """The subject teacher confirms its sheet for the term: every required column must be
    finalised (chốt). Confirming again after a change records the new data."""
    school_class, subject, term = sheet.school_class, sheet.subject, sheet.term
    _check_open(school_class)
    if not is_assigned_teacher(actor, school_class, subject, term):
        raise PermissionDeniedError(
            ResultsError.NOT_ALLOWED,
            "Chỉ giáo viên được phân công dạy môn này ở lớp này mới xác nhận cột điểm.",
        )
    required = [c for c in sheet.columns if c.required and c.kind != TEXT]
    finalised = set(
        SheetColumn.objects.filter(
            school_class=school_class,
            subject=subject,
            term=term,
            finalised_at__isnull=False,
        ).values_list("column", flat=True)
    )
    missing = [c.label for c in required if c.key not in finalised]
    if missing:
        raise DomainError(
            ResultsError.INCOMPLETE,
            "Chưa xác nhận được: các cột sau chưa chốt — " + ", ".join(missing) + ".",
        )
    signoff, _ = _upsert(
        kind=Signoff.Kind.SHEET,
        school_class=school_class,
        subject=subject,
        term=term,
        actor=actor,
        digest=sheet_hash(school_class, subject, term),
        event="signoff.sheet_confirmed",
        what=f"{subject.name} — lớp {school_class.name} — {term}",
    )
    return signoff


@dataclass
class SheetStatus:
    subject: SubjectSpec
    signoff: Signoff | None
    changed: bool
    teachers: list[str]

    @property
    def ok(self) -> bool:
        return self.signoff is not None and not self.changed


@dataclass
class ClassSignoffStatus:
    term: object
    sheets: list[SheetStatus]
    signoff: Signoff | None
    changed: bool

    @property
    def sheets_ok(self) -> bool:
        return all(s.ok for s in self.sheets)

    @property
    def ok(self) -> bool:
        return self.signoff is not None and not self.changed

    def problems(self) -> str:
        unsigned = [s.subject.name for s in self.sheets if s.signoff is None]
        changed = [s.subject.name for s in self.sheets if s.signoff is not None and s.changed]
        parts = []
        if unsigned:
            parts.append("chưa xác nhận: " + ", ".join(unsigned))
        if changed:
            parts.append(f"{CHANGED}: " + ", ".join(changed))
        return "; ".join(parts)


def class_signoff_status(school_class, term, *, subjects=None) -> ClassSignoffStatus:
    """Sign-off state of every sheet of the class for the term and of the class itself
    (``subjects``: the offerings of the class's grade, when the caller has them)."""
    if subjects is None:
        subjects = offerings_by_grade([school_class.grade_id]).get(school_class.grade_id, [])
    hashes = _sheet_hashes(school_class, term, subjects)
    signoffs = {
        (s.kind, s.subject_id): s
        for s in Signoff.objects.filter(school_class=school_class, term=term).select_related("by")
    }
    teachers: dict[int, list[str]] = defaultdict(list)
    for subject_id, family, middle, given in (
        teaching_on(reference_day(school_class.year))
        .filter(school_class=school_class, term=term)
        .values_list(
            "subject_id", "teacher__family_name", "teacher__middle_name", "teacher__given_name"
        )
    ):
        teachers[subject_id].append(" ".join(p for p in (family, middle, given) if p))
    sheets = []
    for s in subjects:
        signoff = signoffs.get((Signoff.Kind.SHEET, s.id))
        changed = signoff is not None and signoff.data_hash != hashes[s.id]
        sheets.append(SheetStatus(s, signoff, changed, teachers.get(s.id, [])))
    class_signoff = signoffs.get((Signoff.Kind.CLASS, None))
    changed = class_signoff is not None and class_signoff.data_hash != class_hash(
        school_class, term, subjects
    )
    return ClassSignoffStatus(term, sheets, class_signoff, changed)


def class_signoff(*, actor: Actor, school_class, term) -> Signoff:
    """The homeroom teacher confirms the class for the term: every sheet must be confirmed by its
    subject teacher and unchanged since."""
    _check_open(school_class)
    if school_class.pk not in actor.homeroom_class_ids:
        raise PermissionDeniedError(
            ResultsError.NOT_ALLOWED, "Chỉ giáo viên chủ nhiệm của lớp mới xác nhận lớp."
        )
    status = class_signoff_status(school_class, term)
    if not status.sheets_ok:
        raise DomainError(
            ResultsError.NOT_SIGNED,
            f"Chưa xác nhận được lớp {school_class.name} ({term}): {status.problems()}.",
        )
    signoff, _ = _upsert(
        kind=Signoff.Kind.CLASS,
        school_class=school_class,
        subject=None,
        term=term,
        actor=actor,
        digest=class_hash(school_class, term),
        event="signoff.class_confirmed",
        what=f"Lớp {school_class.name} — {term}",
    )
    return signoff


@dataclass
class MySheet:
    sheet_key: tuple[int, int, int]
    school_class: object
    subject: object
    term: object
    required: int
    finalised: int
    signoff: Signoff | None
    changed: bool

    @property
    def ready(self) -> bool:
        return self.finalised >= self.required


def my_sheets(actor: Actor) -> list[MySheet]:
    """The subject teacher's sheets of the year (those it holds on the year's reference day)
    with their finalisation and sign-off state."""
    if actor.staff is None or actor.year is None:
        return []
    assignments = list(
        teaching_on(reference_day(actor.year))
        .filter(teacher=actor.staff, school_class__year=actor.year)
        .select_related("school_class__grade", "school_class__year", "subject", "term")
        .order_by("term__number", "school_class__name", "subject__order", "subject__name")
    )
    if not assignments:
        return []
    class_ids = {a.school_class_id for a in assignments}
    finalised: dict[tuple[int, int, int], set[str]] = defaultdict(set)
    for cid, sid, tid, column in SheetColumn.objects.filter(
        school_class_id__in=class_ids, finalised_at__isnull=False
    ).values_list("school_class_id", "subject_id", "term_id", "column"):
        finalised[(cid, sid, tid)].add(column)
    signoffs = {
        (s.school_class_id, s.subject_id, s.term_id): s
        for s in Signoff.objects.filter(
            kind=Signoff.Kind.SHEET, school_class_id__in=class_ids, by__isnull=False
        )
    }
    out = []
    for a in assignments:
        key = (a.school_class_id, a.subject_id, a.term_id)
        sheet = load_sheet(a.school_class, a.subject, a.term)
        required = [c.key for c in sheet.columns if c.required and c.kind != TEXT]
        signoff = signoffs.get(key)
        changed = signoff is not None and signoff.data_hash != sheet_hash(
            a.school_class, a.subject, a.term
        )
        out.append(
            MySheet(
                key,
                a.school_class,
                a.subject,
                a.term,
                len(required),
                len(finalised[key] & set(required)),
                signoff,
                changed,
            )
        )
    return out
