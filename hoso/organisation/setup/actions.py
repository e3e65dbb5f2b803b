"""Every write of the school set-up. Keyword-only, policy-checked, one transaction with its audit
events (before/after), refused in a closed year; concurrent writers queue on the school's or the
year's row (SELECT … FOR UPDATE) and unique constraints catch the rest.

A change to what the principal confirmed (workflow.CONFIRMED_STEPS) by anyone but the principal
sends the year back to "waiting for confirmation" (``_after_change``), in the same transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError

from hoso.accounts.actions import temporary_password
from hoso.accounts.actor import Actor
from hoso.accounts.models import User
from hoso.accounts.roles import Role
from hoso.assessment.rules import REGISTRY, ruleset_code_for
from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.text import fold, in_sentence, invisible_character_problem, nfc, split_full_name
from hoso.organisation import programme
from hoso.organisation.models import (
    LEVEL_GRADES,
    Checkpoint,
    Department,
    GradeLevel,
    Holiday,
    HomeroomAssignment,
    Level,
    Position,
    School,
    SchoolClass,
    SchoolYear,
    Staff,
    Subject,
    SubjectOffering,
    SuperiorKind,
    TeachingAssignment,
    Term,
)
from hoso.organisation.rulesets import grade_key
from hoso.organisation.setup import calendar as cal
from hoso.organisation.setup import policies, usage
from hoso.organisation.setup.errors import SetupError, fail
from hoso.organisation.setup.selectors import (
    PROFILE_FIELDS,
    confirmation_snapshot,
    effective_ruleset,
    profile_of,
    step_states,
    valid_rulesets,
)
from hoso.organisation.setup.workflow import keeps_confirmation

SCHOOL_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
SUBJECT_CODE = re.compile(r"^[A-Z0-9_-]{1,20}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
PHONE = re.compile(r"^[0-9 .()+-]{6,30}$")
MAX_CLASSES_AT_ONCE = 30
HEAD_TITLES = ("Hiệu trưởng", "Giám đốc")


# --- small shared checks ----------------------------------------------------------------------


def _text(value, *, label: str, limit: int, field: str, required: bool = True) -> str:
    """NFC text within ``limit`` characters; nothing is silently cut."""
    text = nfc(value)
    if required and not text:
        raise fail(SetupError.REQUIRED, field=field, label=label)
    if len(text) > limit:
        raise fail(
            SetupError.TOO_LONG,
            field=field,
            label=label.capitalize(),
            length=len(text),
            limit=limit,
        )
    problem = invisible_character_problem(text, label=label.capitalize())
    if problem:
        raise fail(SetupError.INVISIBLE_CHARACTER, field=field, problem=problem)
    return text


def _email(value, *, field: str = "email") -> str:
    email = nfc(value)
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise fail(SetupError.BAD_EMAIL, field=field, value=email)
    if len(email) > 254:
        raise fail(
            SetupError.TOO_LONG, field=field, label="Thư điện tử", length=len(email), limit=254
        )
    return email


def _phone(value) -> str:
    phone = nfc(value)
    if phone and not PHONE.match(phone):
        raise fail(SetupError.BAD_PHONE, field="phone", value=phone)
    return phone


def _levels(values) -> list[str]:
    """Known levels, in the programme's order, whose grades do not overlap (a GDTX centre's grades
    6–12 cannot sit beside a lower- or upper-secondary school's)."""
    chosen = {str(v) for v in values or ()}
    if not chosen or not chosen <= set(Level.values):
        raise fail(SetupError.BAD_LEVELS, field="levels")
    ordered = [lv for lv in Level.values if lv in chosen]
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if set(LEVEL_GRADES[first]) & set(LEVEL_GRADES[second]):
                raise fail(
                    SetupError.LEVELS_OVERLAP,
                    field="levels",
                    first=in_sentence(Level(first).label),
                    second=in_sentence(Level(second).label),
                )
    return ordered


def default_superior_kind(levels) -> str:
    """Upper-secondary schools and GDTX centres answer to the provincial department, primary and
    lower-secondary schools to the commune People's Committee (WAVE2 §0)."""
    if {Level.UPPER_SECONDARY, Level.CONTINUING} & set(levels):
        return SuperiorKind.PROVINCE
    return SuperiorKind.COMMUNE


_PLACE_WORDS = ("Thành phố", "Tỉnh", "Đặc khu", "Phường", "Xã")


def _lower_place_word(place: str) -> str:
    for word in _PLACE_WORDS:
        if place.startswith(word + " "):
            return word.lower() + place[len(word) :]
    return place


def default_superior_name(kind: str, *, province: str, commune: str) -> str:
    """ "Ủy ban nhân dân phường Hải An", "Sở Giáo dục và Đào tạo thành phố Hải Phòng", or "" when
    the place is not known."""
    if kind == SuperiorKind.COMMUNE and nfc(commune):
        return f"Ủy ban nhân dân {_lower_place_word(nfc(commune))}"
    if kind == SuperiorKind.PROVINCE and nfc(province):
        return f"Sở Giáo dục và Đào tạo {_lower_place_word(nfc(province))}"
    return ""


def default_head_title(levels) -> str:
    return "Giám đốc" if list(levels) == [Level.CONTINUING] else "Hiệu trưởng"


def _blocking(exc: ProtectedError | RestrictedError) -> str:
    """What still points at a row Django refused to delete, in words ("kết quả đánh giá")."""
    rows = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
    return ", ".join(sorted({str(o._meta.verbose_name) for o in rows}))


def _acting_as(actor: Actor) -> str:
    return actor.acting_as_for(*policies.PREPARERS)


def _lock_year(year: SchoolYear) -> SchoolYear:
    """The year's row, locked; a closed year refuses (whatever the caller's copy says)."""
    locked = SchoolYear.objects.select_for_update().get(pk=year.pk)
    if not locked.writable_for("organisation"):
        raise fail(SetupError.YEAR_CLOSED, year=locked.name)
    return locked


def _lock_school(actor: Actor) -> School:
    """The actor's school row, locked: school-wide set-up writers (profile, catalogue,
    departments, a new year) queue on it."""
    return School.objects.select_for_update().get(pk=actor.school_id)


def _lock_row(actor: Actor, model, pk: int):
    """(school, row): the school locked first (the order every set-up writer takes), then the
    row of ``model`` — which must belong to that school."""
    school = _lock_school(actor)
    return school, model.objects.select_for_update().get(pk=pk, school=school)


def _chosen_year(actor: Actor) -> SchoolYear:
    if actor.year is None:
        raise fail(SetupError.NO_YEAR)
    return actor.year


def _after_change(actor: Actor, *, years, cause: str) -> None:
    """What the principal confirmed has changed: by the principal, the confirmation stands;
    by anyone else, the year goes back to waiting for it (audited, same transaction)."""
    if keeps_confirmation(by_principal=policies.is_principal(actor)):
        return
    for year in years:
        if year.confirmed_at is None:
            continue
        before = {
            "confirmed_at": year.confirmed_at.isoformat(),
            "confirmed_by": year.confirmed_by_id,
        }
        year.confirmed_at = None
        year.confirmed_by = None
        year.save(update_fields=["confirmed_at", "confirmed_by"])
        audit_record(
            event_type="year.confirmation_withdrawn",
            actor=actor.user,
            school_id=year.school_id,
            target=year,
            before=before,
            after={"confirmed_at": None, "cause": cause},
            acting_as=_acting_as(actor),
        )


def _year_changed(actor: Actor, event_type: str, year, *, target, before=None, after=None):
    """A change to what the principal confirms for ``year``: its audit event, then the
    confirmation rule (``_after_change``), in the caller's transaction."""
    _record(actor, event_type, school_id=year.school_id, target=target, before=before, after=after)
    _after_change(actor, years=[year], cause=event_type)


def _school_changed(actor: Actor, event_type: str, school, *, target, before=None, after=None):
    """The same for a school-wide change (catalogue, departments): every open year."""
    _record(actor, event_type, school_id=school.pk, target=target, before=before, after=after)
    _after_change(actor, years=_open_years(school.pk), cause=event_type)


def _open_years(school_id: int) -> list[SchoolYear]:
    """The school's open years, locked: a school-wide change (catalogue, departments) changes
    what each of them confirmed."""
    return list(
        SchoolYear.objects.select_for_update()
        .filter(school_id=school_id, is_closed=False)
        .order_by("start_date")
    )


def _record(
    actor: Actor | None, event_type: str, *, school_id: int, target, before=None, after=None
):
    audit_record(
        event_type=event_type,
        actor=actor.user if actor is not None else None,
        school_id=school_id,
        target=target,
        before=before,
        after=after,
        acting_as=_acting_as(actor) if actor is not None else "",
    )


# --- the school -------------------------------------------------------------------------------


def _clean_profile(values: dict, *, school_id: int | None) -> dict:
    code = nfc(values.get("code"))
    if not code:
        raise fail(SetupError.REQUIRED, field="code", label="mã trường")
    if not SCHOOL_CODE.match(code):
        raise fail(SetupError.BAD_SCHOOL_CODE, field="code", value=code)
    if School.objects.filter(code__iexact=code).exclude(pk=school_id).exists():
        raise fail(SetupError.SCHOOL_CODE_TAKEN, field="code", code=code)
    levels = _levels(values.get("levels"))
    kind = nfc(values.get("superior_kind")) or default_superior_kind(levels)
    if kind not in SuperiorKind.values:
        raise fail(SetupError.BAD_CHOICE, field="superior_kind", label="Loại cơ quan quản lý")
    province = _text(values.get("province"), label="tỉnh/thành phố", limit=80, field="province")
    commune = _text(
        values.get("commune"),
        label="xã/phường/đặc khu",
        limit=80,
        field="commune",
        required=kind == SuperiorKind.COMMUNE,
    )
    office = nfc(values.get("office_name")) or default_superior_name(
        kind, province=province, commune=commune
    )
    head_title = nfc(values.get("head_title")) or default_head_title(levels)
    if head_title not in HEAD_TITLES:
        raise fail(SetupError.BAD_CHOICE, field="head_title", label="Chức danh người đứng đầu")
    return {
        "code": code,
        "name": _text(values.get("name"), label="tên trường", limit=200, field="name"),
        "short_name": _text(
            values.get("short_name"), label="tên ngắn", limit=80, field="short_name", required=False
        ),
        "levels": levels,
        "address": _text(
            values.get("address"), label="địa chỉ", limit=300, field="address", required=False
        ),
        "phone": _phone(values.get("phone")),
        "email": _email(values.get("email")),
        "superior_kind": kind,
        "office_name": _text(
            office, label="tên cơ quan quản lý trực tiếp", limit=200, field="office_name"
        ),
        "province": province,
        "commune": commune,
        "head_title": head_title,
    }


@dataclass
class CreatedSchool:
    school: School
    staff: Staff
    user: User
    password: str  # shown once, never stored in clear


def school_create(
    *,
    code: str,
    name: str,
    levels: list[str],
    admin_username: str,
    admin_full_name: str,
    admin_gender: str,
    short_name: str = "",
    superior_kind: str = "",
    superior_name: str = "",
    province: str = "",
    commune: str = "",
    address: str = "",
    admin_email: str = "",
    admin_code: str = "QTV001",
) -> CreatedSchool:
    """A new school with its grades and its first administrator (a Staff row and an account with
    a one-time password). No actor: this runs from the server's command line
    (``manage.py create_school``), which is the trust root; the audit events say so (channel
    "command", no person). Running it again with the same code refuses: no second school."""
    profile = _clean_profile(
        {
            "code": code,
            "name": name,
            "short_name": short_name,
            "levels": levels,
            "address": address,
            "superior_kind": superior_kind,
            "office_name": superior_name,
            "province": province,
            "commune": commune,
        },
        school_id=None,
    )
    username = nfc(admin_username).lower()
    if not USERNAME.match(username):
        raise fail(SetupError.BAD_USERNAME, field="admin_username", value=username)
    if User.objects.filter(username=username).exists():
        raise fail(SetupError.USERNAME_TAKEN, field="admin_username", username=username)
    full = _text(
        admin_full_name, label="họ và tên quản trị viên", limit=200, field="admin_full_name"
    )
    family, middle, given = split_full_name(full)
    if not family or not given:
        raise fail(SetupError.BAD_PERSON_NAME, field="admin_full_name")
    for part, limit in ((family, 60), (middle, 60), (given, 40)):
        if len(part) > limit:
            raise fail(
                SetupError.TOO_LONG,
                field="admin_full_name",
                label="Họ và tên",
                length=len(part),
                limit=limit,
            )
    gender = {"nam": "M", "m": "M", "nữ": "F", "nu": "F", "f": "F"}.get(nfc(admin_gender).lower())
    if gender is None:
        raise fail(SetupError.BAD_CHOICE, field="admin_gender", label="Giới tính (nam hoặc nữ)")
    email = _email(admin_email, field="admin_email")
    staff_code = _text(admin_code, label="mã cán bộ", limit=30, field="admin_code")
    password = temporary_password()
    try:
        with transaction.atomic():
            school = School.objects.create(**profile)
            _sync_grades(school, added=profile["levels"])
            user = User.objects.create_user(
                username,
                password,
                display_name=full,
                email=email,
                must_change_password=True,
            )
            staff = Staff(
                school=school,
                user=user,
                code=staff_code,
                family_name=family,
                middle_name=middle,
                given_name=given,
                gender=gender,
                position=Position.ADMINISTRATOR,
                email=email,
            )
            staff.refresh_name_keys()
            staff.save()
            _record(
                None, "school.created", school_id=school.pk, target=school, after=profile_of(school)
            )
            _record(
                None,
                "staff.created",
                school_id=school.pk,
                target=staff,
                after={"code": staff.code, "name": staff.full_name, "position": staff.position},
            )
            _record(
                None,
                "account.created",
                school_id=school.pk,
                target=user,
                after={"username": username, "staff": staff.pk, "display_name": full},
            )
    except IntegrityError:
        # A concurrent run took the code or the username between the checks and the insert.
        if School.objects.filter(code__iexact=profile["code"]).exists():
            raise fail(SetupError.SCHOOL_CODE_TAKEN, field="code", code=profile["code"])
        raise fail(SetupError.USERNAME_TAKEN, field="admin_username", username=username)
    return CreatedSchool(school=school, staff=staff, user=user, password=password)


def _sync_grades(school: School, *, added=(), removed=()) -> None:
    """Grades of levels added are created; those of levels removed go (checked unused first)."""
    for level in added:
        for number in LEVEL_GRADES[level]:
            GradeLevel.objects.get_or_create(
                school=school, number=number, defaults={"level": level}
            )
    for level in removed:
        grades = GradeLevel.objects.filter(school=school, level=level)
        used = sorted(
            set(grades.filter(classes__isnull=False).values_list("number", flat=True))
            | set(grades.filter(offerings__isnull=False).values_list("number", flat=True))
        )
        if used or Subject.objects.filter(school=school, level=level).exists():
            raise fail(
                SetupError.LEVEL_IN_USE,
                field="levels",
                level=in_sentence(Level(level).label),
                grades=", ".join(str(n) for n in used) or "của cấp",
            )
        grades.delete()


def school_profile_update(*, actor: Actor, values: dict) -> School:
    """Names, code, levels (grades follow), address, contact, the superior body, head title."""
    policies.require_prepare(actor, "sửa thông tin trường")
    with transaction.atomic():
        school = _lock_school(actor)
        before = profile_of(school)
        after = _clean_profile(values, school_id=school.pk)
        if after == before:
            return school
        _sync_grades(
            school,
            added=[lv for lv in after["levels"] if lv not in before["levels"]],
            removed=[lv for lv in before["levels"] if lv not in after["levels"]],
        )
        for name, value in after.items():
            setattr(school, name, value)
        try:
            with transaction.atomic():
                school.save()
        except IntegrityError:
            raise fail(SetupError.SCHOOL_CODE_TAKEN, field="code", code=after["code"])
        changed = [f for f in PROFILE_FIELDS if before[f] != after[f]]
        _record(
            actor,
            "school.updated",
            school_id=school.pk,
            target=school,
            before={f: before[f] for f in changed},
            after={f: after[f] for f in changed},
        )
    return school


# --- school years -----------------------------------------------------------------------------


def _calendar_of(year: SchoolYear) -> dict:
    terms = {t.number: t for t in year.terms.all()}
    points = {c.kind: c.date for c in year.checkpoints.all()}
    return {
        "name": year.name,
        "start_date": year.start_date.isoformat(),
        "end_date": year.end_date.isoformat(),
        "terms": {
            str(n): [t.start_date.isoformat(), t.end_date.isoformat()]
            for n, t in sorted(terms.items())
        },
        "checkpoints": {k: points[k].isoformat() for k in sorted(points)},
    }


def _calendar_json(plan: cal.Calendar) -> dict:
    return {
        "name": plan.name,
        "start_date": plan.start.isoformat(),
        "end_date": plan.end.isoformat(),
        "terms": {
            "1": [plan.term1[0].isoformat(), plan.term1[1].isoformat()],
            "2": [plan.term2[0].isoformat(), plan.term2[1].isoformat()],
        },
        "checkpoints": {k: plan.checkpoints[k].isoformat() for k in sorted(plan.checkpoints)},
    }


def proposed_rulesets(school: School, start_year: int) -> dict[str, str]:
    """The Ministry's roadmap for each of the school's grades (``ruleset_code_for``), kept only
    when it names a rule set HoSo evaluates for the level; the level's key when its grades
    agree. The school changes them on the rule-set page."""
    stored: dict[str, str] = {}
    by_level: dict[str, set[str]] = {}
    for grade in GradeLevel.objects.filter(school=school).order_by("number"):
        code = ruleset_code_for(grade.level, start_year, grade=grade.number)
        ruleset = REGISTRY.get(code)
        if ruleset is None or grade.level not in ruleset.level:
            by_level.setdefault(grade.level, set()).add("")
            continue
        stored[grade_key(grade.number)] = code
        by_level.setdefault(grade.level, set()).add(code)
    for level, codes in by_level.items():
        if len(codes) == 1 and "" not in codes:
            stored[level] = codes.pop()
    return stored


def _other_years(school_id: int, *, exclude: int | None = None) -> list[tuple[str, object, object]]:
    return list(
        SchoolYear.objects.filter(school_id=school_id)
        .exclude(pk=exclude)
        .values_list("name", "start_date", "end_date")
    )


def year_create(*, actor: Actor, plan: cal.Calendar) -> SchoolYear:
    """A new school year with its terms, checkpoints, holidays and the proposed rule sets."""
    policies.require_create_year(actor)
    with transaction.atomic():
        # One creator at a time per school: the overlap check below reads the other years.
        school = _lock_school(actor)
        return year_rows_create(
            school=school,
            plan=plan,
            user=actor.user,
            rulesets=proposed_rulesets(school, plan.start.year),
            acting_as=_acting_as(actor),
        )


def year_rows_create(
    *,
    school: School,
    plan: cal.Calendar,
    user,
    rulesets: dict[str, str],
    acting_as: str = "",
    cause: str = "",
) -> SchoolYear:
    """The year's rows (terms, checkpoints, holidays) after the calendar's checks, audited as
    ``year.created`` by ``user``. The caller checked the permission and holds the school's row
    lock: :func:`year_create` (the set-up) and the year rollover (which carries last year's rule
    sets; ``cause="rollover"``)."""
    if SchoolYear.objects.filter(school=school, name=plan.name).exists():
        raise fail(SetupError.YEAR_NAME_TAKEN, field="name", name=plan.name)
    cal.check_calendar(plan, other_years=_other_years(school.pk))
    holidays = [_clean_holiday(h, start=plan.start, end=plan.end) for h in plan.holidays]
    try:
        with transaction.atomic():
            year = SchoolYear.objects.create(
                school=school,
                name=plan.name,
                start_date=plan.start,
                end_date=plan.end,
                rulesets=rulesets,
            )
    except IntegrityError:
        raise fail(SetupError.YEAR_NAME_TAKEN, field="name", name=plan.name)
    for number, (start, end) in ((1, plan.term1), (2, plan.term2)):
        Term.objects.create(year=year, number=number, start_date=start, end_date=end)
    for kind, day in plan.checkpoints.items():
        Checkpoint.objects.create(year=year, kind=kind, date=day)
    Holiday.objects.bulk_create(
        Holiday(year=year, name=h.name, start_date=h.start, end_date=h.end) for h in holidays
    )
    audit_record(
        event_type="year.created",
        actor=user,
        school_id=school.pk,
        target=year,
        after=_calendar_json(plan)
        | {
            "holidays": [[h.name, h.start.isoformat(), h.end.isoformat()] for h in holidays],
            "rulesets": year.rulesets,
            **({"by": cause} if cause else {}),
        },
        acting_as=acting_as,
    )
    return year


def year_calendar_update(*, actor: Actor, plan: cal.Calendar) -> SchoolYear:
    """The chosen year's name, dates, terms and checkpoints; its holidays must still fit."""
    policies.require_prepare(actor, "sửa lịch năm học")
    chosen = _chosen_year(actor)
    with transaction.atomic():
        year = _lock_year(chosen)
        if (
            SchoolYear.objects.filter(school_id=year.school_id, name=plan.name)
            .exclude(pk=year.pk)
            .exists()
        ):
            raise fail(SetupError.YEAR_NAME_TAKEN, field="name", name=plan.name)
        cal.check_calendar(plan, other_years=_other_years(year.school_id, exclude=year.pk))
        for holiday in year.holidays.all():
            cal.check_holiday(
                cal.Holiday(holiday.name, holiday.start_date, holiday.end_date),
                start=plan.start,
                end=plan.end,
            )
        before = _calendar_of(year)
        after = _calendar_json(plan)
        if before == after:
            return year
        year.name, year.start_date, year.end_date = plan.name, plan.start, plan.end
        year.save(update_fields=["name", "start_date", "end_date"])
        for number, (start, end) in ((1, plan.term1), (2, plan.term2)):
            Term.objects.update_or_create(
                year=year, number=number, defaults={"start_date": start, "end_date": end}
            )
        for kind, day in plan.checkpoints.items():
            Checkpoint.objects.update_or_create(year=year, kind=kind, defaults={"date": day})
        _year_changed(
            actor,
            "year.calendar_changed",
            year,
            target=year,
            before=before,
            after=after,
        )
    return year


def _clean_holiday(holiday: cal.Holiday, *, start, end) -> cal.Holiday:
    name = _text(holiday.name, label="tên ngày nghỉ", limit=120, field="holiday_name")
    clean = cal.Holiday(name, holiday.start, holiday.end)
    cal.check_holiday(clean, start=start, end=end)
    return clean


def holiday_add(*, actor: Actor, name: str, start, end) -> Holiday:
    policies.require_prepare(actor, "thêm ngày nghỉ")
    chosen = _chosen_year(actor)
    with transaction.atomic():
        year = _lock_year(chosen)
        clean = _clean_holiday(
            cal.Holiday(name, start, end), start=year.start_date, end=year.end_date
        )
        holiday = Holiday.objects.create(year=year, name=clean.name, start_date=start, end_date=end)
        _year_changed(
            actor,
            "year.holiday_added",
            year,
            target=year,
            after={
                "name": clean.name,
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
            },
        )
    return holiday


def holiday_remove(*, actor: Actor, holiday: Holiday) -> None:
    policies.require_prepare(actor, "xóa ngày nghỉ")
    with transaction.atomic():
        year = _lock_year(holiday.year)
        before = {
            "name": holiday.name,
            "start_date": holiday.start_date.isoformat(),
            "end_date": holiday.end_date.isoformat(),
        }
        Holiday.objects.filter(pk=holiday.pk).delete()
        _year_changed(
            actor,
            "year.holiday_removed",
            year,
            target=year,
            before=before,
        )


# --- classes ----------------------------------------------------------------------------------


def _school_grade(school_id: int, number) -> GradeLevel:
    grade = GradeLevel.objects.filter(school_id=school_id, number=number).first()
    if grade is None:
        raise fail(SetupError.GRADE_NOT_IN_SCHOOL, field="grade", grade=number)
    return grade


def _sessions(value) -> int:
    try:
        sessions = int(value)
    except (TypeError, ValueError):
        sessions = 0
    if sessions not in (1, 2):
        raise fail(SetupError.SESSIONS, field="sessions_per_day")
    return sessions


def _class_name(value, *, field: str = "names") -> str:
    return _text(value, label="tên lớp", limit=20, field=field)


def _taken_names(year: SchoolYear, *, exclude: int | None = None) -> dict[str, str]:
    """Folded name → name of the year's classes ("6a1" and "6A1" are the same class)."""
    rows = SchoolClass.objects.filter(year=year).exclude(pk=exclude).values_list("name", flat=True)
    return {fold(n): n for n in rows}


def classes_add(
    *, actor: Actor, grade_number: int, names: list[str], sessions_per_day
) -> list[SchoolClass]:
    """Classes of a grade in the chosen year, typed ("6A1, 6A2") or generated (6A1–6A3)."""
    policies.require_prepare(actor, "thêm lớp")
    chosen = _chosen_year(actor)
    clean = [_class_name(n) for n in names if nfc(n)]
    if not 1 <= len(clean) <= MAX_CLASSES_AT_ONCE:
        raise fail(SetupError.CLASS_COUNT, field="names", limit=MAX_CLASSES_AT_ONCE)
    sessions = _sessions(sessions_per_day)
    with transaction.atomic():
        year = _lock_year(chosen)
        grade = _school_grade(year.school_id, grade_number)
        taken = _taken_names(year)
        for name in clean:
            if fold(name) in taken:
                raise fail(SetupError.CLASS_NAME_TAKEN, field="names", year=year.name, name=name)
            taken[fold(name)] = name
        created = []
        try:
            with transaction.atomic():
                for name in clean:
                    created.append(
                        SchoolClass.objects.create(
                            year=year, grade=grade, name=name, sessions_per_day=sessions
                        )
                    )
        except IntegrityError:  # added by someone else in between
            raise fail(
                SetupError.CLASS_NAME_TAKEN, field="names", year=year.name, name=", ".join(clean)
            )
        for school_class in created:
            _year_changed(
                actor,
                "class.created",
                year,
                target=school_class,
                after={
                    "name": school_class.name,
                    "grade": grade.number,
                    "sessions_per_day": sessions,
                },
            )
    return created


def class_update(
    *, actor: Actor, school_class: SchoolClass, name: str, sessions_per_day
) -> SchoolClass:
    policies.require_prepare(actor, f"sửa lớp {school_class.name}")
    new_name = _class_name(name, field="name")
    sessions = _sessions(sessions_per_day)
    with transaction.atomic():
        year = _lock_year(school_class.year)
        row = SchoolClass.objects.select_for_update().get(pk=school_class.pk)
        before = {"name": row.name, "sessions_per_day": row.sessions_per_day}
        after = {"name": new_name, "sessions_per_day": sessions}
        if before == after:
            return row
        if fold(new_name) in _taken_names(year, exclude=row.pk):
            raise fail(SetupError.CLASS_NAME_TAKEN, field="name", year=year.name, name=new_name)
        row.name, row.sessions_per_day = new_name, sessions
        try:
            with transaction.atomic():
                row.save(update_fields=["name", "sessions_per_day"])
        except IntegrityError:
            raise fail(SetupError.CLASS_NAME_TAKEN, field="name", year=year.name, name=new_name)
        _year_changed(
            actor,
            "class.updated",
            year,
            target=row,
            before=before,
            after=after,
        )
    return row


def class_delete(*, actor: Actor, school_class: SchoolClass) -> None:
    """Only a class without students; its teaching and homeroom assignments go with it (they are
    written into the audit event)."""
    policies.require_prepare(actor, f"xóa lớp {school_class.name}")
    with transaction.atomic():
        year = _lock_year(school_class.year)
        row = (
            SchoolClass.objects.select_for_update().select_related("grade").get(pk=school_class.pk)
        )
        students = row.enrolments.count()
        if students:
            raise fail(SetupError.CLASS_HAS_STUDENTS, name=row.name, count=students)
        before = {
            "name": row.name,
            "grade": row.grade.number,
            "sessions_per_day": row.sessions_per_day,
            "teaching": [
                [t.subject.code, t.term.number, t.teacher.code]
                for t in TeachingAssignment.objects.filter(school_class=row).select_related(
                    "subject", "term", "teacher"
                )
            ],
            "homerooms": sorted(
                HomeroomAssignment.objects.filter(school_class=row).values_list(
                    "teacher__code", flat=True
                )
            ),
        }
        _record(actor, "class.deleted", school_id=year.school_id, target=row, before=before)
        try:
            with transaction.atomic():
                row.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise fail(SetupError.CLASS_IN_USE, name=before["name"], what=_blocking(exc))
        _after_change(actor, years=[year], cause="class.deleted")


# --- the subject catalogue --------------------------------------------------------------------


def _level_of_school(actor: Actor, level: str) -> str:
    if level not in (actor.school.levels or []):
        raise fail(SetupError.BAD_LEVELS, field="level")
    return level


def _offering_json(offering: SubjectOffering) -> dict:
    return {"periods": offering.periods_per_year, "midterm_test": offering.midterm_test}


def programme_apply(*, actor: Actor, level: str, codes: list[str] | None = None) -> list[Subject]:
    """Add the programme's subjects of ``level`` (its default catalogue, or the ``codes`` asked
    for) that the school does not have yet, each with its periods in the school's grades."""
    policies.require_prepare(actor, "nạp môn học theo chương trình")
    level = _level_of_school(actor, level)
    if codes is None:
        wanted = list(programme.default_subjects(level))
    else:
        wanted = []
        for code in codes:
            found = programme.find(level, code)
            if found is None:
                raise fail(
                    SetupError.NOT_IN_PROGRAMME,
                    field="codes",
                    code=code,
                    level=in_sentence(Level(level).label),
                )
            wanted.append(found)
    order = {s.code: i for i, s in enumerate(programme.programme_for(level), start=1)}
    with transaction.atomic():
        school = _lock_school(actor)
        have = set(
            Subject.objects.filter(school=school, level=level).values_list("code", flat=True)
        )
        grades = {g.number: g for g in GradeLevel.objects.filter(school=school, level=level)}
        created = []
        for spec in wanted:
            if spec.code in have:
                continue
            subject = Subject.objects.create(
                school=school,
                level=level,
                code=spec.code,
                name=spec.name,
                assessment=spec.assessment,
                order=order[spec.code],
            )
            offerings = SubjectOffering.objects.bulk_create(
                SubjectOffering(
                    subject=subject,
                    grade=grades[number],
                    periods_per_year=periods,
                    midterm_test=number in spec.midterm_test_grades,
                )
                for number, periods in spec.periods.items()
                if number in grades
            )
            _record(
                actor,
                "subject.created",
                school_id=school.pk,
                target=subject,
                after={
                    "code": subject.code,
                    "name": subject.name,
                    "assessment": subject.assessment,
                    "from_programme": True,
                    "grades": {str(o.grade.number): _offering_json(o) for o in offerings},
                },
            )
            created.append(subject)
        if created:
            _after_change(actor, years=_open_years(school.pk), cause="subject.created")
    return created


def _periods(value, *, name: str, field: str) -> int:
    try:
        periods = int(str(value).strip())
    except (TypeError, ValueError):
        periods = 0
    if not 1 <= periods <= 1000:
        raise fail(SetupError.PERIODS, field=field, name=name)
    return periods


def _assessment(value) -> str:
    if value not in Subject.Assessment.values:
        raise fail(SetupError.BAD_CHOICE, field="assessment", label="Hình thức đánh giá")
    return value


def subject_create(
    *, actor: Actor, level: str, code: str, name: str, assessment: str, periods: dict[int, object]
) -> Subject:
    """A subject of the school's own (a local subject, say) taught in the grades given."""
    policies.require_prepare(actor, "thêm môn học")
    level = _level_of_school(actor, level)
    code = nfc(code).upper()
    if not SUBJECT_CODE.match(code):
        raise fail(SetupError.BAD_SUBJECT_CODE, field="code", value=code)
    name = _text(name, label="tên môn học", limit=120, field="name")
    assessment = _assessment(assessment)
    wanted = {
        int(g): _periods(p, name=name, field=f"periods_{g}")
        for g, p in periods.items()
        if str(p).strip()
    }
    with transaction.atomic():
        school = _lock_school(actor)
        grades = {g.number: g for g in GradeLevel.objects.filter(school=school, level=level)}
        for number in wanted:
            if number not in grades:
                raise fail(SetupError.GRADE_NOT_IN_SCHOOL, field=f"periods_{number}", grade=number)
        if Subject.objects.filter(school=school, level=level, code=code).exists():
            raise fail(
                SetupError.SUBJECT_CODE_TAKEN,
                field="code",
                level=in_sentence(Level(level).label),
                code=code,
            )
        last = Subject.objects.filter(school=school, level=level).order_by("-order").first()
        try:
            with transaction.atomic():
                subject = Subject.objects.create(
                    school=school,
                    level=level,
                    code=code,
                    name=name,
                    assessment=assessment,
                    order=(last.order + 1) if last else 1,
                )
        except IntegrityError:
            raise fail(
                SetupError.SUBJECT_CODE_TAKEN,
                field="code",
                level=in_sentence(Level(level).label),
                code=code,
            )
        SubjectOffering.objects.bulk_create(
            SubjectOffering(subject=subject, grade=grades[n], periods_per_year=p)
            for n, p in wanted.items()
        )
        _school_changed(
            actor,
            "subject.created",
            school,
            target=subject,
            after={
                "code": code,
                "name": name,
                "assessment": assessment,
                "grades": {
                    str(n): {"periods": p, "midterm_test": False} for n, p in wanted.items()
                },
            },
        )
    return subject


def subject_update(*, actor: Actor, subject: Subject, name: str, assessment: str) -> Subject:
    """Rename a subject or change how it is assessed (not once it has results)."""
    policies.require_prepare(actor, f"sửa môn {subject.name}")
    name = _text(name, label="tên môn học", limit=120, field="name")
    assessment = _assessment(assessment)
    with transaction.atomic():
        school, row = _lock_row(actor, Subject, subject.pk)
        before = {"name": row.name, "assessment": row.assessment}
        after = {"name": name, "assessment": assessment}
        if before == after:
            return row
        if assessment != row.assessment:
            found = usage.subject_entries(subject=row)
            if found:
                raise fail(
                    SetupError.ASSESSMENT_IN_USE,
                    field="assessment",
                    name=row.name,
                    what=", ".join(found),
                )
        row.name, row.assessment = name, assessment
        row.save(update_fields=["name", "assessment"])
        _school_changed(
            actor,
            "subject.updated",
            school,
            target=row,
            before=before,
            after=after,
        )
    return row


def _subject_uses(subject: Subject, grade: GradeLevel | None = None) -> list[str]:
    teaching = TeachingAssignment.objects.filter(subject=subject)
    if grade is not None:
        teaching = teaching.filter(school_class__grade=grade)
    found = usage.subject_entries(subject=subject, grade=grade)
    count = teaching.count()
    if count:
        found.insert(0, f"{count} phân công giảng dạy")
    return found


def subject_delete(*, actor: Actor, subject: Subject) -> None:
    """Remove a subject nobody teaches and nobody has assessed (its periods go with it)."""
    policies.require_prepare(actor, f"xóa môn {subject.name}")
    with transaction.atomic():
        school, row = _lock_row(actor, Subject, subject.pk)
        found = _subject_uses(row)
        if found:
            raise fail(SetupError.SUBJECT_IN_USE, name=row.name, what=", ".join(found))
        before = {
            "code": row.code,
            "name": row.name,
            "assessment": row.assessment,
            "grades": {
                str(o.grade.number): _offering_json(o)
                for o in row.offerings.select_related("grade")
            },
        }
        _record(actor, "subject.deleted", school_id=school.pk, target=row, before=before)
        try:
            with transaction.atomic():
                row.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise fail(SetupError.SUBJECT_IN_USE, name=before["name"], what=_blocking(exc))
        _after_change(actor, years=_open_years(school.pk), cause="subject.deleted")


@dataclass(frozen=True)
class OfferingRow:
    """One subject of a grade as the grade's page sends it."""

    subject_id: int
    taught: bool
    periods: object = ""
    midterm_test: bool = False


def _midterm_allowed(subject: Subject, grade: GradeLevel) -> bool:
    """TT27 Điều 7: the mid-term periodic test, in grades 4 and 5, of tested primary subjects."""
    return (
        grade.level == Level.PRIMARY
        and grade.number in (4, 5)
        and subject.assessment == Subject.Assessment.SCORE_AND_COMMENT
    )


def grade_catalogue_save(*, actor: Actor, grade: GradeLevel, rows: list[OfferingRow]) -> GradeLevel:
    """Which of the level's subjects a grade teaches, with periods per year and the TT27
    mid-term test flag. A subject taught or assessed in the grade cannot be taken out of it."""
    policies.require_prepare(actor, f"môn học khối {grade.number}")
    with transaction.atomic():
        school = _lock_school(actor)
        subjects = {s.pk: s for s in Subject.objects.filter(school=school, level=grade.level)}
        current = {
            o.subject_id: o
            for o in SubjectOffering.objects.filter(grade=grade, subject__in=subjects.values())
        }
        before, after = {}, {}
        for row in rows:
            subject = subjects.get(row.subject_id)
            if subject is None:
                continue  # not a subject of this grade's level: nothing to do with it
            offering = current.get(subject.pk)
            old = _offering_json(offering) if offering else None
            if not row.taught:
                if offering is None:
                    continue
                found = _subject_uses(subject, grade)
                if found:
                    raise fail(
                        SetupError.OFFERING_IN_USE,
                        field=f"taught_{subject.pk}",
                        name=subject.name,
                        grade=grade.number,
                        what=", ".join(found),
                    )
                offering.delete()
                before[subject.code], after[subject.code] = old, None
                continue
            periods = _periods(row.periods, name=subject.name, field=f"periods_{subject.pk}")
            if row.midterm_test and not _midterm_allowed(subject, grade):
                raise fail(
                    SetupError.MIDTERM_NOT_APPLICABLE,
                    field=f"midterm_{subject.pk}",
                    name=subject.name,
                    grade=grade.number,
                )
            new = {"periods": periods, "midterm_test": bool(row.midterm_test)}
            if new == old:
                continue
            SubjectOffering.objects.update_or_create(
                subject=subject,
                grade=grade,
                defaults={"periods_per_year": periods, "midterm_test": bool(row.midterm_test)},
            )
            before[subject.code], after[subject.code] = old, new
        if after:
            _school_changed(
                actor,
                "catalogue.grade_saved",
                school,
                target=grade,
                before=before,
                after=after,
            )
    return grade


# --- departments ------------------------------------------------------------------------------


def _member(actor: Actor, staff_id, *, field: str) -> Staff | None:
    if staff_id in (None, ""):
        return None
    try:
        staff_id = int(staff_id)
    except (TypeError, ValueError):
        raise fail(SetupError.HEAD_NOT_STAFF, field=field)
    staff = Staff.objects.filter(school_id=actor.school_id, pk=staff_id, is_active=True).first()
    if staff is None:
        raise fail(SetupError.HEAD_NOT_STAFF, field=field)
    return staff


def _department_values(
    actor: Actor, department: Department | None, *, name, kind, head_id, deputy_id
):
    name = _text(name, label="tên tổ", limit=120, field="name")
    if kind not in Department.Kind.values:
        raise fail(SetupError.BAD_CHOICE, field="kind", label="Loại tổ")
    head = _member(actor, head_id, field="head")
    deputy = _member(actor, deputy_id, field="deputy")
    if head is not None and deputy is not None and head.pk == deputy.pk:
        raise fail(SetupError.HEAD_SAME_AS_DEPUTY, field="deputy")
    mine = getattr(actor.staff, "pk", None)
    for person, field, current in (
        (head, "head", getattr(department, "head_id", None)),
        (deputy, "deputy", getattr(department, "deputy_id", None)),
    ):
        # Nobody grants themselves a role: a head or deputy derives the department's roles.
        if person is not None and mine is not None and person.pk == mine and current != mine:
            raise fail(SetupError.HEAD_IS_SELF, field=field)
    taken = Department.objects.filter(school_id=actor.school_id)
    if department is not None:
        taken = taken.exclude(pk=department.pk)
    if fold(name) in {fold(n) for n in taken.values_list("name", flat=True)}:
        raise fail(SetupError.DEPARTMENT_NAME_TAKEN, field="name", name=name)
    return name, kind, head, deputy


def _department_json(d: Department) -> dict:
    return {"name": d.name, "kind": d.kind, "head": d.head_id, "deputy": d.deputy_id}


def department_create(
    *, actor: Actor, name: str, kind: str, head_id=None, deputy_id=None
) -> Department:
    policies.require_prepare(actor, "thêm tổ")
    with transaction.atomic():
        school = _lock_school(actor)
        name, kind, head, deputy = _department_values(
            actor, None, name=name, kind=kind, head_id=head_id, deputy_id=deputy_id
        )
        try:
            with transaction.atomic():
                department = Department.objects.create(
                    school=school, name=name, kind=kind, head=head, deputy=deputy
                )
        except IntegrityError:
            raise fail(SetupError.DEPARTMENT_NAME_TAKEN, field="name", name=name)
        _school_changed(
            actor,
            "department.created",
            school,
            target=department,
            after=_department_json(department),
        )
    return department


def department_update(
    *, actor: Actor, department: Department, name: str, kind: str, head_id=None, deputy_id=None
) -> Department:
    """Rename, change the kind, choose the head and the deputy (roles follow at once)."""
    policies.require_prepare(actor, f"sửa tổ {department.name}")
    with transaction.atomic():
        school, row = _lock_row(actor, Department, department.pk)
        before = _department_json(row)
        row.name, row.kind, row.head, row.deputy = _department_values(
            actor, row, name=name, kind=kind, head_id=head_id, deputy_id=deputy_id
        )
        after = _department_json(row)
        if before == after:
            return row
        try:
            with transaction.atomic():
                row.save(update_fields=["name", "kind", "head", "deputy"])
        except IntegrityError:
            raise fail(SetupError.DEPARTMENT_NAME_TAKEN, field="name", name=row.name)
        _school_changed(
            actor,
            "department.updated",
            school,
            target=row,
            before=before,
            after=after,
        )
    return row


def department_delete(*, actor: Actor, department: Department) -> None:
    """Only a department without members."""
    policies.require_prepare(actor, f"xóa tổ {department.name}")
    with transaction.atomic():
        school, row = _lock_row(actor, Department, department.pk)
        members = row.members.count()
        if members:
            raise fail(SetupError.DEPARTMENT_NOT_EMPTY, name=row.name, count=members)
        _record(
            actor,
            "department.deleted",
            school_id=school.pk,
            target=row,
            before=_department_json(row),
        )
        row.delete()
        _after_change(actor, years=_open_years(school.pk), cause="department.deleted")


# --- rule sets --------------------------------------------------------------------------------


def year_rulesets_set(*, actor: Actor, choices: dict[int, str]) -> SchoolYear:
    """The rule set of each grade for the chosen year. A grade with results keeps its own."""
    policies.require_prepare(actor, "chọn bộ quy tắc đánh giá")
    chosen = _chosen_year(actor)
    with transaction.atomic():
        year = _lock_year(chosen)
        grades = {g.number: g for g in GradeLevel.objects.filter(school_id=year.school_id)}
        stored = dict(year.rulesets or {})
        for number, code in sorted(choices.items()):
            grade = grades.get(int(number))
            if grade is None:
                raise fail(SetupError.GRADE_NOT_IN_SCHOOL, field=f"grade_{number}", grade=number)
            if code not in valid_rulesets(grade.level):
                raise fail(
                    SetupError.RULESET_INVALID, field=f"grade_{number}", code=code, grade=number
                )
            if code != effective_ruleset(year, grade):
                found = usage.grade_results(year=year, grade=grade)
                if found:
                    raise fail(
                        SetupError.RULESET_LOCKED,
                        field=f"grade_{number}",
                        grade=number,
                        year=year.name,
                        what=", ".join(found),
                    )
            stored[grade_key(number)] = code
        for level in {g.level for g in grades.values()}:
            codes = {stored.get(grade_key(g.number)) for g in grades.values() if g.level == level}
            if len(codes) == 1 and None not in codes:
                stored[level] = codes.pop()
        if stored == (year.rulesets or {}):
            return year
        before = dict(year.rulesets or {})
        year.rulesets = stored
        year.save(update_fields=["rulesets"])
        _year_changed(
            actor,
            "year.rulesets_changed",
            year,
            target=year,
            before=before,
            after=stored,
        )
    return year


# --- the principal's confirmation -------------------------------------------------------------


def year_confirm(*, actor: Actor) -> SchoolYear:
    """The principal confirms the chosen year's set-up (all steps done), with a record of what
    was confirmed."""
    policies.require_confirm(actor)
    chosen = _chosen_year(actor)
    with transaction.atomic():
        year = _lock_year(chosen)
        if year.confirmed_at is not None:
            raise fail(SetupError.ALREADY_CONFIRMED, year=year.name)
        school = School.objects.get(pk=year.school_id)
        states = step_states(school, year)
        missing = [in_sentence(s.title) for s in states if not s.done]
        if missing:
            raise fail(SetupError.INCOMPLETE, missing=", ".join(missing))
        year.confirmed_at = clock.now()
        year.confirmed_by = actor.user
        year.save(update_fields=["confirmed_at", "confirmed_by"])
        audit_record(
            event_type="year.setup_confirmed",
            actor=actor.user,
            school_id=year.school_id,
            target=year,
            before={"confirmed_at": None},
            after={"confirmed_at": year.confirmed_at.isoformat()}
            | confirmation_snapshot(school, year),
            acting_as=actor.acting_as_for(Role.PRINCIPAL),
        )
    return year
