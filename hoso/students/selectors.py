"""Reads about students, always scoped by the actor."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from hoso.accounts.actor import Actor
from hoso.core.text import fold
from hoso.organisation.models import SchoolClass
from hoso.students.models import Enrolment, RegisterEntry, StudentGuardian
from hoso.students.policies import visible_students


def class_roster(school_class: SchoolClass, *, include_left: bool = True) -> QuerySet[Enrolment]:
    """The class list in Vietnamese order (given, middle, family name), guardians prefetched."""
    qs = Enrolment.objects.filter(school_class=school_class).select_related(
        "student", "student__register_entry"
    )
    if not include_left:
        qs = qs.studying()
    return qs.order_by("student__sort_name", "student__student_code").prefetch_related(
        Prefetch(
            "student__guardian_links",
            queryset=StudentGuardian.objects.select_related("guardian"),
        )
    )


def student_search(actor: Actor, query: str, *, limit: int = 50):
    """Diacritic-insensitive search: 'nguyen van an' finds 'Nguyễn Văn An', 'do' finds 'Đỗ'."""
    key = fold(query)
    qs = visible_students(actor)
    if key:
        for word in key.split(" "):  # every word must start a word of the name
            qs = qs.filter(Q(search_name__startswith=word) | Q(search_name__contains=" " + word))
    return qs.order_by("sort_name")[:limit]


def current_enrolment(student, year) -> Enrolment | None:
    return (
        Enrolment.objects.filter(student=student, year=year, end_date__isnull=True)
        .select_related("school_class")
        .first()
    )


def class_members(school_class: SchoolClass) -> list[Enrolment]:
    """Everyone who was in the class this year, in name order: the members now, and those who
    left during the year (transfer out, class change, dropout) — ``e.left`` — kept in the class's
    lists, struck through with the date and reason. One row per student: a student who left and
    came back shows its current enrolment. For "who is in the class now" use ``studying()``."""
    return one_per_student(class_roster(school_class))


def one_per_student(enrolments) -> list[Enrolment]:
    """One enrolment per student of a class's enrolments, in their order: the open one, else
    the latest (a student who left the class and came back has two)."""
    rows: dict[int, Enrolment] = {}  # insertion order = the given order
    for e in enrolments:
        kept = rows.get(e.student_id)
        if kept is None or _later(e, kept):
            rows[e.student_id] = e
    return list(rows.values())


def _later(a: Enrolment, b: Enrolment) -> bool:
    """Whether ``a`` is the one to show rather than ``b``: the open one, else the later one."""
    if (a.end_date is None) != (b.end_date is None):
        return a.end_date is None
    return (a.start_date, a.pk) > (b.start_date, b.pk)


def student_history(student) -> QuerySet[Enrolment]:
    """The student's path: every enrolment (class, dates, status, reason), newest first."""
    return student.enrolments.select_related("school_class", "year").order_by(
        "-year__start_date", "-start_date", "-pk"
    )


def change_targets(enrolment: Enrolment, *, include_own: bool = False) -> QuerySet[SchoolClass]:
    """The classes a student may move to (class change, return): the same grade and year, not
    its own class unless ``include_own``."""
    qs = SchoolClass.objects.filter(
        year_id=enrolment.year_id, grade_id=enrolment.school_class.grade_id
    )
    if not include_own:
        qs = qs.exclude(pk=enrolment.school_class_id)
    return qs.order_by("name")


def returnable_enrolment(student, year) -> Enrolment | None:
    """The enrolment a student left the school by this year (dropout, transfer out) when it has
    no open one: the one "Trở lại học" starts from; None otherwise."""
    if year is None:
        return None
    enrolments = list(
        Enrolment.objects.filter(student=student, year=year)
        .select_related("school_class", "year")
        .order_by("-start_date", "-pk")
    )
    if not enrolments or any(e.end_date is None for e in enrolments):
        return None
    last = enrolments[0]
    leaving = (Enrolment.Status.DROPPED_OUT, Enrolment.Status.TRANSFERRED_OUT)
    return last if last.status in leaving and not last.outcome else None


@dataclass(frozen=True)
class RegisterRow:
    """One line of the enrolment register (sổ đăng bộ) page, with what the page prints already
    worked out (a page has a hundred lines: per-cell template lookups, URL reversing and date
    filters were most of its time)."""

    entry: RegisterEntry
    last: Enrolment | None  # the student's latest enrolment (its class now, or the one it left)
    history: list[Enrolment] = field(default_factory=list)  # oldest first
    url: str = ""  # the student's page
    name: str = ""
    birth: str = ""  # dd/mm/yyyy
    gender: str = ""
    entered: str = ""  # dd/mm/yyyy
    path: str = ""  # the classes, oldest first: "6A1 → 6A2"
    # the leaving notes of the enrolments that ended: (label, separator after it)
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def left_school(self) -> bool:
        """Left the school (transfer out, dropout): kept, struck through, date and reason."""
        return self.last is not None and self.last.status in LEFT_SCHOOL


LEFT_SCHOOL = (Enrolment.Status.TRANSFERRED_OUT, Enrolment.Status.DROPPED_OUT)


REGISTER_PER_PAGE = 100


def register_page(school, *, page: object = None, per_page: int | None = None) -> Page:
    """Sổ đăng bộ on screen, ``per_page`` (default :data:`REGISTER_PER_PAGE`) lines a page by register number (the numbers are the
    register's own, so page 2 goes on from the last number of page 1). The page's lines are
    :class:`RegisterRow`; a page past the last one answers the last page, a page that is not a
    number the first (``Paginator.get_page``). Each line carries the student's path (classes,
    dates, statuses, reasons) and, for those who left the school, the date and the reason. The
    printed register (PDF, ``hoso.printing``) stays whole."""
    per_page = per_page or REGISTER_PER_PAGE
    current = Paginator(_register_entries(school), per_page).get_page(page)
    current.object_list = _rows(current.object_list)
    return current


def _register_entries(school) -> QuerySet[RegisterEntry]:
    return (
        RegisterEntry.objects.filter(school=school)
        .select_related("student")
        .prefetch_related(
            Prefetch(
                "student__enrolments",
                # the page prints the class names only (the years are read to order them)
                queryset=Enrolment.objects.select_related("school_class").order_by(
                    "year__start_date", "start_date", "pk"
                ),
            )
        )
        .order_by("number")
    )


_STUDENT_MARK = "2147480003"


def _day(value) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""


def _rows(entries) -> list[RegisterRow]:
    pattern = reverse("students:detail", args=[int(_STUDENT_MARK)])
    rows = []
    for entry in entries:
        student = entry.student
        history = list(student.enrolments.all())
        last = len(history) - 1
        rows.append(
            RegisterRow(
                entry=entry,
                last=history[-1] if history else None,
                history=history,
                url=pattern.replace(_STUDENT_MARK, str(student.pk)),
                name=student.full_name,
                birth=_day(student.birth_date),
                gender=student.get_gender_display(),
                entered=_day(entry.entered_on),
                path=" → ".join(e.school_class.name for e in history),
                notes=[
                    (e.leaving_label, "" if i == last else "; ")
                    for i, e in enumerate(history)
                    if e.left
                ],
            )
        )
    return rows
