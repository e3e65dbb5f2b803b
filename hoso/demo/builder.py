"""Planning the demo: every row of one school built in memory, before anything is written.

``plan_school(spec)`` touches no database and depends only on :mod:`hoso.demo.data` and the fixed
seed, so two runs (two processes, two databases) give the same people, codes and assignments.
Related rows point at each other as unsaved instances; :func:`hoso.demo.actions.demo_seed` saves
them with ``bulk_create`` in dependency order, which fills in the foreign keys.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hoso.accounts.models import InspectorGrant, User
from hoso.core.text import fold, full_name, nfc
from hoso.demo import data
from hoso.demo.data import (
    DemoCalendar,
    SchoolSpec,
    TeacherGroup,
    YearSpec,
)
from hoso.organisation.models import (
    Checkpoint,
    Department,
    GradeLevel,
    Holiday,
    HomeroomAssignment,
    Position,
    School,
    SchoolClass,
    SchoolYear,
    Staff,
    StaffPosition,
    Subject,
    SubjectOffering,
    TeachingAssignment,
    Term,
)
from hoso.organisation.setup import calendar
from hoso.students.models import (
    Enrolment,
    Guardian,
    RegisterCounter,
    RegisterEntry,
    Student,
    StudentGuardian,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HOMEROOM = "homeroom"


@dataclass
class SchoolPlan:
    """All rows of one demo school, unsaved."""

    spec: SchoolSpec
    school: School
    years: list[SchoolYear] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    holidays: list[Holiday] = field(default_factory=list)
    grades: list[GradeLevel] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    offerings: list[SubjectOffering] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    # (department, head, deputy): set after the staff rows exist (the two tables point at each other)
    department_leads: list[tuple[Department, Staff, Staff]] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)
    extra_positions: list[StaffPosition] = field(default_factory=list)
    classes: list[SchoolClass] = field(default_factory=list)
    homerooms: list[HomeroomAssignment] = field(default_factory=list)
    teaching: list[TeachingAssignment] = field(default_factory=list)
    students: list[Student] = field(default_factory=list)
    guardians: list[Guardian] = field(default_factory=list)
    guardian_links: list[StudentGuardian] = field(default_factory=list)
    enrolments: list[Enrolment] = field(default_factory=list)
    register_entries: list[RegisterEntry] = field(default_factory=list)
    counter: RegisterCounter | None = None
    inspector_grants: list[InspectorGrant] = field(default_factory=list)
    # (role label, username) of the well-known demo accounts, in display order
    logins: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        current = self.years[-1]
        return {
            "years": len(self.years),
            "classes": len(self.classes),
            "classes_current_year": sum(1 for c in self.classes if c.year is current),
            "subjects": len(self.subjects),
            "departments": len(self.departments),
            "staff": len(self.staff),
            "teaching_assignments": len(self.teaching),
            "homeroom_assignments": len(self.homerooms),
            "students": len(self.students),
            "guardians": len(self.guardians),
            "enrolments": len(self.enrolments),
            "register_entries": len(self.register_entries),
            "accounts": len(self.users),
        }


def plan_school(spec: SchoolSpec, *, today: date) -> SchoolPlan:
    """Build every row of one demo school in memory (deterministic for a reference day ``today``,
    no database access). Nothing that happened is dated after ``today``; the calendar of the
    year (terms, checkpoints, holidays) may lie ahead."""
    return _Planner(spec, data.demo_calendar(today)).build()


def well_known_username(spec: SchoolSpec, key: str) -> str:
    return f"{key}{spec.login_suffix}"


class _Planner:
    def __init__(self, spec: SchoolSpec, cal: DemoCalendar) -> None:
        self.spec = spec
        self.cal = cal
        # A string seed is hashed with SHA-512: the same stream in every process.
        self.rng = random.Random(f"{data.SEED}:{spec.code}")
        self.used_usernames: set[str] = set()
        self.used_phones: set[str] = set()
        self.used_ids: set[str] = set()
        self.used_student_codes: set[str] = set()
        self.staff_names: set[str] = set()
        self.plan = SchoolPlan(
            spec=spec,
            school=School(
                code=spec.code,
                name=spec.name,
                short_name=spec.short_name,
                levels=[spec.level],
                address=spec.address,
                phone=spec.phone,
                email=spec.email,
                superior_kind=spec.superior_kind,
                office_name=spec.office_name,
                province=spec.province,
                commune=spec.commune,
            ),
        )
        # Named people: well-known login keys ("gvcn", "vanthu", ...) and office keys ("thietbi").
        self.wk_staff: dict[str, Staff] = {}
        self.groups: dict[str, list[Staff]] = {}  # teacher group key -> teachers, in order
        self.years: dict[str, SchoolYear] = {}
        self.year_terms: dict[str, list[Term]] = {}
        self.grades: dict[int, GradeLevel] = {}
        self.subjects: list[tuple[data.SubjectSpec, Subject]] = []
        self.departments: dict[str, Department] = {}
        self.homeroom_of: dict[tuple[str, str], Staff] = {}  # (year name, class name) -> teacher
        self.current_teacher: dict[tuple[str, str], Staff] = {}  # (class name, subject code)

    # --- the plan, in order ---------------------------------------------------------------

    def build(self) -> SchoolPlan:
        self._years()
        self._programme()
        self._departments()
        self._staff()
        current = self._classes(self.cal.current, self.spec.grades)
        previous_grades = self.spec.grades[:-1]  # last year's top grade has left the school
        previous = self._classes(self.cal.previous, previous_grades)
        self._current_homerooms(current)
        self._previous_homerooms(previous)
        self._teaching(current, self.cal.current)
        self._teaching(previous, self.cal.previous)
        self._students(current, previous)
        self._logins()
        if self.spec.code == data.INSPECTOR_SCHOOL:
            self._inspector()
        return self.plan

    def _years(self) -> None:
        for spec in (self.cal.previous, self.cal.current):
            year = SchoolYear(
                school=self.plan.school,
                name=spec.name,
                start_date=spec.start,
                end_date=spec.end,
                is_closed=spec.closed,
                rulesets={self.spec.level: self.spec.ruleset},
            )
            self.years[spec.name] = year
            self.plan.years.append(year)
            terms = [
                Term(year=year, number=number, start_date=start, end_date=end)
                for number, (start, end) in ((1, spec.term1), (2, spec.term2))
            ]
            self.year_terms[spec.name] = terms
            self.plan.terms.extend(terms)
            self.plan.checkpoints.extend(
                Checkpoint(year=year, kind=kind, date=day) for kind, day in spec.checkpoints.items()
            )
            self.plan.holidays.extend(
                Holiday(year=year, name=h.name, start_date=h.start, end_date=h.end)
                for h in spec.holidays
            )

    def _programme(self) -> None:
        for number in self.spec.grades:
            grade = GradeLevel(school=self.plan.school, number=number, level=self.spec.level)
            self.grades[number] = grade
            self.plan.grades.append(grade)
        for order, spec in enumerate(self.spec.subjects, start=1):
            subject = Subject(
                school=self.plan.school,
                level=self.spec.level,
                code=spec.code,
                name=spec.name,
                assessment=spec.assessment,
                order=order,
            )
            self.subjects.append((spec, subject))
            self.plan.subjects.append(subject)
            self.plan.offerings.extend(
                SubjectOffering(
                    subject=subject,
                    grade=self.grades[g],
                    periods_per_year=p,
                    midterm_test=g in spec.midterm_test_grades,
                )
                for g, p in spec.periods.items()
            )

    def _departments(self) -> None:
        for spec in self.spec.departments:
            dept = Department(school=self.plan.school, name=spec.name, kind=spec.kind)
            self.departments[spec.key] = dept
            self.plan.departments.append(dept)

    # --- staff ------------------------------------------------------------------------------

    def _staff(self) -> None:
        spec = self.spec
        for key, position in data.LEADERS:
            staff = self._person(
                position=position,
                login_key=key,
                prefix="bgh",
                born=self._born(1968, 1980),
                qualification="Thạc sĩ Quản lý giáo dục",
                main_subject=self.rng.choice([g.main_subject for g in spec.teacher_groups]),
                department=None,
            )
            if key:
                self.wk_staff[key] = staff
        designated = {ref: key for key, ref in spec.designated.items()}
        class_names = [spec.class_name(g, s) for g in spec.grades for s in spec.class_suffixes]
        for group in spec.teacher_groups:
            members = []
            for index in range(group.count):
                login_key = designated.get((group.key, index), "")
                staff = self._teacher(group, index, login_key, class_names)
                members.append(staff)
                if login_key:
                    self.wk_staff[login_key] = staff
            self.groups[group.key] = members
        for office in data.OFFICE_STAFF:
            staff = self._person(
                position=office.position,
                login_key=office.key if office.login else "",
                prefix="nv",
                born=self._born(1972, 1998),
                qualification=office.qualification,
                main_subject="",
                department=self.departments[office.department],
            )
            self.wk_staff[office.key] = staff
        quantri = self.wk_staff["quantri"]
        self.plan.extra_positions.append(
            StaffPosition(staff=quantri, position=Position.ADMINISTRATOR)
        )
        for dept_spec in spec.departments:
            self.plan.department_leads.append(
                (
                    self.departments[dept_spec.key],
                    self._lookup(dept_spec.head),
                    self._lookup(dept_spec.deputy),
                )
            )

    def _born(self, first: int, last: int) -> tuple[int, int]:
        """Staff birth years written for 2026-2027, moved with the demo's current year."""
        return first + self.cal.offset, last + self.cal.offset

    def _lookup(self, ref: tuple[str, int | str]) -> Staff:
        group, which = ref
        if group == "office":
            return self.wk_staff[str(which)]
        return self.groups[group][int(which)]

    def _teacher(
        self, group: TeacherGroup, index: int, login_key: str, class_names: list[str]
    ) -> Staff:
        department_key = group.department
        if group.class_teachers:  # one per class, in class order; in the team of its grade
            department_key = group.department.format(grade=self._grade_of(class_names[index]))
        staff = self._person(
            position=Position.TEACHER,
            login_key=login_key,
            prefix="gv",
            born=self._born(1972, 2000),
            qualification=self.rng.choice(group.qualifications),
            main_subject=group.main_subject,
            department=self.departments[department_key],
            female_share=0.75,
        )
        if self.rng.random() < 0.08:
            staff.employment = Staff.Employment.CONTRACT
        return staff

    def _grade_of(self, class_name: str) -> int:
        for grade in self.spec.grades:
            for suffix in self.spec.class_suffixes:
                if class_name == self.spec.class_name(grade, suffix):
                    return grade
        raise ValueError(class_name)

    def _person(
        self,
        *,
        position: str,
        login_key: str,
        prefix: str,
        born: tuple[int, int],
        qualification: str,
        main_subject: str,
        department: Department | None,
        female_share: float = 0.6,
    ) -> Staff:
        rng = self.rng
        gender = "F" if rng.random() < female_share else "M"
        family, middle, given = self._adult_name(gender)
        while full_name(family, middle, given) in self.staff_names:  # no two alike in one school
            family, middle, given = self._adult_name(gender)
        self.staff_names.add(full_name(family, middle, given))
        birth = self._date_in(born[0], born[1])
        if login_key:
            username = well_known_username(self.spec, login_key)
        else:
            username = self._generated_username(prefix, given, family)
        local = username.removesuffix(self.spec.user_suffix).removesuffix(self.spec.login_suffix)
        phone = self._phone()
        email = f"{local}@{self.spec.mail_domain}"
        user = self._user(username, full_name(family, middle, given), phone=phone, email=email)
        staff = Staff(
            school=self.plan.school,
            user=user,
            code=f"{self.spec.staff_code_prefix}{len(self.plan.staff) + 1:03d}",
            family_name=family,
            middle_name=middle,
            given_name=given,
            gender=gender,
            birth_date=birth,
            ethnicity=self._ethnicity(),
            id_number=self._personal_id("031", birth, gender),
            qualification=qualification,
            main_subject=main_subject,
            position=position,
            department=department,
            employment=Staff.Employment.PERMANENT,
            start_date=date(
                birth.year + rng.randint(22, 25), rng.choice((8, 9, 10)), rng.randint(1, 28)
            ),
            phone=phone,
            email=email,
        )
        staff.refresh_name_keys()
        self.plan.staff.append(staff)
        return staff

    # --- classes and assignments --------------------------------------------------------------

    def _classes(self, year_spec: YearSpec, grades: tuple[int, ...]) -> list[SchoolClass]:
        year = self.years[year_spec.name]
        out = []
        for number in grades:
            for suffix in self.spec.class_suffixes:
                out.append(
                    SchoolClass(
                        year=year,
                        grade=self.grades[number],
                        name=self.spec.class_name(number, suffix),
                        sessions_per_day=self.spec.sessions_per_day,
                    )
                )
        self.plan.classes.extend(out)
        return out

    def _pool_allocation(self, classes: list[SchoolClass]) -> dict[tuple[int, str], Staff]:
        """(class index, subject code) -> teacher for the subjects taught by a teacher group.

        Each group's teachers take consecutive blocks of the classes offering the subject, so a
        teacher teaches its subject in several classes, mostly of one or two grades.
        """
        out: dict[tuple[int, str], Staff] = {}
        for spec, _subject in self.subjects:
            if spec.taught_by == HOMEROOM:
                continue
            pool = self.groups[spec.taught_by]
            offered = [i for i, c in enumerate(classes) if c.grade.number in spec.periods]
            for k, index in enumerate(offered):
                out[(index, spec.code)] = pool[k * len(pool) // len(offered)]
        return out

    def _current_homerooms(self, classes: list[SchoolClass]) -> None:
        year = self.cal.current.name
        class_teachers = next((g for g in self.spec.teacher_groups if g.class_teachers), None)
        if class_teachers is not None:
            for index, school_class in enumerate(classes):
                self._homeroom(year, school_class, self.groups[class_teachers.key][index])
            return
        # Secondary: a teacher who teaches the class and holds no role the demo shows apart.
        allocation = self._pool_allocation(classes)
        reserved = {id(s) for key, s in self.wk_staff.items() if key != "gvcn"}
        reserved |= {
            id(s) for _, head, deputy in self.plan.department_leads for s in (head, deputy)
        }
        taken: set[int] = set()
        for index, school_class in enumerate(classes):
            if index == 0:
                teacher = self.wk_staff["gvcn"]
            else:
                candidates = []
                for spec, _subject in self.subjects:
                    t = allocation.get((index, spec.code))
                    if t is None or id(t) in reserved | taken or any(t is c for c in candidates):
                        continue
                    candidates.append(t)
                if not candidates:
                    candidates = [
                        t
                        for members in self.groups.values()
                        for t in members
                        if id(t) not in reserved and id(t) not in taken
                    ]
                teacher = self.rng.choice(candidates)
            taken.add(id(teacher))
            self._homeroom(year, school_class, teacher)

    def _successor(self, school_class: SchoolClass) -> str:
        """The current class that corresponds to one of last year's classes: the same students one
        grade up (secondary: teachers move up with the class) or the same grade (primary: teachers
        stay with their grade), so the year switcher shows familiar names."""
        grade = school_class.grade.number
        suffix = school_class.name.removeprefix(str(grade))
        now_grade = grade + 1 if self.spec.homeroom_follows_students else grade
        return self.spec.class_name(now_grade, suffix)

    def _previous_homerooms(self, classes: list[SchoolClass]) -> None:
        for school_class in classes:
            teacher = self.homeroom_of[(self.cal.current.name, self._successor(school_class))]
            self._homeroom(self.cal.previous.name, school_class, teacher)

    def _homeroom(self, year_name: str, school_class: SchoolClass, teacher: Staff) -> None:
        self.homeroom_of[(year_name, school_class.name)] = teacher
        self.plan.homerooms.append(HomeroomAssignment(teacher=teacher, school_class=school_class))

    def _teaching(self, classes: list[SchoolClass], year_spec: YearSpec) -> None:
        """Every (class, subject offered in its grade, term) gets its one teacher. Last year's
        classes keep the teacher of their successor class where the subject is taught there."""
        allocation = self._pool_allocation(classes)
        terms = self.year_terms[year_spec.name]
        for index, school_class in enumerate(classes):
            for spec, subject in self.subjects:
                if school_class.grade.number not in spec.periods:
                    continue
                if spec.taught_by == HOMEROOM:
                    teacher = self.homeroom_of[(year_spec.name, school_class.name)]
                elif year_spec is self.cal.previous:
                    teacher = self.current_teacher.get(
                        (self._successor(school_class), spec.code), allocation[(index, spec.code)]
                    )
                else:
                    teacher = allocation[(index, spec.code)]
                    self.current_teacher[(school_class.name, spec.code)] = teacher
                self.plan.teaching.extend(
                    TeachingAssignment(
                        teacher=teacher, school_class=school_class, subject=subject, term=term
                    )
                    for term in terms
                )

    # --- students -------------------------------------------------------------------------

    def _students(self, current: list[SchoolClass], previous: list[SchoolClass]) -> None:
        rng = self.rng
        spec = self.spec
        first_grade = spec.grades[0]
        previous_by_name = {c.name: c for c in previous}
        current_spec, today = self.cal.current, self.cal.today
        current_year = self.years[current_spec.name]
        previous_year = self.years[self.cal.previous.name]
        # Before khai giảng (1–4 September) the students are enrolled and admitted on the
        # reference day at the latest: nothing is dated after it.
        enrolled_from = min(current_spec.start, today)
        admissions: list[tuple[date, str, str, str, Student]] = []
        for school_class in current:
            grade = school_class.grade.number
            suffix = school_class.name.removeprefix(str(grade))
            birth_year = current_spec.first_calendar_year - 5 - grade
            # The cohort entered the school's first grade in this calendar year.
            entry_year = current_spec.first_calendar_year - (grade - first_grade)
            entry_day = min(calendar.proposed_calendar(entry_year).start, today)
            names_in_class: set[str] = set()
            transfers = 0
            for _ in range(rng.randint(38, 42)):
                student = self._student(birth_year, names_in_class)
                transferred = grade != first_grade and transfers < 2 and rng.random() < 0.03
                transfers += transferred
                if transferred:  # drawn whatever the day, so the students are the same every day
                    arrival = current_spec.start + timedelta(days=rng.randint(9, 60))
                    origin = rng.choice(data.TRANSFER_ORIGINS)
                    transferred = arrival <= today  # not arrived yet on the reference day
                if transferred:
                    start = arrival
                    entered_on, year_name = start, current_spec.name
                    status = Enrolment.Status.TRANSFERRED_IN
                    note = f"Chuyển đến từ {origin}"
                else:
                    start = enrolled_from
                    entered_on = entry_day
                    year_name = f"{entry_year}-{entry_year + 1}"
                    status = Enrolment.Status.STUDYING
                    note = ""
                self.plan.enrolments.append(
                    Enrolment(
                        student=student,
                        year=current_year,
                        school_class=school_class,
                        status=status,
                        start_date=start,
                        note=note,
                    )
                )
                last_year_class = previous_by_name.get(spec.class_name(grade - 1, suffix))
                if not transferred and last_year_class is not None:
                    self.plan.enrolments.append(
                        Enrolment(
                            student=student,
                            year=previous_year,
                            school_class=last_year_class,
                            status=Enrolment.Status.STUDYING,
                            start_date=self.cal.previous.start,
                        )
                    )
                admissions.append(
                    (entered_on, year_name, school_class.name, student.sort_name, student)
                )
        # Sổ đăng bộ: numbered in order of admission (date, then class list order).
        admissions.sort(key=lambda a: (a[0], self._class_order(a[2]), a[3]))
        for number, (entered_on, year_name, _, _, student) in enumerate(admissions, start=1):
            self.plan.register_entries.append(
                RegisterEntry(
                    school=self.plan.school,
                    number=number,
                    student=student,
                    entered_on=entered_on,
                    year_name=year_name,
                )
            )
        self.plan.counter = RegisterCounter(school=self.plan.school, last_number=len(admissions))

    def _class_order(self, class_name: str) -> tuple[int, str]:
        return (self._grade_of(class_name), class_name)

    def _student(self, birth_year: int, names_in_class: set[str]) -> Student:
        rng = self.rng
        gender = rng.choice(("M", "F"))
        for _ in range(20):
            family, middle, given = self._child_name(gender)
            name = full_name(family, middle, given)
            if name not in names_in_class:
                break
        names_in_class.add(name)
        birth = self._date_in(birth_year, birth_year)
        place, province, _ = _weighted(rng, data.BIRTH_PLACES, weight_index=2)
        disability = rng.random() < 0.012
        student = Student(
            school=self.plan.school,
            student_code=self._student_code(),
            personal_id=self._personal_id(province, birth, gender),
            family_name=family,
            middle_name=middle,
            given_name=given,
            gender=gender,
            birth_date=birth,
            birth_place=place,
            ethnicity=self._ethnicity(),
            nationality="Việt Nam",
            address=self._address(),
            has_disability=disability,
            disability_note=rng.choice(data.DISABILITIES) if disability else "",
        )
        student.refresh_name_keys()
        self.plan.students.append(student)
        self._guardians(student, family)
        return student

    def _guardians(self, student: Student, family: str) -> None:
        rng = self.rng
        roll = rng.random()
        relations = (
            ["father", "mother"] if roll < 0.82 else (["mother"] if roll < 0.93 else ["father"])
        )
        for relation in relations:
            gender = "M" if relation == "father" else "F"
            parent_family = family if relation == "father" else self._family_name()
            _, middle, given = self._adult_name(gender)
            name = full_name(parent_family, middle, given)
            phone = self._phone()
            user = self._user(f"ph{phone}{self.spec.user_suffix}", name, phone=phone)
            guardian = Guardian(
                school=self.plan.school,
                user=user,
                full_name=name,
                phone=phone,
                occupation=_weighted(rng, data.OCCUPATIONS[gender])[0],
                search_name=fold(name),
            )
            self.plan.guardians.append(guardian)
            self.plan.guardian_links.append(
                StudentGuardian(student=student, guardian=guardian, relation=relation)
            )

    # --- accounts -------------------------------------------------------------------------

    def _user(self, username: str, display_name: str, *, phone: str = "", email: str = "") -> User:
        if username in self.used_usernames:
            raise ValueError(f"duplicate demo username {username}")
        self.used_usernames.add(username)
        user = User(
            username=username,
            display_name=display_name,
            phone=phone,
            email=email,
            must_change_password=False,
        )
        self.plan.users.append(user)
        return user

    def _generated_username(self, prefix: str, given: str, family: str) -> str:
        base = f"{prefix}.{fold(given).replace(' ', '')}.{fold(family).replace(' ', '')}"
        candidate, n = base, 1
        while f"{candidate}{self.spec.user_suffix}" in self.used_usernames:
            n += 1
            candidate = f"{base}{n}"
        return f"{candidate}{self.spec.user_suffix}"

    def _logins(self) -> None:
        labels = self.spec.login_labels
        first_class = self.plan.classes[0]
        parent = self._first_parent_in(first_class)
        for key, _role in data.WELL_KNOWN:
            if key == "phuhuynh":
                old = parent.user.username
                self.used_usernames.discard(old)
                parent.user.username = well_known_username(self.spec, key)
                self.used_usernames.add(parent.user.username)
                username = parent.user.username
            else:
                username = self.wk_staff[key].user.username
            self.plan.logins.append((labels[key], username))

    def _first_parent_in(self, school_class: SchoolClass) -> Guardian:
        """The mother (else the father) of the first student enrolled in ``school_class``."""
        student = next(e.student for e in self.plan.enrolments if e.school_class is school_class)
        links = [link for link in self.plan.guardian_links if link.student is student]
        links.sort(key=lambda link: link.relation != "mother")
        return links[0].guardian

    def _inspector(self) -> None:
        gender = self.rng.choice(("M", "F"))
        family, middle, given = self._adult_name(gender)
        user = self._user(
            data.INSPECTOR_USERNAME, full_name(family, middle, given), phone=self._phone()
        )
        self.plan.inspector_grants.append(
            InspectorGrant(
                school=self.plan.school,
                user=user,
                organisation=self.spec.office_name,
                granted_by=self.wk_staff["hieutruong"].user,
                starts_at=datetime.combine(
                    min(self.cal.current.start, self.cal.today), time.min, tzinfo=TZ
                ),
                ends_at=datetime.combine(
                    self.cal.inspector_until + timedelta(days=1), time.min, tzinfo=TZ
                ),
            )
        )
        self.plan.logins.append((data.INSPECTOR_LABEL, data.INSPECTOR_USERNAME))

    # --- small generators -------------------------------------------------------------------

    def _family_name(self) -> str:
        return _weighted(self.rng, data.FAMILY_NAMES)[0]

    def _child_name(self, gender: str) -> tuple[str, str, str]:
        rng = self.rng
        given = rng.choice(data.CHILD_GIVEN[gender])
        middles = [m for m in data.CHILD_MIDDLE[gender] if m != given]
        count = 2 if rng.random() < 0.18 else 1
        middle = " ".join(rng.sample(middles, count))
        return nfc(self._family_name()), nfc(middle), nfc(given)

    def _adult_name(self, gender: str) -> tuple[str, str, str]:
        given = self.rng.choice(data.ADULT_GIVEN[gender])
        middle = _weighted(self.rng, data.ADULT_MIDDLE[gender])[0]
        if middle == given:
            middle = "Văn" if gender == "M" else "Thị"
        return nfc(self._family_name()), nfc(middle), nfc(given)

    def _ethnicity(self) -> str:
        return _weighted(self.rng, data.ETHNICITIES)[0]

    def _date_in(self, first_year: int, last_year: int) -> date:
        start = date(first_year, 1, 1)
        days = (date(last_year, 12, 31) - start).days
        return start + timedelta(days=self.rng.randint(0, days))

    def _personal_id(self, province: str, birth: date, gender: str) -> str:
        """12 digits: province, century+gender, year of birth, 6 random digits (TT 59/2021/TT-BCA)."""
        century_gender = {(1900, "M"): 0, (1900, "F"): 1, (2000, "M"): 2, (2000, "F"): 3}[
            (birth.year // 100 * 100, gender)
        ]
        while True:
            value = (
                f"{province}{century_gender}{birth.year % 100:02d}{self.rng.randrange(10**6):06d}"
            )
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def _student_code(self) -> str:
        while True:
            value = str(self.rng.randrange(10**9, 10**10))
            if value not in self.used_student_codes:
                self.used_student_codes.add(value)
                return value

    def _phone(self) -> str:
        while True:
            value = f"0{self.rng.choice(data.MOBILE_PREFIXES)}{self.rng.randrange(10**7):07d}"
            if value not in self.used_phones:
                self.used_phones.add(value)
                return value

    def _address(self) -> str:
        rng = self.rng
        street = rng.choice(self.spec.streets)
        ward = rng.choice(self.spec.wards)
        number = rng.randint(1, 250)
        if rng.random() < 0.55:
            where = f"Số {number}, ngõ {rng.randint(2, 180)} {street}"
        else:
            where = f"Số {number} {street}"
        return f"{where}, phường {ward}, {self.spec.district}, thành phố Hải Phòng"


def _weighted(rng: random.Random, items, weight_index: int = 1):
    """Pick one tuple from ``items`` by the weight at ``weight_index``."""
    return rng.choices(items, weights=[item[weight_index] for item in items])[0]
