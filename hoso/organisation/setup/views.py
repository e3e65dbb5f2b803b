"""The set-up pages ("Thiết lập trường"). Thin: parse → policy/access → action/selector → render.
A refused change shows the page again with what was typed and the message (status 400); that
happens in one place, :func:`_attempt`."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hoso.accounts.middleware import SESSION_YEAR
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.text import nfc
from hoso.organisation.models import Department, Level, Subject, SuperiorKind
from hoso.organisation.setup import actions, forms, policies, selectors
from hoso.organisation.setup import calendar as cal
from hoso.organisation.setup.actions import HEAD_TITLES, OfferingRow, default_superior_name

STEPS_NAV = [
    ("organisation:setup:index", "Tổng quan"),
    ("organisation:setup:school", "Trường"),
    ("organisation:setup:year", "Năm học"),
    ("organisation:setup:classes", "Lớp"),
    ("organisation:setup:subjects", "Môn học"),
    ("organisation:setup:departments", "Tổ"),
    ("organisation:setup:rulesets", "Quy tắc đánh giá"),
]
T = "organisation/setup/"


def _page(request, template: str, context: dict, *, error: DomainError | None = None):
    actor = request.actor
    context = {
        "steps_nav": STEPS_NAV,
        "can_prepare": policies.can_prepare(actor),
        "can_create_year": policies.can_create_year(actor),
        "year": actor.year,
        **context,
    }
    if error is not None:
        context.update(error=error.message, error_code=error.code, field=error.field or "")
    return render(request, T + template, context, status=400 if error is not None else 200)


def _attempt(
    request,
    call: Callable[[], object],
    *,
    done: str | Callable[[object], str],
    then: str,
    template: str,
    context: Callable[[DomainError], dict],
):
    """Run the action; on success say so and go to ``then``; on a refusal show ``template``
    again with the message and ``context(error)`` (what was typed). A permission refusal stays a
    403."""
    try:
        result = call()
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        return _page(request, template, context(exc), error=exc)
    messages.success(request, done(result) if callable(done) else done)
    return redirect(then)


def _reader(request, what: str):
    actor = request.actor
    policies.require_view(actor, what)
    return actor


def _preparer(request, what: str):
    actor = request.actor
    policies.require_prepare(actor, what)
    return actor


def _int(value) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _url(name: str) -> str:
    return reverse(f"organisation:setup:{name}")


# --- checklist and confirmation ---------------------------------------------------------------


def _index_context(actor) -> dict:
    return {"checklist": selectors.checklist(actor), "can_confirm": policies.can_confirm(actor)}


@login_required
def index(request):
    actor = _reader(request, "tổng quan")
    return _page(request, "index.html", _index_context(actor))


@login_required
@require_POST
def confirm(request):
    actor = request.actor
    return _attempt(
        request,
        lambda: actions.year_confirm(actor=actor),
        done=lambda year: f"Đã xác nhận thiết lập năm học {year.name}.",
        then=_url("index"),
        template="index.html",
        context=lambda exc: _index_context(actor),
    )


# --- the school -------------------------------------------------------------------------------


def _school_context(values: dict) -> dict:
    return {
        "v": values,
        "levels": Level.choices,
        "superior_kinds": SuperiorKind.choices,
        "head_titles": HEAD_TITLES,
        "suggested_office": default_superior_name(
            values.get("superior_kind", ""),
            province=values.get("province", ""),
            commune=values.get("commune", ""),
        ),
    }


@login_required
def school(request):
    actor = _reader(request, "thông tin trường")
    if request.method != "POST":
        return _page(request, "school.html", _school_context(selectors.profile_of(actor.school)))
    _preparer(request, "sửa thông tin trường")
    values = {f: nfc(request.POST.get(f)) for f in selectors.PROFILE_FIELDS if f != "levels"}
    values["levels"] = request.POST.getlist("levels")
    return _attempt(
        request,
        lambda: actions.school_profile_update(actor=actor, values=values),
        done="Đã lưu thông tin trường.",
        then=_url("index"),
        template="school.html",
        context=lambda exc: _school_context(values),
    )


# --- school years -----------------------------------------------------------------------------


def _year_context(actor, values: dict, **extra) -> dict:
    context = {
        "v": values,
        "years": selectors.years_of(actor),
        "labels": forms.CALENDAR_FIELDS,
        "holiday_v": {},
        **extra,
    }
    if actor.year is not None:
        context["calendar"] = selectors.year_calendar(actor.year)
    return context


def _saved_calendar(year) -> dict:
    terms = {t.number: t for t in year.terms.all()}
    values = {
        "name": year.name,
        "start_date": year.start_date.isoformat(),
        "end_date": year.end_date.isoformat(),
    }
    for n in (1, 2):
        term = terms.get(n)
        values[f"term{n}_start"] = term.start_date.isoformat() if term else ""
        values[f"term{n}_end"] = term.end_date.isoformat() if term else ""
    points = {c.kind: c.date for c in year.checkpoints.all()}
    for kind in cal.CHECKPOINT_LABELS:
        values[kind] = points[kind].isoformat() if kind in points else ""
    return values


@login_required
def year(request):
    actor = _reader(request, "năm học")
    if actor.year is None:
        return redirect("organisation:setup:year_new")
    if request.method != "POST":
        return _page(request, "year.html", _year_context(actor, _saved_calendar(actor.year)))
    _preparer(request, "sửa lịch năm học")
    values = forms.calendar_values(request.POST)
    return _attempt(
        request,
        lambda: actions.year_calendar_update(actor=actor, plan=forms.calendar_from(values)),
        done=f"Đã lưu lịch năm học {values['name']}.",
        then=_url("year"),
        template="year.html",
        context=lambda exc: _year_context(actor, values),
    )


def _new_year_context(values: dict, rows: list[dict]) -> dict:
    return {"v": values, "holiday_rows": rows, "labels": forms.CALENDAR_FIELDS}


def _proposal(start_year: int) -> dict:
    plan = cal.proposed_calendar(start_year)
    return _new_year_context(forms.calendar_values_of(plan), forms.holiday_rows_of(plan.holidays))


@login_required
def year_new(request):
    actor = _reader(request, "tạo năm học")
    if request.method != "POST":
        wanted = _int(request.GET.get("nam"))
        if not (wanted and 2000 <= wanted <= 2100):
            wanted = cal.proposed_start_year(clock.today())
        return _page(request, "year_new.html", _proposal(wanted))
    policies.require_create_year(actor)
    values = forms.calendar_values(request.POST)
    rows = forms.holiday_rows(request.POST)
    if request.POST.get("propose"):
        # "Đề xuất lại": the Ministry's usual calendar for the year typed in the name.
        try:
            return _page(request, "year_new.html", _proposal(cal.start_year_of(values["name"])))
        except DomainError as exc:
            return _page(request, "year_new.html", _new_year_context(values, rows), error=exc)

    def create():
        created = actions.year_create(
            actor=actor, plan=forms.calendar_from(values, forms.holidays_from(rows))
        )
        request.session[SESSION_YEAR] = created.pk  # the set-up pages now work on it
        return created

    return _attempt(
        request,
        create,
        done=lambda y: f"Đã tạo năm học {y.name}; các trang thiết lập đang làm việc với năm này.",
        then=_url("year"),
        template="year_new.html",
        context=lambda exc: _new_year_context(values, rows),
    )


@login_required
@require_POST
def holiday_add(request):
    actor = _preparer(request, "thêm ngày nghỉ")
    typed = {
        "name": nfc(request.POST.get("holiday_name")),
        "start": nfc(request.POST.get("holiday_start")),
        "end": nfc(request.POST.get("holiday_end")),
    }

    def add():
        start = forms.parse_date(typed["start"], label="ngày bắt đầu nghỉ", field="holiday_start")
        end = forms.parse_date(
            typed["end"] or typed["start"], label="ngày kết thúc nghỉ", field="holiday_end"
        )
        return actions.holiday_add(actor=actor, name=typed["name"], start=start, end=end)

    saved = _saved_calendar(actor.year) if actor.year is not None else {}
    return _attempt(
        request,
        add,
        done=f"Đã thêm ngày nghỉ “{typed['name']}”.",
        then=_url("year"),
        template="year.html",
        context=lambda exc: _year_context(actor, saved, holiday_v=typed),
    )


@login_required
@require_POST
def holiday_remove(request, holiday_id: int):
    actor = _preparer(request, "xóa ngày nghỉ")
    holiday = policies.access_holiday(actor, holiday_id)
    return _attempt(
        request,
        lambda: actions.holiday_remove(actor=actor, holiday=holiday),
        done=f"Đã xóa ngày nghỉ “{holiday.name}”.",
        then=_url("year"),
        template="year.html",
        context=lambda exc: _year_context(actor, _saved_calendar(actor.year)),
    )


# --- classes ----------------------------------------------------------------------------------


def _classes_context(actor, **extra) -> dict:
    return {"grades": selectors.classes_by_grade(actor), "add_v": {}, **extra}


@login_required
def classes(request):
    actor = _reader(request, "khối và lớp")
    return _page(request, "classes.html", _classes_context(actor))


@login_required
@require_POST
def classes_add(request):
    actor = _preparer(request, "thêm lớp")
    fields = ("grade", "prefix", "first", "count", "sessions_per_day")
    typed = {k: nfc(request.POST.get(k)) for k in fields}
    typed["mode"] = mode = request.POST.get("mode", "names")
    # One class name a line: split before normalising (nfc() folds line breaks into spaces).
    typed["names"] = (request.POST.get("names") or "").strip()

    def add():
        if mode == "series":
            first = forms.parse_int(
                typed["first"] or "1", label="số bắt đầu", field="first", low=1, high=99
            )
            count = forms.parse_int(
                typed["count"],
                label="số lớp",
                field="count",
                low=1,
                high=actions.MAX_CLASSES_AT_ONCE,
            )
            names = forms.series_names(typed["prefix"], first, count)
        else:
            names = forms.typed_names(typed["names"])
        return actions.classes_add(
            actor=actor,
            grade_number=_int(typed["grade"]),
            names=names,
            sessions_per_day=typed["sessions_per_day"],
        )

    return _attempt(
        request,
        add,
        done=lambda created: "Đã thêm lớp " + ", ".join(c.name for c in created) + ".",
        then=_url("classes"),
        template="classes.html",
        context=lambda exc: _classes_context(actor, add_v=typed, form=f"add-{mode}"),
    )


@login_required
@require_POST
def class_update(request, class_id: int):
    actor = _preparer(request, f"sửa lớp #{class_id}")
    school_class = policies.access_class(actor, class_id)
    typed = {
        "name": nfc(request.POST.get("name")),
        "sessions_per_day": nfc(request.POST.get("sessions_per_day")),
    }
    return _attempt(
        request,
        lambda: actions.class_update(
            actor=actor,
            school_class=school_class,
            name=typed["name"],
            sessions_per_day=typed["sessions_per_day"],
        ),
        done=lambda row: f"Đã lưu lớp {row.name}.",
        then=_url("classes"),
        template="classes.html",
        context=lambda exc: _classes_context(
            actor, edit_id=school_class.pk, edit_v=typed, form="edit"
        ),
    )


@login_required
@require_POST
def class_delete(request, class_id: int):
    actor = _preparer(request, f"xóa lớp #{class_id}")
    school_class = policies.access_class(actor, class_id)
    return _attempt(
        request,
        lambda: actions.class_delete(actor=actor, school_class=school_class),
        done=f"Đã xóa lớp {school_class.name}.",
        then=_url("classes"),
        template="classes.html",
        context=lambda exc: _classes_context(actor, edit_id=school_class.pk, form="delete"),
    )


# --- subjects ---------------------------------------------------------------------------------


def _subjects_context(actor, grade_value, *, typed=None, own_v=None, error_field="", **extra):
    """The grade's page; ``typed``: the grade form as sent ({subject id: values}) after an
    error, shown instead of what is stored."""
    grades = selectors.grades_of(actor.school)
    number = _int(grade_value)
    grade = next((g for g in grades if g.number == number), grades[0] if grades else None)
    context = {"grades": grades, "grade": grade, "own_v": own_v or {}, **extra}
    if grade is None:
        return context
    typed = typed or {}
    rows = []
    for r in selectors.grade_catalogue(actor, grade):
        pk = r.subject.pk
        sent = typed.get(pk)
        rows.append(
            {
                "row": r,
                "taught": sent["taught"] if sent else r.offering is not None,
                "periods": sent["periods"] if sent else getattr(r.offering, "periods_per_year", ""),
                "midterm": sent["midterm"] if sent else getattr(r.offering, "midterm_test", False),
                "invalid": error_field in (f"taught_{pk}", f"periods_{pk}", f"midterm_{pk}"),
            }
        )
    own = own_v or {}
    context.update(
        rows=rows,
        missing=selectors.programme_missing(actor, grade.level),
        level_label=Level(grade.level).label,
        own_periods=[
            (g.number, own.get(f"periods_{g.number}", ""), error_field == f"periods_{g.number}")
            for g in grades
            if g.level == grade.level
        ],
        assessments=Subject.Assessment.choices,
    )
    return context


@login_required
def subjects(request):
    actor = _reader(request, "môn học")
    return _page(request, "subjects.html", _subjects_context(actor, request.GET.get("khoi")))


def _to_grade(number) -> str:
    return f"{_url('subjects')}?khoi={number}" if number else _url("subjects")


def _attempt_on_grade(request, actor, number, call, *, done, **extra):
    """A change made from a grade's page: back to it, or the page again with the message."""
    return _attempt(
        request,
        call,
        done=done,
        then=_to_grade(number),
        template="subjects.html",
        context=lambda exc: _subjects_context(actor, number, error_field=exc.field or "", **extra),
    )


@login_required
@require_POST
def grade_save(request, number: int):
    actor = _preparer(request, f"môn học khối {number}")
    grade = policies.access_grade(actor, number)
    rows, typed = [], {}
    for subject_id in request.POST.getlist("subject"):
        sid = _int(subject_id)
        if sid is None:
            continue
        taught = request.POST.get(f"taught_{sid}") == "1"
        periods = nfc(request.POST.get(f"periods_{sid}"))
        midterm = request.POST.get(f"midterm_{sid}") == "1"
        rows.append(OfferingRow(sid, taught, periods, midterm))
        typed[sid] = {"taught": taught, "periods": periods, "midterm": midterm}
    return _attempt_on_grade(
        request,
        actor,
        number,
        lambda: actions.grade_catalogue_save(actor=actor, grade=grade, rows=rows),
        done=f"Đã lưu môn học khối {number}.",
        typed=typed,
        form="grade",
    )


@login_required
@require_POST
def programme_apply(request, number: int):
    actor = _preparer(request, "nạp môn học theo chương trình")
    grade = policies.access_grade(actor, number)
    codes = request.POST.getlist("codes") if request.POST.get("which") == "chosen" else None
    return _attempt_on_grade(
        request,
        actor,
        number,
        lambda: actions.programme_apply(actor=actor, level=grade.level, codes=codes),
        done=lambda created: f"Đã thêm {len(created)} môn học theo chương trình.",
        form="programme",
    )


@login_required
@require_POST
def subject_add(request, number: int):
    actor = _preparer(request, "thêm môn học")
    grade = policies.access_grade(actor, number)
    typed = {k: nfc(request.POST.get(k)) for k in ("code", "name", "assessment")}
    periods = {}
    for g in selectors.grades_of(actor.school):
        if g.level == grade.level:
            periods[g.number] = nfc(request.POST.get(f"periods_{g.number}"))
            typed[f"periods_{g.number}"] = periods[g.number]
    return _attempt_on_grade(
        request,
        actor,
        number,
        lambda: actions.subject_create(
            actor=actor,
            level=grade.level,
            code=typed["code"],
            name=typed["name"],
            assessment=typed["assessment"],
            periods=periods,
        ),
        done=lambda subject: f"Đã thêm môn {subject.name}.",
        own_v=typed,
        form="own",
    )


def _subject_context(subject, values: dict, back) -> dict:
    return {
        "subject": subject,
        "v": values,
        "assessments": Subject.Assessment.choices,
        "back": back,
    }


@login_required
def subject_edit(request, subject_id: int):
    actor = _reader(request, f"môn học #{subject_id}")
    subject = policies.access_subject(actor, subject_id)
    back = _int(request.GET.get("khoi") or request.POST.get("khoi"))
    if request.method != "POST":
        values = {"name": subject.name, "assessment": subject.assessment}
        return _page(request, "subject.html", _subject_context(subject, values, back))
    _preparer(request, f"sửa môn {subject.name}")
    values = {
        "name": nfc(request.POST.get("name")),
        "assessment": nfc(request.POST.get("assessment")),
    }
    return _attempt(
        request,
        lambda: actions.subject_update(
            actor=actor, subject=subject, name=values["name"], assessment=values["assessment"]
        ),
        done=f"Đã lưu môn {values['name']}.",
        then=_to_grade(back),
        template="subject.html",
        context=lambda exc: _subject_context(subject, values, back),
    )


@login_required
@require_POST
def subject_delete(request, subject_id: int):
    actor = _preparer(request, f"xóa môn #{subject_id}")
    subject = policies.access_subject(actor, subject_id)
    back = _int(request.POST.get("khoi"))
    values = {"name": subject.name, "assessment": subject.assessment}
    return _attempt(
        request,
        lambda: actions.subject_delete(actor=actor, subject=subject),
        done=f"Đã xóa môn {subject.name}.",
        then=_to_grade(back),
        template="subject.html",
        context=lambda exc: _subject_context(subject, values, back),
    )


# --- departments ------------------------------------------------------------------------------


def _departments_context(actor, **extra) -> dict:
    return {
        "departments": selectors.departments_of(actor),
        "staff": selectors.staff_choices(actor),
        "kinds": Department.Kind.choices,
        "add_v": {"kind": Department.Kind.SUBJECT},
        **extra,
    }


def _department_values(post) -> dict:
    return {k: nfc(post.get(k)) for k in ("name", "kind", "head", "deputy")}


def _department_fields(typed: dict) -> dict:
    """The action's keywords from the typed form."""
    return {
        "name": typed["name"],
        "kind": typed["kind"],
        "head_id": typed["head"],
        "deputy_id": typed["deputy"],
    }


@login_required
def departments(request):
    actor = _reader(request, "tổ chuyên môn")
    return _page(request, "departments.html", _departments_context(actor))


def _attempt_on_departments(request, actor, call, *, done, **extra):
    return _attempt(
        request,
        call,
        done=done,
        then=_url("departments"),
        template="departments.html",
        context=lambda exc: _departments_context(actor, **extra),
    )


@login_required
@require_POST
def department_add(request):
    actor = _preparer(request, "thêm tổ")
    typed = _department_values(request.POST)
    return _attempt_on_departments(
        request,
        actor,
        lambda: actions.department_create(actor=actor, **_department_fields(typed)),
        done=lambda department: f"Đã thêm {department.name}.",
        add_v=typed,
        form="add",
    )


@login_required
@require_POST
def department_update(request, department_id: int):
    actor = _preparer(request, f"sửa tổ #{department_id}")
    department = policies.access_department(actor, department_id)
    typed = _department_values(request.POST)
    return _attempt_on_departments(
        request,
        actor,
        lambda: actions.department_update(
            actor=actor, department=department, **_department_fields(typed)
        ),
        done=lambda row: f"Đã lưu {row.name}.",
        edit_id=department.pk,
        edit_v=typed,
        form="edit",
    )


@login_required
@require_POST
def department_delete(request, department_id: int):
    actor = _preparer(request, f"xóa tổ #{department_id}")
    department = policies.access_department(actor, department_id)
    return _attempt_on_departments(
        request,
        actor,
        lambda: actions.department_delete(actor=actor, department=department),
        done=f"Đã xóa {department.name}.",
        edit_id=department.pk,
        form="delete",
    )


# --- rule sets --------------------------------------------------------------------------------


def _ruleset_context(rows, *, sent=None, error_field="") -> dict:
    return {
        "rows": [
            {
                "row": r,
                "selected": (sent or {}).get(r.grade.number, r.chosen),
                "invalid": error_field == f"grade_{r.grade.number}",
            }
            for r in rows
        ]
    }


@login_required
def rulesets(request):
    actor = _reader(request, "bộ quy tắc đánh giá")
    rows = selectors.ruleset_rows(actor)
    if request.method != "POST":
        return _page(request, "rulesets.html", _ruleset_context(rows))
    _preparer(request, "chọn bộ quy tắc đánh giá")
    sent = {r.grade.number: nfc(request.POST.get(f"grade_{r.grade.number}")) for r in rows}
    sent = {n: c for n, c in sent.items() if c}
    return _attempt(
        request,
        lambda: actions.year_rulesets_set(actor=actor, choices=sent),
        done="Đã lưu bộ quy tắc đánh giá theo khối.",
        then=_url("rulesets"),
        template="rulesets.html",
        context=lambda exc: _ruleset_context(rows, sent=sent, error_field=exc.field or ""),
    )
