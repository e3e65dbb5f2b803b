"""Reads of the child's page: what the school has published about one child, and nothing else.

Every read is scoped by the child (already checked by ``policies.access_child``), its school and
the actor's year; nothing here lists the child's class (no classmate's name or score leaves the
database). The page costs a fixed number of queries whatever the number of subjects, columns,
terms or months (``tests/test_queries.py`` pins it): the student (the access check), its
enrolment with the class, the school's publication choice and whether a transcript is issued (one
query), the subjects offered, the class's sheet columns (finalised, test dates), the child's
results of approved periods, the child's cells, the subject comments (only once a period is
approved), the attendance marks, the attendance settings and totals, the issued transcripts (only
when there are some), and the audit line (3).

Reusable by other rooms (the homeroom teacher's weekly news of ``messages/``):
``published_results(...)`` (what is published of one child in a year) and
``attendance_lines(...)`` (the child's attendance day by day between two dates).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Subquery

from hoso.accounts.actor import Actor
from hoso.assessment.rules import Capabilities, capabilities_for
from hoso.attendance import selectors as attendance
from hoso.attendance.models import AttendanceMark
from hoso.core import clock
from hoso.gradebook.comments.models import SubjectComment
from hoso.gradebook.entry.columns import COMMENT_RESULT, LEVEL, TEST, TEXT, sheet_columns
from hoso.gradebook.entry.models import Assessment, SheetColumn
from hoso.gradebook.results.compute import (
    DECISION_LABELS,
    LEVEL_LABELS,
    OVERALL_LABELS,
    class_ruleset,
    period_label,
    title_label,
)
from hoso.gradebook.results.models import ClassResult, StudentResult
from hoso.organisation.models import SubjectOffering, Term
from hoso.parents.child.models import PublicationSettings
from hoso.students.models import Enrolment, Student, StudentGuardian
from hoso.transcripts.models import Transcript

#: How many days of attendance the child's page lists (the month page has the rest).
ATTENDANCE_DAYS = 30
COMMENT_WORDS = {"D": "Đạt", "CD": "Chưa đạt", "Đ": "Đạt", "CĐ": "Chưa đạt"}


def publication_settings(school_id: int) -> PublicationSettings:
    """The school's choice, or the defaults (unsaved) when it never chose."""
    found = PublicationSettings.objects.filter(school_id=school_id).first()
    return found or PublicationSettings(school_id=school_id)


# --- the chooser ---------------------------------------------------------------------------------


@dataclass
class ChildEntry:
    student: Student
    class_name: str = ""
    school_id: int = 0
    school_name: str = ""
    here: bool = True  # in the school being used (else: switch school first)


def children(actor: Actor) -> list[ChildEntry]:
    """The actor's children: those of the school being used (with their class this year), then
    those of its other schools (one account across children and schools). Two queries."""
    if actor.school is None:
        return []
    out: list[ChildEntry] = []
    classes: dict[int, str] = {}
    if actor.child_ids and actor.year is not None:
        classes = dict(
            Enrolment.objects.filter(
                student_id__in=actor.child_ids, year=actor.year, end_date__isnull=True
            ).values_list("student_id", "school_class__name")
        )
    links = (
        StudentGuardian.objects.filter(guardian__user=actor.user)
        .select_related("student", "guardian__school")
        .order_by("guardian__school__name", "student__sort_name", "student_id")
    )
    seen: set[int] = set()
    for link in links:
        st = link.student
        if st.pk in seen:
            continue
        seen.add(st.pk)
        school = link.guardian.school
        here = school.pk == actor.school_id and st.pk in actor.child_ids
        out.append(
            ChildEntry(
                student=st,
                class_name=classes.get(st.pk, "") if here else "",
                school_id=school.pk,
                school_name=school.short_name or school.name,
                here=here,
            )
        )
    out.sort(key=lambda e: (not e.here, e.school_name, e.student.sort_name))
    return out


# --- results -------------------------------------------------------------------------------------


@dataclass
class Cell:
    label: str
    value: str
    kind: str
    on: date | None = None


@dataclass
class SubjectTerm:
    """One subject in one term: its published columns, its term result, its teacher's comment."""

    term_number: int
    cells: list[Cell] = field(default_factory=list)
    result: str = ""  # term average / Đạt / level, once the period is approved
    comment: str = ""  # the subject teacher's comment (nhận xét), once the period is approved


@dataclass
class SubjectLine:
    subject_id: int
    code: str
    name: str
    assessment: str
    terms: list[SubjectTerm] = field(default_factory=list)
    year_result: str = ""

    @property
    def has_anything(self) -> bool:
        return bool(self.year_result) or any(t.cells or t.result or t.comment for t in self.terms)


@dataclass
class Level:
    label: str
    value: str
    meaning: str = ""


@dataclass
class PeriodResult:
    """An approved period (term or year): levels with what they mean, title, decision."""

    period: str
    label: str
    approved_at: object
    levels: list[Level] = field(default_factory=list)
    absences: int | None = None
    explanation: list[str] = field(default_factory=list)


@dataclass
class Upcoming:
    on: date
    subject: str
    what: str


@dataclass
class Published:
    """What the school has published of one child in one year."""

    school_class: object | None
    rules: Capabilities | None
    mode: str
    subjects: list[SubjectLine] = field(default_factory=list)
    periods: list[PeriodResult] = field(default_factory=list)
    upcoming: list[Upcoming] = field(default_factory=list)

    @property
    def subjects_shown(self) -> list[SubjectLine]:
        return [s for s in self.subjects if s.has_anything]


def _number(value) -> str:
    """8.5 / "8.5" → "8,5"; integers stay whole (a primary test: "9")."""
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.1f}".replace(".", ",")
    return str(value).replace(".", ",")


def _cell_text(kind: str, value: str, text: str, rules: Capabilities) -> str:
    if kind == COMMENT_RESULT:
        return COMMENT_WORDS.get(value, value)
    if kind == LEVEL:
        return rules.subject_levels.get(value, value)
    if kind == TEXT:
        return text or value
    if kind == TEST:
        return value
    return _number(value)


def _subject_result(item: dict, key: str, assessment: str, rules: Capabilities) -> str:
    if rules.by_checkpoints:
        level = item.get("level")
        return rules.subject_levels.get(level, level or "")
    value = item.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return COMMENT_WORDS.get(value, value)
    return _number(value)


def _term_period(term_number: int, rules: Capabilities) -> str:
    """The result period whose approval publishes a term's columns (term 2 of a rule set
    without a term-2 result is published with the year)."""
    wanted = f"term{term_number}"
    return wanted if wanted in rules.periods else "year"


def _levels(data: dict, period: str, rules: Capabilities, ruleset: str) -> list[Level]:
    out: list[Level] = []
    if rules.by_checkpoints:
        overall = data.get("overall")
        if overall:
            out.append(
                Level(
                    "Kết quả giáo dục",
                    OVERALL_LABELS.get(overall, overall),
                    rules.meaning("overall", overall),
                )
            )
    else:
        learning = (data.get("learning") or {}).get(period)
        training = (data.get("training") or {}).get(period)
        if learning:
            out.append(
                Level(
                    "Kết quả học tập",
                    LEVEL_LABELS.get(learning, learning),
                    rules.meaning("learning", learning),
                )
            )
        if training:
            out.append(
                Level(
                    "Kết quả rèn luyện",
                    LEVEL_LABELS.get(training, training),
                    rules.meaning("training", training),
                )
            )
    title = data.get("title")
    if title:
        out.append(Level("Danh hiệu", title_label(title, ruleset), rules.meaning("title", title)))
    decision = data.get("final_decision") or data.get("decision")
    if decision:
        out.append(Level("Xét lên lớp", DECISION_LABELS.get(decision, decision)))
    completed = data.get("completed")
    if completed is not None and rules.by_checkpoints:
        out.append(Level("Chương trình lớp học", "Hoàn thành" if completed else "Chưa hoàn thành"))
    return out


def published_results(
    *,
    student: Student,
    school_class,
    settings: PublicationSettings,
    today: date | None = None,
) -> Published:
    """The child's results that the school has published, by its setting:

    - always: the periods the principal approved (term and year results, with what each level
      means under the class's rule set, the subject teachers' comments and every column of the
      terms those periods close);
    - ``columns`` mode also: every column its subject teacher finalised (chốt) before that.

    Upcoming: the test dates the subject teachers set for the child's class, from today, when
    the school shows them. Nothing of another student is read."""
    today = today or clock.today()
    mode = settings.mode
    if school_class is None:
        return Published(school_class=None, rules=None, mode=mode)
    ruleset = class_ruleset(school_class)
    rules = capabilities_for(ruleset)
    offerings = list(
        SubjectOffering.objects.filter(grade_id=school_class.grade_id).select_related("subject")
    )
    offerings.sort(key=lambda o: (o.subject.order, o.subject.name, o.subject.code))
    sheet_cols = list(
        SheetColumn.objects.filter(school_class=school_class)
        .select_related("term")
        .only("subject_id", "term__number", "column", "test_date", "finalised_at")
    )
    results = list(
        StudentResult.objects.filter(
            class_result__school_class=school_class,
            class_result__state=ClassResult.State.APPROVED,
            student=student,
        )
        .select_related("class_result")
        .only("data", "class_result__period", "class_result__approved_at")
    )
    approved = {r.class_result.period: r for r in results}
    finalised = {
        (c.subject_id, c.term_id, c.column) for c in sheet_cols if c.finalised_at is not None
    }
    cells: dict[tuple[int, int], dict[str, Assessment]] = defaultdict(dict)
    # The terms are those the child's cells and the class's columns name (no query of their own).
    seen_terms: dict[int, Term] = {c.term_id: c.term for c in sheet_cols}
    for a in (
        Assessment.objects.filter(
            student=student, school_class=school_class, term__year_id=school_class.year_id
        )
        .select_related("term")
        .only("subject_id", "term__number", "column", "value", "text", "assessed_on")
    ):
        cells[(a.subject_id, a.term_id)][a.column] = a
        seen_terms.setdefault(a.term_id, a.term)
    terms = sorted(seen_terms.values(), key=lambda t: t.number)
    term_numbers_open = {t.pk: _term_period(t.number, rules) in approved for t in terms}
    comments: dict[tuple[int, int], str] = {}
    if any(term_numbers_open.values()):
        for c in SubjectComment.objects.filter(
            student=student, term_id__in=[t.pk for t in terms if term_numbers_open[t.pk]]
        ).only("subject_id", "term_id", "text"):
            comments[(c.subject_id, c.term_id)] = c.text

    subjects: list[SubjectLine] = []
    labels: dict[tuple[int, int, str], str] = {}
    for o in offerings:
        s = o.subject
        line = SubjectLine(s.pk, s.code, s.name, s.assessment)
        for t in terms:
            columns = sheet_columns(subject=s, offering=o, term=t, ruleset=ruleset)
            entered = cells.get((s.pk, t.pk), {})
            # columns the teacher added beyond the rule set's layout (TX7, …) keep their order
            known = {c.key for c in columns}
            period_open = term_numbers_open[t.pk]
            st = SubjectTerm(term_number=t.number)
            for col in columns:
                labels[(s.pk, t.pk, col.key)] = col.label
            for key in [c.key for c in columns] + sorted(k for k in entered if k not in known):
                a = entered.get(key)
                if a is None or not (a.value or a.text):
                    continue
                if not (
                    period_open
                    or (mode == settings.Mode.COLUMNS and (s.pk, t.pk, key) in finalised)
                ):
                    continue
                col = next((c for c in columns if c.key == key), None)
                kind = col.kind if col else ""
                st.cells.append(
                    Cell(
                        label=col.label if col else key,
                        value=_cell_text(kind, a.value, a.text, rules),
                        kind=kind,
                        on=a.assessed_on,
                    )
                )
            period = _term_period(t.number, rules)
            if period_open:
                data = approved[period].data
                item = (data.get("subjects") or {}).get(s.code) or {}
                st.result = _subject_result(item, period, s.assessment, rules)
                st.comment = comments.get((s.pk, t.pk), "")
            line.terms.append(st)
        if "year" in approved and not rules.by_checkpoints:
            item = (approved["year"].data.get("subjects") or {}).get(s.code) or {}
            line.year_result = _subject_result(item, "year", s.assessment, rules)
        subjects.append(line)

    periods = []
    for period in rules.periods:
        r = approved.get(period)
        if r is None:
            continue
        data = r.data
        periods.append(
            PeriodResult(
                period=period,
                label=period_label(period, ruleset),
                approved_at=r.class_result.approved_at,
                levels=_levels(data, period, rules, ruleset),
                absences=data.get("absences"),
                explanation=list(data.get("explanation") or []),
            )
        )

    upcoming: list[Upcoming] = []
    if settings.show_test_dates:
        names = {o.subject_id: o.subject.name for o in offerings}
        for c in sheet_cols:
            if c.test_date is None or c.test_date < today or c.subject_id not in names:
                continue
            label = labels.get((c.subject_id, c.term_id, c.column), c.column)
            upcoming.append(Upcoming(on=c.test_date, subject=names[c.subject_id], what=label))
        upcoming.sort(key=lambda u: (u.on, u.subject, u.what))
    return Published(
        school_class=school_class,
        rules=rules,
        mode=mode,
        subjects=subjects,
        periods=periods,
        upcoming=upcoming,
    )


# --- attendance ----------------------------------------------------------------------------------


@dataclass
class AttendanceLine:
    on: date
    session: str
    period: int
    status: str
    excuse: str
    note: str


def attendance_lines(
    *, student_id: int, school_id: int, start: date, end: date
) -> list[AttendanceLine]:
    """The child's attendance marks (absences, late, left early) between ``start`` and ``end``,
    newest first. One query."""
    out = []
    for m in AttendanceMark.objects.filter(
        student_id=student_id, school_id=school_id, date__gte=start, date__lte=end
    ).order_by("-date", "session", "period"):
        out.append(
            AttendanceLine(
                on=m.date,
                session=m.get_session_display(),
                period=m.period,
                status=m.get_status_display(),
                excuse=m.get_excuse_display() if m.status == "absent" else "",
                note=m.note,
            )
        )
    return out


@dataclass
class AttendanceSummary:
    lines: list[AttendanceLine]
    start: date
    end: date
    year: attendance.Totals
    warn: bool


def attendance_summary(*, student_id: int, school_id: int, year, today: date | None = None):
    today = today or clock.today()
    end = min(today, year.end_date) if year is not None else today
    start = end - timedelta(days=ATTENDANCE_DAYS - 1)
    if year is not None:
        start = max(start, year.start_date)
    lines = attendance_lines(student_id=student_id, school_id=school_id, start=start, end=end)
    settings = attendance.settings_for(school_id)
    totals = attendance.Totals()
    if year is not None and year.start_date <= end:
        totals = attendance.totals(
            school_id=school_id,
            start=year.start_date,
            end=end,
            student_ids=[student_id],
            settings=settings,
        ).get(student_id, attendance.Totals())
    return AttendanceSummary(
        lines=lines,
        start=start,
        end=end,
        year=totals,
        warn=totals.absent >= settings.warn_from,
    )


# --- transcripts ---------------------------------------------------------------------------------


def issued_transcripts(*, student_id: int, school_id: int) -> list[Transcript]:
    """The child's issued transcripts (one per year, the current version), newest year first."""
    return list(
        Transcript.objects.filter(
            student_id=student_id, school_id=school_id, state=Transcript.State.ISSUED
        )
        .exclude(pdf="")
        .select_related("year")
        .order_by("-year__start_date", "-version")
    )


# --- the page ------------------------------------------------------------------------------------


@dataclass
class ChildPage:
    student: Student
    enrolment: Enrolment | None
    published: Published
    attendance: AttendanceSummary
    transcripts: list[Transcript]
    settings: PublicationSettings


def current_enrolment(student: Student, year) -> Enrolment | None:
    """The child's enrolment in ``year`` (the open one, else the last one), with the school's
    publication choice (``pub_mode``, ``pub_test_dates``: None when it never chose) and whether
    an issued transcript exists (``has_transcripts``) read in the same query."""
    if year is None:
        return None
    school = OuterRef("student__school_id")
    chosen = PublicationSettings.objects.filter(school_id=school)
    return (
        Enrolment.objects.filter(student=student, year=year)
        .select_related("school_class__grade", "school_class__year")
        .annotate(
            pub_mode=Subquery(chosen.values("mode")[:1]),
            pub_test_dates=Subquery(chosen.values("show_test_dates")[:1]),
            has_transcripts=Exists(
                Transcript.objects.filter(
                    student_id=OuterRef("student_id"),
                    school_id=school,
                    state=Transcript.State.ISSUED,
                ).exclude(pdf="")
            ),
        )
        .order_by(F("end_date").asc(nulls_first=True), "-start_date")  # still there: first
        .first()
    )


def _settings_of(enrolment: Enrolment, school_id: int) -> PublicationSettings:
    chosen = PublicationSettings(school_id=school_id)
    if enrolment.pub_mode is not None:
        chosen.mode = enrolment.pub_mode
        chosen.show_test_dates = bool(enrolment.pub_test_dates)
    return chosen


def child_page(actor: Actor, student: Student, *, today: date | None = None) -> ChildPage:
    """Everything the child's page shows (``student`` checked by ``policies.access_child``)."""
    today = today or clock.today()
    enrolment = current_enrolment(student, actor.year)
    if enrolment is not None:
        settings = _settings_of(enrolment, actor.school_id)
        transcripts = (
            issued_transcripts(student_id=student.pk, school_id=actor.school_id)
            if enrolment.has_transcripts
            else []
        )
    else:
        settings = publication_settings(actor.school_id)
        transcripts = issued_transcripts(student_id=student.pk, school_id=actor.school_id)
    published = published_results(
        student=student,
        school_class=enrolment.school_class if enrolment else None,
        settings=settings,
        today=today,
    )
    return ChildPage(
        student=student,
        enrolment=enrolment,
        published=published,
        attendance=attendance_summary(
            student_id=student.pk, school_id=actor.school_id, year=actor.year, today=today
        ),
        transcripts=transcripts,
        settings=settings,
    )
