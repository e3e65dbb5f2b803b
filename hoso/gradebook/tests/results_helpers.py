"""Builders for the results, comments and sign-off tests: a grade-6 class with seven subjects
(six score subjects, one comment subject), results written straight into the grade book."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from hoso.gradebook.entry.models import Assessment, SheetColumn
from hoso.gradebook.entry.sheets import load_sheet
from hoso.gradebook.results.models import HomeroomInput
from hoso.gradebook.signoff.models import Signoff
from hoso.organisation.models import Subject, SubjectOffering, TeachingAssignment

EXTRA_SUBJECTS = [
    # code, name, assessment, periods per year
    ("NN1", "Ngoại ngữ 1", "score", 105),
    ("KHTN", "Khoa học tự nhiên", "score", 140),
    ("LSDL", "Lịch sử và Địa lí", "score", 105),
    ("TIN", "Tin học", "score", 35),
    ("GDTC", "Giáo dục thể chất", "comment", 70),
]


@dataclass
class Rich:
    world: object
    term1: object
    term2: object
    subjects: dict[str, Subject]

    @property
    def terms(self):
        return {1: self.term1, 2: self.term2}


def rich_school(world) -> Rich:
    """The small school plus five subjects in grade 6; the subject teacher teaches every subject
    but literature in 6A1 in both terms, the homeroom teacher literature."""
    grade = world.class_a.grade
    term2 = world.year.terms.get(number=2)
    subjects = {"TOAN": world.math, "NGU_VAN": world.literature}
    for order, (code, name, assessment, periods) in enumerate(EXTRA_SUBJECTS, start=3):
        subject = Subject.objects.create(
            school=world.school,
            level=world.math.level,
            code=code,
            name=name,
            assessment=assessment,
            order=order,
        )
        SubjectOffering.objects.create(subject=subject, grade=grade, periods_per_year=periods)
        subjects[code] = subject
    world.math.order, world.literature.order = 1, 2
    world.math.save()
    world.literature.save()
    for code, subject in subjects.items():
        teacher = world.people["homeroom"] if code == "NGU_VAN" else world.people["subject"]
        for term in (world.term1, term2):
            TeachingAssignment.objects.get_or_create(
                teacher=teacher, school_class=world.class_a, subject=subject, term=term
            )
    return Rich(world, world.term1, term2, subjects)


def put(world, student, subject, term, values: dict[str, str], school_class=None):
    """Write cells directly (the grade-book actions are tested elsewhere)."""
    now = timezone.now()
    for column, value in values.items():
        Assessment.objects.update_or_create(
            student=student,
            subject=subject,
            term=term,
            column=column,
            defaults={
                "school_class": school_class or world.class_a,
                "value": value,
                "entered_by": world.users["subject"],
                "entered_at": now,
                "updated_at": now,
            },
        )


def fill(rich: Rich, student, code: str, term_number: int, value, *, school_class=None):
    """Every required column of the sheet gets ``value`` (so the term average equals it)."""
    world = rich.world
    subject = rich.subjects[code]
    term = rich.terms[term_number]
    sheet = load_sheet(school_class or world.class_a, subject, term)
    if subject.assessment == "comment":
        value = value if value in ("D", "CD") else ("D" if value else "CD")
    else:
        value = f"{float(value):.1f}"
    put(
        world,
        student,
        subject,
        term,
        {c.key: value for c in sheet.columns if c.required},
        school_class=school_class,
    )


def fill_all(rich: Rich, student, value=8, *, overrides=None, terms=(1, 2)):
    overrides = overrides or {}
    for code in rich.subjects:
        for n in terms:
            fill(rich, student, code, n, overrides.get(code, value))


def inputs(world, student, **fields) -> HomeroomInput:
    hi, _ = HomeroomInput.objects.get_or_create(
        student=student, year=world.year, defaults={"updated_by": world.users["homeroom"]}
    )
    for name, value in fields.items():
        setattr(hi, name, value)
    hi.save()
    return hi


def complete_inputs(world, student, training=("T", "T"), absences=(1, 2)):
    return inputs(
        world,
        student,
        training_term1=training[0],
        training_term2=training[1],
        absences_term1=absences[0],
        absences_term2=absences[1],
    )


def sign_all(rich: Rich, terms=(1, 2), *, school_class=None):
    """Finalise every required column, record each sheet's and the class's sign-off with the
    current data (as the sign-off actions would)."""
    from hoso.gradebook.signoff.actions import class_hash, sheet_hash

    world = rich.world
    school_class = school_class or world.class_a
    now = timezone.now()
    for n in terms:
        term = rich.terms[n]
        for subject in rich.subjects.values():
            sheet = load_sheet(school_class, subject, term)
            for column in sheet.columns:
                if column.required:
                    SheetColumn.objects.update_or_create(
                        school_class=school_class,
                        subject=subject,
                        term=term,
                        column=column.key,
                        defaults={"finalised_at": now, "finalised_by": world.users["subject"]},
                    )
            Signoff.objects.update_or_create(
                kind=Signoff.Kind.SHEET,
                school_class=school_class,
                subject=subject,
                term=term,
                defaults={
                    "by": world.users["subject"],
                    "data_hash": sheet_hash(school_class, subject, term),
                },
            )
        Signoff.objects.update_or_create(
            kind=Signoff.Kind.CLASS,
            school_class=school_class,
            subject=None,
            term=term,
            defaults={"by": world.users["homeroom"], "data_hash": class_hash(school_class, term)},
        )


# ------------------------------------------------------------------------------ primary (TT27)

PRIMARY_SUBJECTS = [
    # code, name, assessment ("both" = level and periodic test)
    ("TIENG_VIET", "Tiếng Việt", "both"),
    ("TOAN", "Toán", "both"),
    ("DAO_DUC", "Đạo đức", "comment"),
]


@dataclass
class Primary:
    world: object
    school_class: object  # 2A
    term2: object
    subjects: dict[str, Subject]
    homeroom: object  # the User of 2A's homeroom teacher

    def actor(self):
        from hoso.accounts.actor import build_actor

        return build_actor(self.homeroom, self.world.school, self.world.year)

    @property
    def terms(self):
        return {1: self.world.term1, 2: self.term2}


def primary_school(world) -> Primary:
    """A grade-2 primary class "2A" under TT27 in the small school's year: Tiếng Việt and Toán
    (level and test), Đạo đức (level only); its homeroom teacher is Phan Thị Hương."""
    from hoso.organisation.models import GradeLevel, HomeroomAssignment, Level, SchoolClass
    from hoso.testing.factories import make_staff

    world.year.rulesets = {**(world.year.rulesets or {}), "primary": "TT27_2020"}
    world.year.save()
    grade = GradeLevel.objects.create(school=world.school, number=2, level=Level.PRIMARY)
    school_class = SchoolClass.objects.create(year=world.year, grade=grade, name="2A")
    subjects = {}
    for order, (code, name, assessment) in enumerate(PRIMARY_SUBJECTS, start=1):
        subject = Subject.objects.create(
            school=world.school,
            level=Level.PRIMARY,
            code=code,
            name=name,
            assessment=assessment,
            order=order,
        )
        SubjectOffering.objects.create(subject=subject, grade=grade, periods_per_year=105)
        subjects[code] = subject
    teacher = make_staff(
        world.school, "Phan Thị Hương", username=f"gvcn2a.{world.school.code.lower()}"
    )
    HomeroomAssignment.objects.create(teacher=teacher, school_class=school_class)
    term2 = world.year.terms.get(number=2)
    return Primary(world, school_class, term2, subjects, teacher.user)


def primary_grades(p: Primary, student, level="T", tests=None, *, term=2, levels=None):
    """End-of-term levels (MUC) and tests (KT) of every subject: ``level`` (or ``levels[code]``)
    and ``tests[code]`` (default 9) for the tested ones."""
    end = "end1" if term == 1 else "end2"
    tests, levels = tests or {}, levels or {}
    for code, subject in p.subjects.items():
        values = {f"MUC_{end}": levels.get(code, level)}
        if subject.assessment == "both":
            values[f"KT_{end}"] = str(tests.get(code, 9))
        put(p.world, student, subject, p.terms[term], values, school_class=p.school_class)


def all_traits(level="T", checkpoint="end2", **overrides) -> dict:
    """{"qualities": {cp: {...}}, "competencies": {cp: {...}}}: every code at ``level`` except
    ``overrides`` (code → level)."""
    from hoso.gradebook.results.compute import TRAIT_CODES

    return {
        kind: {checkpoint: {code: overrides.get(code, level) for code in codes}}
        for kind, codes in TRAIT_CODES.items()
    }
