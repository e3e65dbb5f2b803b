"""Demo data of the grade book, called by hoso.demo.actions.demo_seed after the schools exist.

Current year, both schools, up to the reference day ``today`` (``seed_demo --today``): every
sheet of a term that has started gets the results of the days already past — the required
regular columns (TX1, TX2, …) spread over the term, one optional TX for some students after the
mid-term, the mid-term (GK) around the mid-term checkpoint and the end-term (CK) in the term's
last two weeks, each only if its day is past; primary classes get, at each checkpoint already
reached, the levels, the comments and (end of term; mid-term in grades 4–5 for Tiếng Việt and
Toán) the test. Nothing is dated after ``today``: on 3 September the book is empty, in July the
whole year is filled. A few cells stay empty (absent students). Some columns of the demo subject
teacher ``gvbm`` (the first ones filled) are finalised (chốt), so that the correction procedure
can be tried on them. After the year's last day (June–August: over, not rolled over yet) the
lower-secondary classes ``LAST_YEAR_CLASS`` and ``GRADUATING_CLASS`` (grade 9, for the graduation
demo) of the current year are closed like last year's (below). Cells are written with
``bulk_create`` (one action per
cell would take minutes) and recorded by one ``demo.seeded`` audit event per batch.

Previous (closed) year, lower secondary only, ONE class (last year's 6A1): every required column
of both terms, the homeroom inputs, then the real actions — each subject teacher confirms its
sheet, the homeroom teacher confirms the class and its results, the principal approves term I,
term II and the year (all audited). The year is opened for this and closed again, inside the
seed transaction. Values are deterministic (``random.Random`` seeded by names, not ids).
"""

from __future__ import annotations

import random
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hoso.assessment.rules import capabilities_for
from hoso.core import clock
from hoso.gradebook.entry.columns import COMMENT_RESULT, LEVEL, SCORE, TEST, TEXT, ruleset_code
from hoso.gradebook.entry.columns import sheet_columns as _sheet_columns
from hoso.gradebook.entry.models import Assessment, SheetColumn
from hoso.gradebook.results.compute import recompute_school
from hoso.gradebook.results.models import HomeroomInput

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: Last year's class whose results are approved and whose transcripts the demo issues.
LAST_YEAR_CLASS = "6A1"
#: The grade-9 class whose year the demo closes in the summer (the graduation review's list 1).
GRADUATING_CLASS = "9A1"
#: Students of that class (in list order) whose results make the lists non-trivial.
WEAK_STUDENT = 3  # two subjects well below 5 in term II: "Chưa đạt", re-test in the summer
SUMMER_TRAINING_STUDENT = 7  # training "Chưa đạt" in term II: rèn luyện trong hè
ABSENT_RATE = 0.03

#: Share of the students assessed in the first optional regular column (TX after the required).
OPTIONAL_SHARE = 0.4


def term_plan(
    term, checkpoints: dict[str, date], *, regular: int = 0
) -> dict[str, tuple[date, date, float]]:
    """When the demo assesses each column of a term: key -> (first day, last day, share of the
    students), derived from the term's dates and checkpoints. Secondary: the ``regular``
    required ``TX`` columns in even windows from the third week to the week before the end-term
    checkpoint, the next (optional) ``TX`` for some students in the fortnight after mid-term,
    ``GK`` from a week before to 25 days after the mid-term checkpoint, ``CK`` in the week before
    the end-term checkpoint and its own week. Primary: ``MUC/KT/NX_<checkpoint>`` in the
    checkpoint's week."""
    mid, end = ("mid1", "end1") if term.number == 1 else ("mid2", "end2")
    mid_day, end_day = checkpoints[mid], checkpoints[end]
    plan: dict[str, tuple[date, date, float]] = {}
    first = term.start_date + timedelta(days=14)
    span = (end_day - timedelta(days=7) - first).days
    for n in range(regular):
        a = first + timedelta(days=span * n // regular)
        b = first + timedelta(days=span * (n + 1) // regular - 3)
        plan[f"TX{n + 1}"] = (a, max(a, b), 1.0)
    if regular:
        plan[f"TX{regular + 1}"] = (
            mid_day + timedelta(days=7),
            mid_day + timedelta(days=18),
            OPTIONAL_SHARE,
        )
    plan["GK"] = (mid_day - timedelta(days=7), mid_day + timedelta(days=25), 1.0)
    plan["CK"] = (end_day - timedelta(days=7), end_day + timedelta(days=4), 1.0)
    for cp, day in ((mid, mid_day), (end, end_day)):
        for key in ("MUC", "KT", "NX"):
            plan[f"{key}_{cp}"] = (day - timedelta(days=6), day, 1.0)
    return plan


PRIMARY_COMMENTS = {
    "T": (
        "Em học tốt, tích cực phát biểu xây dựng bài.",
        "Em nắm vững kiến thức, trình bày bài sạch đẹp.",
        "Em tiếp thu nhanh, hoàn thành tốt các bài tập.",
    ),
    "H": (
        "Em hoàn thành các yêu cầu của bài học.",
        "Em chăm chỉ, cần cẩn thận hơn khi làm bài.",
        "Em có tiến bộ, cần mạnh dạn phát biểu hơn.",
    ),
    "C": (
        "Em cần cố gắng hơn, luyện tập thêm ở nhà.",
        "Em chưa hoàn thành một số yêu cầu, cần sự hỗ trợ thêm.",
    ),
}


def seed_demo(school, year, *, today: date) -> None:
    from hoso.organisation.models import SchoolYear

    _current_year(school, year, today)
    if "lower_secondary" in (year.rulesets or {}):
        previous = (
            SchoolYear.objects.filter(school=school, start_date__lt=year.start_date)
            .order_by("-start_date")
            .first()
        )
        if previous is not None:
            _last_year_class(school, previous)


# ------------------------------------------------------------------------------ helpers


@contextmanager
def year_opened(year):
    """Open a closed year for the duration of the block (the actions refuse a closed year),
    then close it again. Only for the demo seed, inside its transaction."""
    was_closed = year.is_closed
    if was_closed:
        year.is_closed = False
        year.save(update_fields=["is_closed"])
    try:
        yield year
    finally:
        if was_closed:
            year.is_closed = True
            year.save(update_fields=["is_closed"])


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def _weekday_in(rng: random.Random, first: date, last: date) -> date:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return rng.choice([d for d in days if d.weekday() < 5] or days)


_ABILITIES: dict[tuple[str, str], float] = {}


def _ability(school, student) -> float:
    """A student's steady level (0–10), the same in every process and database."""
    key = (school.code, student.student_code)
    if key not in _ABILITIES:
        rng = random.Random(f"demo-ability:{school.code}:{student.student_code}")
        _ABILITIES[key] = max(3.0, min(9.8, rng.gauss(7.0, 1.2)))
    return _ABILITIES[key]


def _score(rng: random.Random, ability: float, spread: float = 0.9, step: float = 0.5) -> str:
    raw = max(0.0, min(10.0, rng.gauss(ability, spread)))
    return f"{round(raw / step) * step:.1f}"


def _comment_result(rng: random.Random, ability: float) -> str:
    return "D" if rng.gauss(ability, 1.0) >= 4.0 else "CD"


def _level(rng: random.Random, ability: float) -> str:
    x = rng.gauss(ability, 0.7)
    return "T" if x >= 8.0 else ("H" if x >= 5.0 else "C")


def _value(column, rng: random.Random, ability: float) -> tuple[str, str]:
    if column.kind == SCORE:
        return _score(rng, ability, step=0.5 if column.key.startswith("TX") else 0.1), ""
    if column.kind == COMMENT_RESULT:
        return _comment_result(rng, ability), ""
    if column.kind == LEVEL:
        return _level(rng, ability), ""
    if column.kind == TEST:
        return str(max(1, min(10, round(rng.gauss(ability, 1.0))))), ""
    return "", ""


def _class_data(year):
    """Classes of the year with their active students, offerings by grade and the teacher's user
    of every (class, subject, term)."""
    from hoso.organisation.models import SchoolClass, SubjectOffering, TeachingAssignment
    from hoso.students.models import Enrolment

    classes = list(
        SchoolClass.objects.filter(year=year)
        .select_related("grade", "year")
        .order_by("grade__number", "name")
    )
    students = defaultdict(list)
    for e in (
        Enrolment.objects.studying()
        .filter(year=year)
        .select_related("student")
        .order_by("student__sort_name", "student_id")
    ):
        students[e.school_class_id].append(e.student)
    offerings = defaultdict(list)
    for o in (
        SubjectOffering.objects.filter(grade__in={c.grade_id for c in classes})
        .select_related("subject")
        .order_by("subject__order")
    ):
        offerings[o.grade_id].append(o)
    teachers = {
        (school_class_id, subject_id, term_id): user_id
        for school_class_id, subject_id, term_id, user_id in TeachingAssignment.objects.filter(
            school_class__year=year, teacher__user__isnull=False
        ).values_list("school_class_id", "subject_id", "term_id", "teacher__user_id")
    }
    return classes, students, offerings, teachers


def _columns(school_class, offering, term):
    """The sheet's columns, as ``hoso.gradebook.entry.sheets.load_sheet`` gives them (no column has
    been added by a teacher yet, and the offering is already loaded)."""
    code = ruleset_code(school_class.year, school_class.grade.level, school_class.grade.number)
    return _sheet_columns(subject=offering.subject, offering=offering, term=term, ruleset=code)


def _cell(school_class, student, subject, term, column_key, value, text, user_id, on, at):
    """One grade-book cell (``Assessment``), as the row :func:`_insert_cells` writes."""
    return (
        student.pk,
        school_class.pk,
        subject.pk,
        term.pk,
        column_key,
        value,
        text,
        on,
        user_id,
        at,
        at,
        1,
    )


CELL_FIELDS = (
    "student",
    "school_class",
    "subject",
    "term",
    "column",
    "value",
    "text",
    "assessed_on",
    "entered_by",
    "entered_at",
    "updated_at",
    "version",
)


def _insert_cells(cells: list[tuple]) -> None:
    """Write ``Assessment`` rows: ``COPY`` on PostgreSQL, one multi-row INSERT per batch
    elsewhere. Like ``bulk_create`` but without building ~36,000 model instances, which was most
    of the seed's cost; values go through the backend's adapters as the ORM sends them."""
    from django.db import connection

    ops = connection.ops
    meta = Assessment._meta
    columns = ", ".join(ops.quote_name(meta.get_field(f).column) for f in CELL_FIELDS)
    rows = [
        (
            *row[:7],
            ops.adapt_datefield_value(row[7]),
            row[8],
            ops.adapt_datetimefield_value(row[9]),
            ops.adapt_datetimefield_value(row[10]),
            row[11],
        )
        for row in cells
    ]
    if connection.vendor == "postgresql":  # COPY: several times faster than INSERTs there
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    fields = [meta.get_field(f) for f in CELL_FIELDS]
    per_batch = max(1, min(2000, ops.bulk_batch_size(fields, rows)))  # SQLite: 999 parameters
    one = "(" + ", ".join(["%s"] * len(CELL_FIELDS)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_batch):
            batch = rows[start : start + per_batch]
            cursor.execute(
                f"INSERT INTO {ops.quote_name(meta.db_table)} ({columns}) VALUES "
                + ", ".join([one] * len(batch)),
                [value for row in batch for value in row],
            )


def _audit(school, target, after: dict) -> None:
    """The grade-book rows written in bulk, recorded as part of the demo seed (one event per
    batch, not one per cell: the demo is not anyone's work)."""
    from hoso.audit.actions import audit_record

    audit_record(
        event_type="demo.seeded",
        school_id=school.pk,
        target=target,
        target_repr=f"Sổ điểm mẫu — {target}",
        after={"module": "gradebook", **after},
    )


def login_user(school, key: str):
    from hoso.accounts.models import User
    from hoso.demo.builder import well_known_username
    from hoso.demo.data import SCHOOLS

    spec = next(s for s in SCHOOLS if s.code == school.code)
    return User.objects.filter(username=well_known_username(spec, key)).first()


# ------------------------------------------------------------------ current year, up to today


def _current_year(school, year, today: date) -> None:
    now = clock.now_on(today)
    checkpoints = dict(year.checkpoints.values_list("kind", "date"))
    terms = [t for t in year.terms.order_by("number") if t.start_date <= today]
    classes, students, offerings, teachers = _class_data(year)
    if Assessment.objects.filter(school_class__in=classes).exists():
        return  # already seeded
    # After the year's last day (summer: the year is over, not rolled over yet) two classes of
    # the lower-secondary school (a grade 6 and a grade 9) have their year closed like last
    # year's: every column, sign-offs and the principal's approval of term I, term II and the year.
    finished = []
    if today > year.end_date and "lower_secondary" in (year.rulesets or {}):
        finished = [c for c in classes if c.name in (LAST_YEAR_CLASS, GRADUATING_CLASS)]
    cells: list[tuple] = []
    sheet_columns: list[SheetColumn] = []
    for term in terms:
        for school_class in classes:
            if school_class in finished:
                continue
            for offering in offerings[school_class.grade_id]:
                cells += _sheet_cells(
                    school,
                    year,
                    term,
                    school_class,
                    offering,
                    students[school_class.pk],
                    teachers.get((school_class.pk, offering.subject.pk, term.pk)),
                    checkpoints,
                    today,
                    now,
                    sheet_columns,
                )
    SheetColumn.objects.bulk_create(sheet_columns, batch_size=500)
    _insert_cells(cells)
    finalised = _finalise_some(school, year, terms[0], now) if terms else 0
    for school_class in finished:
        _fill_last_year(school, school_class)
        _approve_last_year(school, school_class)
    _audit(
        school,
        year,
        {
            "year": year.name,
            "terms": [t.number for t in terms],
            "today": today.isoformat(),
            "assessments": len(cells),
            "sheet_columns": len(sheet_columns),
            "finalised_columns": finalised,
        },
    )
    # The cells were written in bulk (no action, so no GradesChanged): compute the results as the
    # background work does after grades are saved, so the demo's results pages are up to date.
    if year.writable_for("results"):
        recompute_school(year, trigger="demo")


def _sheet_cells(
    school,
    year,
    term,
    school_class,
    offering,
    roster,
    user_id,
    checkpoints,
    today: date,
    now: datetime,
    sheet_columns: list[SheetColumn],
) -> list[tuple]:
    """The cells of one sheet assessed on or before ``today`` (and its dated columns)."""
    if user_id is None:
        return []
    subject = offering.subject
    suffix = "" if term.number == 1 else ":2"  # term I keeps the values it always had
    rng = random.Random(
        f"demo-gb:{school.code}:{year.name}:{school_class.name}:{subject.code}{suffix}"
    )
    columns = _columns(school_class, offering, term)
    regular = sum(1 for c in columns if c.required and c.key.startswith("TX"))
    plan = term_plan(term, checkpoints, regular=regular)
    cells: list[tuple] = []
    levels: dict[int, str] = {}  # student id -> level just given (primary comments follow it)
    for column in columns:
        if column.key not in plan:
            continue
        first, last, share = plan[column.key]
        on = _weekday_in(rng, first, last)
        if column.periodic or (column.dated and on <= today):
            sheet_columns.append(
                SheetColumn(
                    school_class=school_class,
                    subject=subject,
                    term=term,
                    column=column.key,
                    test_date=on,
                )
            )
        if on > today:
            continue  # not assessed yet on the reference day
        # Entered the evening after (Friday's the same evening: the weekly deadline is
        # Saturday 15:00), so the demo shows no late entry of its own.
        later = 0 if on.weekday() == 4 else 1
        entered = _aware(min(on + timedelta(days=later), today), 20, rng.randint(0, 59))
        entered = min(entered, now)
        for student in roster:
            if rng.random() >= share:
                continue
            if column.kind != TEXT and rng.random() < ABSENT_RATE:
                continue  # absent that day: the cell stays empty
            ability = _ability(school, student)
            if column.kind == TEXT:  # the comment goes with the level just given
                level = levels.get(student.pk) or _level(rng, ability)
                value, text = "", rng.choice(PRIMARY_COMMENTS[level])
            else:
                value, text = _value(column, rng, ability)
                if column.kind == LEVEL:
                    levels[student.pk] = value
            cells.append(
                _cell(
                    school_class,
                    student,
                    subject,
                    term,
                    column.key,
                    value,
                    text,
                    user_id,
                    on,
                    entered,
                )
            )
    return cells


def _finalise_some(school, year, term, now: datetime) -> int:
    """Finalise (chốt) a few columns of the demo subject teacher in ``term``: the first two
    regular columns of its first class and the first of its second (primary: the mid-term level
    of its first two classes), those already entered. Their results change only through a
    correction request from then on; every other column of the teacher stays open."""

    from hoso.organisation.models import TeachingAssignment

    user = login_user(school, "gvbm")
    if user is None:
        return 0
    sheets = list(
        TeachingAssignment.objects.filter(teacher__user=user, term=term)
        .order_by("school_class__grade__number", "school_class__name", "subject__order")
        .values_list("school_class_id", "subject_id")[:2]
    )
    by_checkpoints = any(
        capabilities_for(code).by_checkpoints for code in (year.rulesets or {}).values()
    )
    wanted = []
    for index, (class_id, subject_id) in enumerate(sheets):
        keys = ("MUC_mid1",) if by_checkpoints else (("TX1", "TX2") if index == 0 else ("TX1",))
        wanted += [(class_id, subject_id, key) for key in keys]
    last_entry = {
        (c, s, k): (on, at)
        for c, s, k, on, at in Assessment.objects.filter(
            term=term, school_class_id__in=[c for c, _ in sheets], entered_by=user
        )
        .values_list("school_class_id", "subject_id", "column", "assessed_on", "entered_at")
        .order_by("entered_at")
    }
    existing = {
        (sc.school_class_id, sc.subject_id, sc.column): sc
        for sc in SheetColumn.objects.filter(term=term, school_class_id__in=[c for c, _ in sheets])
    }
    updates, creates = [], []
    for key in wanted:
        if key not in last_entry:
            continue  # nothing entered (yet) in that column
        at = max(last_entry[key][1], _aware(last_entry[key][0] + timedelta(days=3), 16))
        at = min(at, now)
        sc = existing.get(key)
        if sc is None:
            sc = SheetColumn(school_class_id=key[0], subject_id=key[1], term=term, column=key[2])
            creates.append(sc)
        else:
            updates.append(sc)
        sc.finalised_at, sc.finalised_by = at, user
    SheetColumn.objects.bulk_update(updates, ["finalised_at", "finalised_by"])
    SheetColumn.objects.bulk_create(creates)
    return len(updates) + len(creates)


# ------------------------------------------------------------------- last year: one whole class


def _last_year_class(school, previous) -> None:
    from hoso.gradebook.results.models import ClassResult
    from hoso.organisation.models import SchoolClass

    school_class = (
        SchoolClass.objects.filter(year=previous, name=LAST_YEAR_CLASS)
        .select_related("grade", "year")
        .first()
    )
    if school_class is None:
        return
    if ClassResult.objects.filter(school_class=school_class, state="approved").exists():
        return  # already seeded
    with year_opened(previous):
        school_class.year = previous
        _fill_last_year(school, school_class)
        _approve_last_year(school, school_class)


def _fill_last_year(school, school_class) -> None:
    year = school_class.year
    terms = list(year.terms.order_by("number"))
    classes, students, offerings, teachers = _class_data(year)
    roster = students[school_class.pk]
    cells: list[tuple] = []
    sheet_columns: list[SheetColumn] = []
    weak = roster[WEAK_STUDENT].pk if len(roster) > WEAK_STUDENT else None
    weak_subjects = {"TOAN", "NN1"}
    for term in terms:
        first, last = term.start_date, term.end_date - timedelta(days=14)
        for offering in offerings[school_class.grade_id]:
            subject = offering.subject
            user_id = teachers.get((school_class.pk, subject.pk, term.pk))
            if user_id is None:
                continue
            rng = random.Random(
                f"demo-gb:{school.code}:{year.name}:{school_class.name}:"
                f"{subject.code}:{term.number}"
            )
            required = [c for c in _columns(school_class, offering, term) if c.required]
            regular = [c for c in required if c.key.startswith("TX")]
            span = (last - first).days
            for column in required:
                if column.key == "GK":
                    on = first + timedelta(days=span // 2)
                elif column.key == "CK":
                    on = last
                else:
                    index = regular.index(column)
                    on = first + timedelta(days=span * (index + 1) // (len(regular) + 2))
                on = _weekday_in(rng, on, on + timedelta(days=4))
                finalised = _aware(on + timedelta(days=5), 16)
                sheet_columns.append(
                    SheetColumn(
                        school_class=school_class,
                        subject=subject,
                        term=term,
                        column=column.key,
                        test_date=on if column.dated else None,
                        finalised_at=finalised,
                        finalised_by_id=user_id,
                    )
                )
                entered = _aware(on + timedelta(days=1), 20)
                for student in roster:
                    ability = _ability(school, student)
                    if student.pk == weak and subject.code in weak_subjects and term.number == 2:
                        ability = 3.2
                    value, text = _value(column, rng, ability)
                    cells.append(
                        _cell(
                            school_class,
                            student,
                            subject,
                            term,
                            column.key,
                            value,
                            text,
                            user_id,
                            on,
                            entered,
                        )
                    )
    SheetColumn.objects.bulk_create(sheet_columns, batch_size=500)
    _insert_cells(cells)
    from hoso.organisation.assignments.selectors import homeroom_teacher_of

    homeroom_user = homeroom_teacher_of(school_class).user
    summer = roster[SUMMER_TRAINING_STUDENT].pk if len(roster) > SUMMER_TRAINING_STUDENT else None
    inputs = []
    for student in roster:
        rng = random.Random(f"demo-hr:{school.code}:{year.name}:{student.student_code}")
        ability = _ability(school, student)
        training = [
            "T" if ability >= 6.5 else "K",
            "T" if ability + rng.gauss(0, 0.6) >= 6.5 else "K",
        ]
        if rng.random() < 0.08:
            training[1] = "D"
        if student.pk == summer:
            training = ["D", "CD"]
        inputs.append(
            HomeroomInput(
                student=student,
                year=year,
                training_term1=training[0],
                training_term2=training[1],
                absences_term1=rng.choice((0, 0, 0, 1, 1, 2, 3)),
                absences_term2=rng.choice((0, 0, 1, 1, 2, 4)),
                updated_by=homeroom_user,
            )
        )
    HomeroomInput.objects.bulk_create(inputs)
    _audit(
        school,
        school_class,
        {
            "year": year.name,
            "class": school_class.name,
            "assessments": len(cells),
            "finalised_columns": len(sheet_columns),
            "homeroom_inputs": len(inputs),
        },
    )


def _approve_last_year(school, school_class) -> None:
    """The real actions, as the people would do it: sheet sign-offs by each subject teacher,
    the class sign-off and the confirmation by the homeroom teacher, approval by the principal."""
    from hoso.accounts.actor import build_actor
    from hoso.gradebook.entry.sheets import load_sheet
    from hoso.gradebook.results import actions as results_actions
    from hoso.gradebook.results.compute import available_periods
    from hoso.gradebook.signoff import actions as signoff
    from hoso.organisation.assignments.selectors import homeroom_teacher_of
    from hoso.organisation.models import TeachingAssignment

    year = school_class.year
    actors = {}

    def actor_of(user):
        if user.pk not in actors:
            actors[user.pk] = build_actor(user, school, year)
        return actors[user.pk]

    terms = list(year.terms.order_by("number"))
    assignments = (
        TeachingAssignment.objects.filter(school_class=school_class, teacher__user__isnull=False)
        .select_related("subject", "term", "teacher__user")
        .order_by("term__number", "subject__order")
    )
    for ta in assignments:
        sheet = load_sheet(school_class, ta.subject, ta.term)
        signoff.sheet_signoff(actor=actor_of(ta.teacher.user), sheet=sheet)
    homeroom = actor_of(homeroom_teacher_of(school_class).user)
    for term in terms:
        signoff.class_signoff(actor=homeroom, school_class=school_class, term=term)
    principal = actor_of(login_user(school, "hieutruong"))
    for period in available_periods(school_class):
        if period not in ("term1", "term2", "year"):
            continue
        results_actions.class_result_confirm(
            actor=homeroom, school_class=school_class, period=period
        )
        results_actions.class_result_approve(
            actor=principal, school_class=school_class, period=period
        )
