"""Tiến độ nhập điểm: how far each (teacher, class, subject) sheet of a term has come.

Counted per sheet (class × subject × term, owned by its assigned teacher), over the students
studying in the class now, for the columns the rule set marks **required** (comment columns
``NX_`` excluded):

- **required so far** (``required``): cells due by now —
  * regular columns (``TX``): before the end of the term (the date of its end checkpoint, else
    the term's last day) ``ceil(k × completed weeks / weeks of the term)`` results per student,
    where k is the rule set's number of required regular results; all k once the term is over;
  * periodic columns (``GK``, ``CK``, primary ``KT_``): once their deadline (test date, else the
    checkpoint's date, + the school's days) has passed; without a test date or checkpoint, once
    the term is over;
  * other required columns (primary levels ``MUC_``): once their checkpoint's date + the periodic
    days has passed, or the term is over.
- **entered**: results present among those due (regular: per student, at most the number due,
  whichever ``TX`` columns hold them).
- **finalised**: results in columns the teacher finalised (chốt), against **term total**, the
  required cells of the whole term.
- **late**: results first entered after their deadline (``deadlines.py``).

Everything is read in a fixed number of queries whatever the school's size (asserted by tests;
the board: one more when a regular result's assessed day lies outside its term).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import BooleanField, Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch, reverse

from hoso.accounts.actor import Actor
from hoso.core import clock
from hoso.gradebook.entry.columns import TEXT, Column, ruleset_code, sheet_columns
from hoso.gradebook.entry.models import Assessment, SheetColumn
from hoso.gradebook.progress import deadlines
from hoso.gradebook.progress.deadlines import DeadlineRules
from hoso.gradebook.progress.models import DeadlineRule
from hoso.gradebook.progress.policies import require_progress
from hoso.organisation.assignments.selectors import reference_day
from hoso.organisation.models import Checkpoint, SubjectOffering, TeachingAssignment, Term
from hoso.students.models import Enrolment

END_CHECKPOINT = {1: Checkpoint.Kind.END_TERM_1, 2: Checkpoint.Kind.END_OF_YEAR}

# --- deadline rules ----------------------------------------------------------------------------


def _as_time(value) -> time:
    if isinstance(value, time):
        return value
    return time.fromisoformat(str(value))


def deadline_rules(school) -> DeadlineRules:
    """The school's rules; a kind without a row has the seed default (the model's defaults)."""
    rows = {r.kind: r for r in DeadlineRule.objects.filter(school=school)}
    regular = rows.get(DeadlineRule.Kind.REGULAR) or DeadlineRule(kind=DeadlineRule.Kind.REGULAR)
    periodic = rows.get(DeadlineRule.Kind.PERIODIC) or DeadlineRule(kind=DeadlineRule.Kind.PERIODIC)
    return DeadlineRules(
        regular_weekday=regular.weekday,
        regular_time=_as_time(regular.time),
        regular_remind_hours=regular.remind_before_hours,
        periodic_days=periodic.days_after_test,
        periodic_remind_hours=periodic.remind_before_hours,
    )


# --- who sees the board -------------------------------------------------------------------------


def current_term(year, *, today: date | None = None) -> Term | None:
    """The term holding today, else the last one started, else the first."""
    today = today or clock.today()
    terms = list(year.terms.all()) if year is not None else []
    if not terms:
        return None
    for term in terms:
        if term.start_date <= today <= term.end_date:
            return term
    started = [t for t in terms if t.start_date <= today]
    return started[-1] if started else terms[0]


def default_check_month(year, *, today: date | None = None) -> date:
    """The month a monthly check is about unless the leader picks another: the month just ended
    (the check is made at the end of a month, often written up in the first days of the next).
    In the year's first month none has ended yet: that month; after the year's last month: the
    last one. Returned as the month's first day."""
    today = today or clock.today()
    current = today.replace(day=1)
    previous = (current - timedelta(days=1)).replace(day=1)
    if year is None:
        return previous
    first, last = year.start_date.replace(day=1), year.end_date.replace(day=1)
    return min(max(previous, first), last, max(current, first))


def chosen_term(year, raw: str) -> tuple[Term | None, str]:
    """The term chosen by its id (a query parameter) among the year's terms, else the current one
    with a message saying why."""
    raw = (raw or "").strip()
    if raw:
        term = year.terms.filter(pk=int(raw)).first() if raw.isdigit() and year else None
        if term is not None:
            return term, ""
        return current_term(year), (
            "Học kỳ đã chọn không có trong năm học; đang xem học kỳ hiện tại."
        )
    return current_term(year), ""


def sheet_url(class_id: int, subject_id: int, term_id: int) -> str:
    """The grade sheet's page (gradebook:sheet), or '' while that page does not exist."""
    kwargs = {"class_id": class_id, "subject_id": subject_id, "term_id": term_id}
    try:
        return reverse("gradebook:sheet", kwargs=kwargs)
    except NoReverseMatch:
        try:
            return reverse("gradebook:sheet", args=[class_id, subject_id, term_id])
        except NoReverseMatch:
            return ""


_CLASS_MARK, _SUBJECT_MARK = "2147480001", "2147480002"


def sheet_urls(term_id: int):
    """``sheet_url`` for the sheets of one term, the URL reversed once (a board of hundreds of
    rows): the two ids put in the place of two marks."""
    pattern = sheet_url(int(_CLASS_MARK), int(_SUBJECT_MARK), term_id)
    if pattern.count(_CLASS_MARK) != 1 or pattern.count(_SUBJECT_MARK) != 1:
        return lambda class_id, subject_id: sheet_url(class_id, subject_id, term_id)
    return lambda class_id, subject_id: pattern.replace(_CLASS_MARK, str(class_id)).replace(
        _SUBJECT_MARK, str(subject_id)
    )


# --- one sheet's counts (pure over loaded data) -------------------------------------------------


@dataclass
class Cell:
    value: str
    entered_at: datetime
    assessed_on: date | None
    entered_by_id: int | None = None


@dataclass
class ColumnState:
    test_date: date | None = None
    finalised: bool = False


@dataclass
class Due:
    """What a sheet owes at a moment: regular count per student, and the due columns."""

    regular: int
    columns: list[Column]


@dataclass
class SheetCounts:
    students: int = 0
    required: int = 0
    entered: int = 0
    finalised: int = 0
    term_total: int = 0
    late: int = 0
    regular_missing: int = 0
    missing_columns: dict[str, int] = field(default_factory=dict)  # periodic/level key -> missing

    @property
    def missing(self) -> int:
        return self.required - self.entered

    @property
    def percent(self) -> int:
        if self.required == 0:
            return 100
        return int(self.entered * 100 // self.required)

    def add(self, other: SheetCounts) -> None:
        for name in ("students", "required", "entered", "finalised", "term_total", "late"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class SheetSummary:
    """A sheet's cells counted by the database (``load_sheets(aggregated=True)``), over the
    students studying in the class and the sheet's own columns: what ``counts`` needs without
    reading every cell."""

    # number of filled TX cells -> how many students have that many (1 and more)
    regular: dict[int, int] = field(default_factory=dict)
    filled: dict[str, int] = field(default_factory=dict)  # column -> filled cells
    late: int = 0  # filled cells entered after their deadline, by the sheet's teacher


@dataclass
class SheetContext:
    """Everything the counts of one sheet need, loaded once."""

    columns: list[Column]
    term: Term
    students: set[int]
    cells: dict[int, dict[str, Cell]]  # student -> column -> cell
    states: dict[str, ColumnState]
    checkpoints: dict[str, date]
    rules: DeadlineRules
    # The sheet's teacher now: results entered late by a teacher it replaced are not its own.
    owner_user_id: int | None = None
    # The cells counted by the database instead of ``cells`` (the board: no cell read).
    summary: SheetSummary | None = None

    @property
    def term_end(self) -> date:
        kind = END_CHECKPOINT.get(self.term.number)
        return self.checkpoints.get(kind) or self.term.end_date

    def term_over(self, now: datetime) -> bool:
        return deadlines.local_date(now) > self.term_end

    def column_deadline(self, column: Column) -> datetime | None:
        """Deadline of a periodic or level column (regular ones have one per result)."""
        state = self.states.get(column.key)
        if column.periodic:
            return deadlines.periodic_deadline(
                state.test_date if state else None,
                self.rules,
                fallback=self.checkpoints.get(column.checkpoint),
            )
        return deadlines.periodic_deadline(
            None, self.rules, fallback=self.checkpoints.get(column.checkpoint)
        )

    def cell_deadline(self, column: Column, cell: Cell) -> datetime | None:
        if column.key.startswith("TX"):
            # The class-wide date of the regular assessment (set on the grid) wins over the
            # day the cell was typed.
            state = self.states.get(column.key)
            day = state.test_date if state and state.test_date else cell.assessed_on
            return deadlines.regular_deadline(day, self.rules)
        if column.periodic:
            return self.column_deadline(column)
        return None

    def _owned(self, cell: Cell) -> bool:
        return self.owner_user_id is None or cell.entered_by_id in (None, self.owner_user_id)

    def required_columns(self) -> list[Column]:
        return [c for c in self.columns if c.required and c.kind != TEXT]

    def due(self, at: datetime) -> Due:
        """What is due by ``at``."""
        required = self.required_columns()
        k = sum(1 for c in required if c.key.startswith("TX"))
        over = self.term_over(at)
        regular = deadlines.regular_due_count(
            k,
            start=self.term.start_date,
            end=self.term_end,
            today=deadlines.local_date(at),
        )
        columns = []
        for column in required:
            if column.key.startswith("TX"):
                continue
            deadline = self.column_deadline(column)
            if deadline is not None and column.periodic:
                if at > deadline:
                    columns.append(column)
            elif over or (deadline is not None and at > deadline):
                columns.append(column)
        return Due(regular=regular, columns=columns)

    def counts(self, at: datetime, *, due: Due | None = None) -> SheetCounts:
        due = due or self.due(at)
        required = self.required_columns()
        by_key = {c.key: c for c in self.columns}
        n = len(self.students)
        out = SheetCounts(students=n, term_total=n * len(required))
        out.required = n * (due.regular + len(due.columns))
        finalised_keys = {
            c.key for c in required if self.states.get(c.key, ColumnState()).finalised
        }
        regular_entered = 0
        missing_columns = {c.key: n for c in due.columns}
        if self.summary is not None:
            summary = self.summary
            out.finalised = sum(summary.filled.get(k, 0) for k in finalised_keys)
            out.late = summary.late
            for key in missing_columns:
                missing_columns[key] -= summary.filled.get(key, 0)
            regular_entered = sum(min(v, due.regular) * n for v, n in summary.regular.items())
        for student in self.students if self.summary is None else ():
            cells = self.cells.get(student, {})
            filled_regular = 0
            for key, cell in cells.items():
                if not cell.value:
                    continue
                column = by_key.get(key)
                if column is None:
                    continue
                if key.startswith("TX"):
                    filled_regular += 1
                if key in missing_columns:
                    missing_columns[key] -= 1
                if key in finalised_keys:
                    out.finalised += 1
                if self._owned(cell) and deadlines.is_late(
                    cell.entered_at, self.cell_deadline(column, cell)
                ):
                    out.late += 1
            regular_entered += min(filled_regular, due.regular)
        out.regular_missing = n * due.regular - regular_entered
        out.missing_columns = {k: v for k, v in missing_columns.items() if v > 0}
        out.entered = regular_entered + sum(n - v for v in missing_columns.values())
        return out


# --- loading many sheets at once ----------------------------------------------------------------


@dataclass
class SheetRow:
    assignment: TeachingAssignment
    context: SheetContext
    counts: SheetCounts | None = None
    url: str = ""

    @property
    def teacher(self):
        return self.assignment.teacher

    @property
    def school_class(self):
        return self.assignment.school_class

    @property
    def subject(self):
        return self.assignment.subject

    @property
    def term(self):
        return self.assignment.term


def assignments_in(
    terms: list[Term],
    scope: Q | None = None,
    *,
    school=None,
    now: datetime | None = None,
    with_users: bool = True,
) -> list[TeachingAssignment]:
    """The sheets of ``terms`` with the teacher each has on its year's reference day (today
    inside the year): reminders and progress follow a replacement from its date. Without
    ``with_users`` the teachers' accounts are not read (the board: ``teacher.user_id`` only)."""
    today = deadlines.local_date(now or clock.now())
    by_year: dict[int, list[Term]] = defaultdict(list)
    for term in terms:
        by_year[term.year_id].append(term)
    in_force = Q(pk__in=[])
    for year_terms in by_year.values():
        day = reference_day(year_terms[0].year, today=today)
        in_force |= Q(
            Q(starts_on__isnull=True) | Q(starts_on__lte=day),
            Q(ends_on__isnull=True) | Q(ends_on__gte=day),
            term_id__in=[t.pk for t in year_terms],
        )
    qs = TeachingAssignment.objects.filter(scope or Q()).filter(in_force)
    if school is not None:
        qs = qs.filter(subject__school=school)
    return list(
        qs.select_related(
            "teacher__department",
            *(("teacher__user",) if with_users else ()),
            "school_class__grade",
            "school_class__year",
            "subject",
            "term",
        ).order_by(
            "teacher__sort_name",
            "school_class__grade__number",
            "school_class__name",
            "subject__order",
            "subject__name",
        )
    )


def load_sheets(
    assignments: list[TeachingAssignment], *, rules: DeadlineRules, aggregated: bool = False
) -> list[SheetRow]:
    """Build the context of every sheet in five queries (offerings, checkpoints, enrolments,
    cells, column states), whatever the number of sheets. ``aggregated``: the cells are counted
    by the database (``SheetSummary``, two queries of counts, see ``_summarise``) instead of read one by one — the
    same ``counts``, without ``cells``."""
    if not assignments:
        return []
    class_ids = {a.school_class_id for a in assignments}
    subject_ids = {a.subject_id for a in assignments}
    term_ids = {a.term_id for a in assignments}
    grade_ids = {a.school_class.grade_id for a in assignments}
    year_ids = {a.school_class.year_id for a in assignments}
    offerings = {
        (o.subject_id, o.grade_id): o
        for o in SubjectOffering.objects.filter(subject_id__in=subject_ids, grade_id__in=grade_ids)
    }
    checkpoints: dict[int, dict[str, date]] = defaultdict(dict)
    for year_id, kind, day in Checkpoint.objects.filter(year_id__in=year_ids).values_list(
        "year_id", "kind", "date"
    ):
        checkpoints[year_id][kind] = day
    students: dict[int, set[int]] = defaultdict(set)
    for class_id, student_id in (
        Enrolment.objects.studying()
        .filter(school_class_id__in=class_ids)
        .values_list("school_class_id", "student_id")
    ):
        students[class_id].add(student_id)
    wanted = {(a.school_class_id, a.subject_id, a.term_id) for a in assignments}
    cells: dict[tuple, dict[int, dict[str, Cell]]] = defaultdict(lambda: defaultdict(dict))
    cell_rows = (
        Assessment.objects.none()
        if aggregated
        else Assessment.objects.filter(
            school_class_id__in=class_ids, subject_id__in=subject_ids, term_id__in=term_ids
        )
    )
    for (
        class_id,
        subject_id,
        term_id,
        student_id,
        column,
        value,
        entered_at,
        assessed_on,
        entered_by_id,
    ) in (
        cell_rows.exclude(column__startswith="NX_")
        .values_list(
            "school_class_id",
            "subject_id",
            "term_id",
            "student_id",
            "column",
            "value",
            "entered_at",
            "assessed_on",
            "entered_by_id",
        )
        .iterator(chunk_size=5000)
    ):
        key = (class_id, subject_id, term_id)
        if key in wanted:
            cells[key][student_id][column] = Cell(value, entered_at, assessed_on, entered_by_id)
    states: dict[tuple, dict[str, ColumnState]] = defaultdict(dict)
    for (
        class_id,
        subject_id,
        term_id,
        column,
        test_date,
        finalised_at,
    ) in SheetColumn.objects.filter(
        school_class_id__in=class_ids, subject_id__in=subject_ids, term_id__in=term_ids
    ).values_list(
        "school_class_id", "subject_id", "term_id", "column", "test_date", "finalised_at"
    ):
        states[(class_id, subject_id, term_id)][column] = ColumnState(
            test_date, finalised_at is not None
        )
    columns_cache: dict[tuple, list[Column]] = {}
    rows = []
    for a in assignments:
        school_class = a.school_class
        ckey = (a.subject_id, school_class.grade_id, a.term.number, school_class.year_id)
        if ckey not in columns_cache:
            columns_cache[ckey] = sheet_columns(
                subject=a.subject,
                offering=offerings.get((a.subject_id, school_class.grade_id)),
                term=a.term,
                ruleset=ruleset_code(
                    school_class.year, school_class.grade.level, school_class.grade.number
                ),
            )
        key = (a.school_class_id, a.subject_id, a.term_id)
        context = SheetContext(
            columns=columns_cache[ckey],
            term=a.term,
            students=students.get(a.school_class_id, set()),
            cells=cells.get(key, {}),
            states=states.get(key, {}),
            checkpoints=checkpoints.get(school_class.year_id, {}),
            rules=rules,
            owner_user_id=a.teacher.user_id,
        )
        rows.append(SheetRow(assignment=a, context=context))
    if aggregated:
        _summarise(rows, class_ids, subject_ids, term_ids, rules)
    return rows


def _summarise(rows: list[SheetRow], class_ids, subject_ids, term_ids, rules) -> None:
    """Fill each sheet's ``SheetSummary`` in two queries: the counts per (sheet, column, day
    assessed, who entered it, between which two deadlines it was entered) and per (sheet, pattern
    of filled regular columns) the students; a third only for regular results assessed outside
    their term's weeks."""
    by_sheet = {
        (r.assignment.school_class_id, r.assignment.subject_id, r.assignment.term_id): r
        for r in rows
    }
    for r in rows:
        r.context.summary = SheetSummary()
    unchecked = (  # filled cells, of any student
        Assessment.objects.filter(
            school_class_id__in=class_ids, subject_id__in=subject_ids, term_id__in=term_ids
        )
        .exclude(column__startswith="NX_")
        .exclude(value="")
    )
    # Of the students studying in the class: the (class, student) pairs as one list subquery
    # (SQLite builds it once; a correlated EXISTS was one look-up per cell).
    studying, studying_params = (
        Enrolment.objects.studying()
        .values("school_class_id", "student_id")
        .order_by()
        .query.sql_with_params()
    )
    q = connection.ops.quote_name
    table = q(Assessment._meta.db_table)
    filled = unchecked.filter(
        RawSQL(
            f"({table}.{q('school_class_id')}, {table}.{q('student_id')}) IN ({studying})",
            studying_params,
            output_field=BooleanField(),
        )
    )
    columns_of = {key: {c.key: c for c in r.context.columns} for key, r in by_sheet.items()}

    def deadline_of(ctx: SheetContext, column: Column, assessed_on) -> datetime | None:
        if column.key.startswith("TX"):
            state = ctx.states.get(column.key)
            day = state.test_date if state and state.test_date else assessed_on
            return deadlines.regular_deadline(day, rules)
        if column.periodic:
            return ctx.column_deadline(column)
        return None

    # Every deadline a cell can have, sorted: the periodic columns', the regular columns' test
    # dates' and the weekly deadline of every week of the sheets' terms. Each cell is then counted
    # in its bucket between two deadlines (a CASE of comparisons, no time-zone function per row):
    # late exactly when its bucket lies after its own deadline. A regular result assessed outside
    # its term's weeks (a slip of the date) has a deadline not in the list: those are counted
    # by one more query, only when there are any.
    thresholds: set[datetime] = set()
    for key, r in by_sheet.items():
        for column in columns_of[key].values():
            if column.periodic and (d := r.context.column_deadline(column)) is not None:
                thresholds.add(d)
            state = r.context.states.get(column.key)
            if column.key.startswith("TX") and state and state.test_date:
                thresholds.add(deadlines.regular_deadline(state.test_date, rules))
    spans = {
        (r.context.term.start_date, max(r.context.term.end_date, r.context.term_end)) for r in rows
    }
    for start, end in spans:
        day = deadlines.week_monday(start)
        while day <= end:
            thresholds.add(deadlines.regular_deadline(day, rules))
            day += timedelta(days=7)
    ordered = sorted(thresholds)
    index = {d: i for i, d in enumerate(ordered)}

    def between(lo: int, hi: int):
        """The first i in lo..hi with entered_at <= ordered[i] (hi = after the last): a binary
        search, ≈ 6 comparisons a cell instead of up to one per deadline."""
        if lo == hi:
            return Value(lo)
        mid = (lo + hi) // 2
        return Case(
            When(entered_at__lte=ordered[mid], then=between(lo, mid)),
            default=between(mid + 1, hi),
            output_field=IntegerField(),
        )

    bucket = Case(
        When(entered_at__isnull=True, then=Value(-1)),
        default=between(0, len(ordered)),
        output_field=IntegerField(),
    )
    groups = (
        filled.annotate(bucket=bucket)
        .values(
            "school_class_id",
            "subject_id",
            "term_id",
            "column",
            "assessed_on",
            "entered_by_id",
            "bucket",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    outside: dict[tuple, datetime] = {}
    for g in groups:
        key = (g["school_class_id"], g["subject_id"], g["term_id"])
        row = by_sheet.get(key)
        if row is None:
            continue
        column = columns_of[key].get(g["column"])
        if column is None:
            continue
        ctx, summary = row.context, row.context.summary
        summary.filled[column.key] = summary.filled.get(column.key, 0) + g["n"]
        if g["bucket"] < 0:
            continue  # no entry time: never late
        if not (ctx.owner_user_id is None or g["entered_by_id"] in (None, ctx.owner_user_id)):
            continue
        deadline = deadline_of(ctx, column, g["assessed_on"])
        if deadline is None:
            continue
        if deadline not in index:
            outside[(key, column.key, g["assessed_on"])] = deadline
        elif g["bucket"] > index[deadline]:
            summary.late += g["n"]
    if outside:
        late_outside = Q(pk__in=[])
        for ((class_id, subject_id, term_id), column_key, assessed_on), deadline in outside.items():
            late_outside |= Q(
                school_class_id=class_id,
                subject_id=subject_id,
                term_id=term_id,
                column=column_key,
                assessed_on=assessed_on,
                entered_at__gt=deadline,
            )
        for g in (
            filled.filter(late_outside)
            .values("school_class_id", "subject_id", "term_id", "entered_by_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            ctx = by_sheet[(g["school_class_id"], g["subject_id"], g["term_id"])].context
            if ctx.owner_user_id is None or g["entered_by_id"] in (None, ctx.owner_user_id):
                ctx.summary.late += g["n"]
    regular_keys = sorted(
        {c.key for r in rows for c in r.context.columns if c.key.startswith("TX")}
    )
    if not regular_keys:
        return
    # Per (sheet, student) which regular columns are filled (a bit per column: a column is filled
    # at most once per student, sheet and term), then, in the same query, how many studying
    # students of a sheet share each pattern: a few rows per sheet instead of one per student.
    # The students are checked after the grouping (≈ 6 000 groups instead of ≈ 15 000 cells).
    bit = {k: 1 << i for i, k in enumerate(regular_keys)}
    per_student = (
        unchecked.filter(column__in=regular_keys)
        .values("school_class_id", "subject_id", "term_id", "student_id")
        .annotate(
            mask=Sum(
                Case(
                    *(When(column=k, then=Value(b)) for k, b in bit.items()),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            )
        )
        .order_by()
    )
    inner, params = per_student.query.sql_with_params()
    sheet = ", ".join(q(name) for name in ("school_class_id", "subject_id", "term_id"))
    sql = (
        f"SELECT {sheet}, {q('mask')}, COUNT(*) FROM ({inner}) per_student "
        f"WHERE ({q('school_class_id')}, {q('student_id')}) IN ({studying}) "
        f"GROUP BY {sheet}, {q('mask')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, *studying_params))
        found = cursor.fetchall()
    own_bits = {key: sum(b for k, b in bit.items() if k in columns_of[key]) for key in by_sheet}
    for class_id, subject_id, term_id, mask, students in found:
        key = (class_id, subject_id, term_id)
        if key not in by_sheet:
            continue
        count = (int(mask) & own_bits[key]).bit_count()
        if count:
            regular = by_sheet[key].context.summary.regular
            regular[count] = regular.get(count, 0) + students


# --- the board -----------------------------------------------------------------------------------


@dataclass
class Filters:
    department: int | None = None
    grade: int | None = None
    school_class: int | None = None
    teacher: int | None = None

    def match(self, a: TeachingAssignment) -> bool:
        return (
            (self.department is None or a.teacher.department_id == self.department)
            and (self.grade is None or a.school_class.grade_id == self.grade)
            and (self.school_class is None or a.school_class_id == self.school_class)
            and (self.teacher is None or a.teacher_id == self.teacher)
        )


@dataclass
class Board:
    term: Term | None
    rows: list[SheetRow]
    totals: SheetCounts
    rules: DeadlineRules
    now: datetime
    options: dict[str, list[tuple[int, str]]]  # filter choices within the actor's scope


def _options(assignments: list[TeachingAssignment]) -> dict[str, list[tuple[int, str]]]:
    departments, grades, classes, teachers = {}, {}, {}, {}
    for a in assignments:
        if a.teacher.department_id:
            departments[a.teacher.department_id] = a.teacher.department.name
        grades[a.school_class.grade_id] = (a.school_class.grade.number, str(a.school_class.grade))
        classes[a.school_class_id] = (
            (a.school_class.grade.number, a.school_class.name),
            a.school_class.name,
        )
        teachers[a.teacher_id] = (a.teacher.sort_name, a.teacher.full_name)
    return {
        "department": sorted(departments.items(), key=lambda x: x[1]),
        "grade": [(k, v[1]) for k, v in sorted(grades.items(), key=lambda x: x[1][0])],
        "class": [(k, v[1]) for k, v in sorted(classes.items(), key=lambda x: x[1][0])],
        "teacher": [(k, v[1]) for k, v in sorted(teachers.items(), key=lambda x: x[1][0])],
    }


def progress_board(
    actor: Actor, *, term: Term | None, filters: Filters | None = None, now: datetime | None = None
) -> Board:
    """The progress board of ``term`` as the actor may see it (403 for others)."""
    scope = require_progress(actor)
    now = now or clock.now()
    rules = deadline_rules(actor.school)
    if term is None:
        return Board(None, [], SheetCounts(), rules, now, _options([]))
    in_scope = assignments_in([term], scope, school=actor.school, now=now, with_users=False)
    filters = filters or Filters()
    chosen = [a for a in in_scope if filters.match(a)]
    rows = load_sheets(chosen, rules=rules, aggregated=True)
    totals = SheetCounts()
    url_of = sheet_urls(term.pk)
    for row in rows:
        row.counts = row.context.counts(now)
        row.url = url_of(row.assignment.school_class_id, row.assignment.subject_id)
        totals.add(row.counts)
    return Board(term, rows, totals, rules, now, _options(in_scope))


def board_summary(board: Board) -> dict:
    """A JSON snapshot of a board (kept in the monthly check record)."""

    def counts_dict(c: SheetCounts) -> dict:
        return {
            "students": c.students,
            "required": c.required,
            "entered": c.entered,
            "percent": c.percent,
            "finalised": c.finalised,
            "term_total": c.term_total,
            "late": c.late,
        }

    teachers: dict[int, dict] = {}
    for row in board.rows:
        t = teachers.setdefault(
            row.teacher.pk,
            {"teacher": row.teacher.full_name, "totals": SheetCounts()},
        )
        t["totals"].add(row.counts)
    return {
        "term": board.term.pk if board.term else None,
        "term_name": str(board.term) if board.term else "",
        "at": board.now.isoformat(),
        "totals": counts_dict(board.totals),
        "teachers": [
            {"teacher": t["teacher"], **counts_dict(t["totals"])} for t in teachers.values()
        ],
        "rows": [
            {
                "teacher": row.teacher.full_name,
                "department": row.teacher.department.name if row.teacher.department else "",
                "class": row.school_class.name,
                "subject": row.subject.name,
                **counts_dict(row.counts),
            }
            for row in board.rows
        ],
    }
