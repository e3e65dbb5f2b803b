"""Reads of the school set-up: the checklist, each step's page, the home page's to-do. Always
scoped by the actor's school (and chosen year)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse

from hoso.accounts.actor import Actor
from hoso.accounts.middleware import default_year
from hoso.assessment.rules import REGISTRY, ruleset_code_for
from hoso.core.text import in_sentence
from hoso.organisation import programme
from hoso.organisation.models import (
    Department,
    GradeLevel,
    Level,
    School,
    SchoolClass,
    SchoolYear,
    Staff,
    Subject,
    SubjectOffering,
    SuperiorKind,
)
from hoso.organisation.policies import visible_classes
from hoso.organisation.rulesets import stored_code
from hoso.organisation.setup import calendar as cal
from hoso.organisation.setup import policies, usage
from hoso.organisation.setup.workflow import (
    CONFIRMATION_LABELS,
    Confirmation,
    Step,
    StepState,
    confirmation,
)

STEP_URLS = {
    Step.SCHOOL: "organisation:setup:school",
    Step.YEAR: "organisation:setup:year",
    Step.CLASSES: "organisation:setup:classes",
    Step.SUBJECTS: "organisation:setup:subjects",
    Step.DEPARTMENTS: "organisation:setup:departments",
    Step.RULESETS: "organisation:setup:rulesets",
}


PROFILE_FIELDS = (
    "code",
    "name",
    "short_name",
    "levels",
    "address",
    "phone",
    "email",
    "superior_kind",
    "office_name",
    "province",
    "commune",
    "head_title",
)


def profile_of(school: School) -> dict:
    """The school profile's fields (the set-up's first step; the audit's before/after)."""
    return {f: getattr(school, f) for f in PROFILE_FIELDS}


# --- rule sets --------------------------------------------------------------------------------


def valid_rulesets(level: str) -> list[str]:
    """Registered rule sets that evaluate ``level`` (the assessment registry)."""
    return [code for code, rs in REGISTRY.items() if level in rs.level]


def roadmap_ruleset(year: SchoolYear, grade: GradeLevel) -> str:
    """The Ministry's roadmap for the grade in that year (``ruleset_code_for``)."""
    return ruleset_code_for(grade.level, year.start_date.year, grade=grade.number)


def effective_ruleset(year: SchoolYear, grade: GradeLevel) -> str:
    """What the grade book uses for the grade now: the stored choice, else the roadmap."""
    return stored_code(year, grade.level, grade.number) or roadmap_ruleset(year, grade)


def ruleset_title(code: str) -> str:
    ruleset = REGISTRY.get(code)
    return ruleset.title if ruleset is not None else code


# --- the steps --------------------------------------------------------------------------------


def _school_state(school: School) -> StepState:
    missing = []
    if not school.name or not school.code:
        missing.append("tên, mã trường")
    if not school.levels:
        missing.append("cấp học")
    if not school.office_name or not school.superior_kind:
        missing.append("cơ quan quản lý trực tiếp")
    if not school.province:
        missing.append("tỉnh/thành phố")
    if school.superior_kind == SuperiorKind.COMMUNE and not school.commune:
        missing.append("xã/phường/đặc khu")
    lines = [f"{school.name} (mã {school.code})"]
    if school.office_name:
        lines.append(f"Cơ quan quản lý trực tiếp: {school.office_name}")
    if missing:
        lines.append("Còn thiếu: " + ", ".join(missing) + ".")
    return StepState(Step.SCHOOL, not missing, tuple(lines))


@dataclass
class YearFacts:
    """Counts the steps need, read in a handful of queries."""

    terms: int = 0
    checkpoints: int = 0
    holidays: int = 0
    classes: dict[int, int] = field(default_factory=dict)  # grade number -> classes
    offerings: dict[int, int] = field(default_factory=dict)  # grade number -> subjects
    departments: dict[str, int] = field(default_factory=dict)  # kind -> count
    without_head: int = 0
    grades: list[GradeLevel] = field(default_factory=list)


def _facts(school: School, year: SchoolYear | None) -> YearFacts:
    facts = YearFacts(grades=list(GradeLevel.objects.filter(school=school).order_by("number")))
    facts.offerings = dict(
        SubjectOffering.objects.filter(grade__school=school)
        .values_list("grade__number")
        .annotate(n=Count("pk"))
    )
    for kind, n, without in (
        Department.objects.filter(school=school)
        .values_list("kind")
        .annotate(n=Count("pk"), without=Count("pk", filter=Q(head__isnull=True)))
    ):
        facts.departments[kind] = n
        facts.without_head += without
    if year is not None:
        counts = SchoolYear.objects.filter(pk=year.pk).aggregate(
            terms=Count("terms", distinct=True),
            checkpoints=Count("checkpoints", distinct=True),
            holidays=Count("holidays", distinct=True),
        )
        facts.terms, facts.checkpoints, facts.holidays = (
            counts["terms"],
            counts["checkpoints"],
            counts["holidays"],
        )
        facts.classes = dict(
            SchoolClass.objects.filter(year=year)
            .values_list("grade__number")
            .annotate(n=Count("pk"))
        )
    return facts


def _grade_list(numbers) -> str:
    return ", ".join(str(n) for n in sorted(numbers))


def step_states(school: School, year: SchoolYear | None) -> list[StepState]:
    """The six steps of the set-up for ``year`` (or with no year yet), done or not, with what is
    there and what is missing."""
    facts = _facts(school, year)
    states = [_school_state(school)]
    if year is None:
        none = ("Chưa có năm học.",)
        states.append(StepState(Step.YEAR, False, none))
    else:
        weeks = len(year.weeks())
        lines = [
            f"Năm học {year.name}: {cal.vn_date(year.start_date)} – {cal.vn_date(year.end_date)}"
            f" ({weeks} tuần)",
            f"{facts.terms}/2 học kỳ, {facts.checkpoints}/4 mốc đánh giá, "
            f"{facts.holidays} ngày nghỉ",
        ]
        states.append(
            StepState(Step.YEAR, facts.terms == 2 and facts.checkpoints == 4, tuple(lines))
        )
    with_classes = [g for g in facts.grades if facts.classes.get(g.number)]
    if with_classes:
        lines = tuple(f"Khối {g.number}: {facts.classes[g.number]} lớp" for g in with_classes)
        states.append(StepState(Step.CLASSES, True, lines))
    else:
        states.append(StepState(Step.CLASSES, False, ("Chưa có lớp nào trong năm học.",)))
    no_subjects = [g.number for g in with_classes if not facts.offerings.get(g.number)]
    lines = [
        f"Khối {g.number}: {facts.offerings[g.number]} môn"
        for g in facts.grades
        if facts.offerings.get(g.number)
    ]
    if no_subjects:
        lines.append(f"Khối {_grade_list(no_subjects)} có lớp nhưng chưa có môn học.")
    if not lines:
        lines.append("Chưa có môn học.")
    states.append(StepState(Step.SUBJECTS, bool(with_classes) and not no_subjects, tuple(lines)))
    subject_depts = facts.departments.get(Department.Kind.SUBJECT, 0)
    office = facts.departments.get(Department.Kind.OFFICE, 0)
    lines = [f"{subject_depts} tổ chuyên môn, {office} tổ văn phòng"]
    if facts.without_head:
        lines.append(f"{facts.without_head} tổ chưa có tổ trưởng (chọn khi đã có cán bộ).")
    states.append(StepState(Step.DEPARTMENTS, bool(subject_depts and office), tuple(lines)))
    if year is None or not with_classes:
        states.append(StepState(Step.RULESETS, False, ("Chọn sau khi có năm học và lớp.",)))
    else:
        unset = []
        chosen: dict[str, list[int]] = {}
        for g in with_classes:
            code = stored_code(year, g.level, g.number)
            if code in valid_rulesets(g.level):
                chosen.setdefault(code, []).append(g.number)
            else:
                unset.append(g.number)
        lines = [f"Khối {_grade_list(ns)}: {ruleset_title(code)}" for code, ns in chosen.items()]
        if unset:
            lines.append(f"Khối {_grade_list(unset)} chưa chọn bộ quy tắc đánh giá.")
        states.append(StepState(Step.RULESETS, not unset, tuple(lines)))
    return states


def confirmation_snapshot(school: School, year: SchoolYear) -> dict:
    """What the principal confirms, kept in the audit event: the calendar, the classes per
    grade, the subjects and periods per grade, the departments and the rule sets."""
    offerings: dict[str, dict[str, int]] = {}
    for number, code, periods in (
        SubjectOffering.objects.filter(grade__school=school)
        .order_by("grade__number", "subject__order", "subject__code")
        .values_list("grade__number", "subject__code", "periods_per_year")
    ):
        offerings.setdefault(str(number), {})[code] = periods
    classes: dict[str, list[str]] = {}
    for number, name in (
        SchoolClass.objects.filter(year=year)
        .order_by("grade__number", "name")
        .values_list("grade__number", "name")
    ):
        classes.setdefault(str(number), []).append(name)
    return {
        "calendar": {
            "start_date": year.start_date.isoformat(),
            "end_date": year.end_date.isoformat(),
            "terms": [
                [t.number, t.start_date.isoformat(), t.end_date.isoformat()]
                for t in year.terms.order_by("number")
            ],
            "checkpoints": {c.kind: c.date.isoformat() for c in year.checkpoints.all()},
            "holidays": [
                [h.name, h.start_date.isoformat(), h.end_date.isoformat()]
                for h in year.holidays.all()
            ],
        },
        "classes": classes,
        "subjects": offerings,
        "departments": [
            [d.name, d.kind, d.head_id, d.deputy_id]
            for d in Department.objects.filter(school=school).order_by("kind", "name")
        ],
        "rulesets": year.rulesets,
    }


# --- the checklist ----------------------------------------------------------------------------


@dataclass
class Checklist:
    school: School
    year: SchoolYear | None
    steps: list[dict]
    state: Confirmation
    state_label: str
    confirmed_by: str = ""
    confirmed_at: object = None
    missing: list[str] = field(default_factory=list)


def checklist(actor: Actor) -> Checklist:
    school, year = actor.school, actor.year
    states = step_states(school, year)
    state = confirmation(states, confirmed=bool(year and year.confirmed_at))
    steps = [
        {
            "key": s.step.value,
            "title": s.title,
            "done": s.done,
            "lines": s.lines,
            "url": reverse(STEP_URLS[s.step]),
            "confirmed": s.step != Step.SCHOOL,
        }
        for s in states
    ]
    confirmed_by = ""
    if year is not None and year.confirmed_by_id:
        confirmed_by = year.confirmed_by.get_full_name()
    return Checklist(
        school=school,
        year=year,
        steps=steps,
        state=state,
        state_label=CONFIRMATION_LABELS[state],
        confirmed_by=confirmed_by,
        confirmed_at=year.confirmed_at if year is not None else None,
        missing=[s.title for s in states if not s.done],
    )


@dataclass
class SetupTodo:
    todo: list[str] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)


def setup_todo(actor: Actor) -> SetupTodo | None:
    """The home page's "what I have to do" for the set-up: the preparers see the steps left, the
    principal the confirmation waiting. Nothing once the year is confirmed and the profile full."""
    if actor.school is None or not actor.has(*policies.PREPARERS):
        return None
    year = actor.year
    if year is not None and year.is_closed:
        return None  # a closed year is not set up or confirmed any more
    if year is not None and year.confirmed_at is not None and _school_state(actor.school).done:
        return None
    states = step_states(actor.school, year)
    state = confirmation(states, confirmed=bool(year and year.confirmed_at))
    out = SetupTodo()
    url = reverse("organisation:setup:index")
    if year is None:
        out.todo.append("Trường chưa có năm học: tạo năm học, lớp, môn học để bắt đầu.")
        if policies.can_create_year(actor):
            out.links.append(
                {"label": "Tạo năm học", "url": reverse("organisation:setup:year_new")}
            )
        return out
    left = [in_sentence(s.title) for s in states if not s.done]
    if state == Confirmation.INCOMPLETE:
        out.todo.append(f"Thiết lập năm học {year.name}: còn {len(left)} bước ({', '.join(left)}).")
        out.links.append({"label": "Tiếp tục thiết lập trường", "url": url})
    elif state == Confirmation.WAITING:
        if policies.can_confirm(actor):
            out.links.append({"label": f"Xác nhận thiết lập năm học {year.name}", "url": url})
        else:
            out.todo.append(f"Thiết lập năm học {year.name} đang chờ hiệu trưởng xác nhận.")
    elif left:  # confirmed, but the profile misses something
        out.links.append({"label": "Bổ sung thông tin trường", "url": url})
    return out


# --- the pages' reads -------------------------------------------------------------------------


def years_of(actor: Actor) -> list[dict]:
    current = default_year(actor.school)
    return [
        {
            "year": y,
            "current": current is not None and y.pk == current.pk,
            "chosen": actor.year is not None and y.pk == actor.year.pk,
        }
        for y in SchoolYear.objects.filter(school=actor.school).order_by("-start_date")
    ]


def year_calendar(year: SchoolYear) -> dict:
    terms = list(year.terms.order_by("number"))
    checkpoints = list(year.checkpoints.order_by("date"))
    holidays = list(year.holidays.order_by("start_date"))
    weeks = cal.school_weeks(
        start=year.start_date,
        end=year.end_date,
        terms=[(t.number, t.start_date, t.end_date) for t in terms],
        holidays=[(h.name, h.start_date, h.end_date) for h in holidays],
        checkpoints=[(c.kind, c.date) for c in checkpoints],
    )
    return {"terms": terms, "checkpoints": checkpoints, "holidays": holidays, "weeks": weeks}


def grades_of(school: School) -> list[GradeLevel]:
    return list(GradeLevel.objects.filter(school=school).order_by("number"))


def classes_by_grade(actor: Actor) -> list[dict]:
    """The school's grades with the chosen year's classes and their active students."""
    classes = (
        visible_classes(actor)
        .annotate(students=Count("enrolments", distinct=True))
        .order_by("grade__number", "name")
    )
    by_grade: dict[int, list] = {}
    for c in classes:
        by_grade.setdefault(c.grade.number, []).append(c)
    return [{"grade": g, "classes": by_grade.get(g.number, [])} for g in grades_of(actor.school)]


@dataclass
class CatalogueRow:
    subject: Subject
    offering: SubjectOffering | None
    midterm_allowed: bool
    kind_label: str


def grade_catalogue(actor: Actor, grade: GradeLevel) -> list[CatalogueRow]:
    """Every subject of the grade's level in the school's catalogue, with the grade's offering."""
    subjects = list(Subject.objects.filter(school=actor.school, level=grade.level))
    offerings = {
        o.subject_id: o for o in SubjectOffering.objects.filter(grade=grade, subject__in=subjects)
    }
    rows = []
    for s in subjects:
        spec = programme.find(grade.level, s.code)
        rows.append(
            CatalogueRow(
                subject=s,
                offering=offerings.get(s.pk),
                midterm_allowed=(
                    grade.level == Level.PRIMARY
                    and grade.number in (4, 5)
                    and s.assessment == Subject.Assessment.SCORE_AND_COMMENT
                ),
                kind_label=spec.kind_label if spec else "Môn của trường",
            )
        )
    return rows


def programme_missing(actor: Actor, level: str) -> list[programme.ProgrammeSubject]:
    """Programme subjects of ``level`` the school's catalogue does not have yet."""
    have = set(
        Subject.objects.filter(school=actor.school, level=level).values_list("code", flat=True)
    )
    return [s for s in programme.programme_for(level) if s.code not in have]


def departments_of(actor: Actor) -> list[Department]:
    return list(
        Department.objects.filter(school=actor.school)
        .select_related("head", "deputy")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("-kind", "name")  # subject departments, then the office team
    )


def staff_choices(actor: Actor) -> list[Staff]:
    return list(Staff.objects.filter(school=actor.school, is_active=True).order_by("sort_name"))


@dataclass
class RulesetRow:
    grade: GradeLevel
    proposal: str
    chosen: str
    choices: list[tuple[str, str]]
    locked: str  # what holds results, when a change is refused
    classes: int


def ruleset_rows(actor: Actor) -> list[RulesetRow]:
    year = actor.year
    if year is None:
        return []
    classes = dict(
        SchoolClass.objects.filter(year=year).values_list("grade__number").annotate(n=Count("pk"))
    )
    rows = []
    for grade in grades_of(actor.school):
        rows.append(
            RulesetRow(
                grade=grade,
                proposal=roadmap_ruleset(year, grade),
                chosen=effective_ruleset(year, grade),
                choices=[(c, ruleset_title(c)) for c in valid_rulesets(grade.level)],
                locked=", ".join(usage.grade_results(year=year, grade=grade)),
                classes=classes.get(grade.number, 0),
            )
        )
    return rows
