"""The set-up pages ("Thiết lập trường"). Thin: parse → policy/access → action/selector → render.
A refused change shows the page again with what was typed and the message (status 400)."""

from __future__ import annotations

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


def _page(request, template: str, context: dict, *, step: str, error: DomainError | None = None):
    actor = request.actor
    context = {
        "steps_nav": STEPS_NAV,
        "step": step,
        "can_prepare": policies.can_prepare(actor),
        "year": actor.year,
        **context,
    }
    if error is not None:
        context.update(error=error.message, error_code=error.code, field=error.field or "")
    return render(request, template, context, status=400 if error is not None else 200)


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


# --- checklist and confirmation ---------------------------------------------------------------


@login_required
def index(request):
    actor = _reader(request, "tổng quan")
    return _page(request, "organisation/setup/index.html", _index_context(actor), step="index")


def _index_context(actor) -> dict:
    return {"checklist": selectors.checklist(actor), "can_confirm": policies.can_confirm(actor)}


@login_required
@require_POST
def confirm(request):
    actor = request.actor
    try:
        year = actions.year_confirm(actor=actor)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        return _page(
            request, "organisation/setup/index.html", _index_context(actor), step="index", error=exc
        )
    messages.success(request, f"Đã xác nhận thiết lập năm học {year.name}.")
    return redirect("organisation:setup:index")


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
    if request.method == "POST":
        _preparer(request, "sửa thông tin trường")
        values = {f: nfc(request.POST.get(f)) for f in selectors.PROFILE_FIELDS if f != "levels"}
        values["levels"] = request.POST.getlist("levels")
        try:
            actions.school_profile_update(actor=actor, values=values)
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            return _page(
                request,
                "organisation/setup/school.html",
                _school_context(values),
                step="school",
                error=exc,
            )
        messages.success(request, "Đã lưu thông tin trường.")
        return redirect("organisation:setup:index")
    values = selectors.profile_of(actor.school)
    return _page(request, "organisation/setup/school.html", _school_context(values), step="school")


# --- school years -----------------------------------------------------------------------------


def _year_context(actor, values: dict) -> dict:
    context = {"v": values, "years": selectors.years_of(actor), "labels": forms.CALENDAR_FIELDS}
    if actor.year is not None:
        context["calendar"] = selectors.year_calendar(actor.year)
    return context


@login_required
def year(request):
    actor = _reader(request, "năm học")
    if actor.year is None:
        return redirect("organisation:setup:year_new")
    if request.method == "POST":
        _preparer(request, "sửa lịch năm học")
        values = forms.calendar_values(request.POST)
        try:
            actions.year_calendar_update(actor=actor, plan=forms.calendar_from(values))
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            return _page(
                request,
                "organisation/setup/year.html",
                _year_context(actor, values) | {"holiday_v": {}},
                step="year",
                error=exc,
            )
        messages.success(request, f"Đã lưu lịch năm học {values['name']}.")
        return redirect("organisation:setup:year")
    y = actor.year
    terms = {t.number: t for t in y.terms.all()}
    values = {
        "name": y.name,
        "start_date": y.start_date.isoformat(),
        "end_date": y.end_date.isoformat(),
    }
    for n in (1, 2):
        term = terms.get(n)
        values[f"term{n}_start"] = term.start_date.isoformat() if term else ""
        values[f"term{n}_end"] = term.end_date.isoformat() if term else ""
    points = {c.kind: c.date for c in y.checkpoints.all()}
    for kind in cal.CHECKPOINT_LABELS:
        values[kind] = points[kind].isoformat() if kind in points else ""
    return _page(
        request,
        "organisation/setup/year.html",
        _year_context(actor, values) | {"holiday_v": {}},
        step="year",
    )


def _proposal_start_year(request) -> int:
    wanted = _int(request.GET.get("nam"))
    if wanted and 2000 <= wanted <= 2100:
        return wanted
    return cal.proposed_start_year(clock.today())


@login_required
def year_new(request):
    actor = _reader(request, "tạo năm học")
    if request.method == "POST":
        policies.require_create_year(actor)
        values = forms.calendar_values(request.POST)
        rows = forms.holiday_rows(request.POST)
        if request.POST.get("propose"):
            # "Đề xuất lại": the Ministry's usual calendar for the year typed in the name.
            try:
                plan = cal.proposed_calendar(cal.start_year_of(values["name"]))
            except DomainError as exc:
                context = {"v": values, "holiday_rows": rows, "labels": forms.CALENDAR_FIELDS}
                return _page(
                    request, "organisation/setup/year_new.html", context, step="year", error=exc
                )
            context = {
                "v": forms.calendar_values_of(plan),
                "holiday_rows": forms.holiday_rows_of(plan.holidays),
                "labels": forms.CALENDAR_FIELDS,
            }
            return _page(request, "organisation/setup/year_new.html", context, step="year")
        try:
            plan = forms.calendar_from(values, forms.holidays_from(rows))
            created = actions.year_create(actor=actor, plan=plan)
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            context = {"v": values, "holiday_rows": rows, "labels": forms.CALENDAR_FIELDS}
            return _page(
                request, "organisation/setup/year_new.html", context, step="year", error=exc
            )
        request.session[SESSION_YEAR] = created.pk
        messages.success(
            request,
            f"Đã tạo năm học {created.name}; các trang thiết lập đang làm việc với năm này.",
        )
        return redirect("organisation:setup:year")
    plan = cal.proposed_calendar(_proposal_start_year(request))
    context = {
        "v": forms.calendar_values_of(plan),
        "holiday_rows": forms.holiday_rows_of(plan.holidays),
        "labels": forms.CALENDAR_FIELDS,
    }
    return _page(request, "organisation/setup/year_new.html", context, step="year")


@login_required
@require_POST
def holiday_add(request):
    actor = _preparer(request, "thêm ngày nghỉ")
    holiday_v = {
        "name": nfc(request.POST.get("holiday_name")),
        "start": nfc(request.POST.get("holiday_start")),
        "end": nfc(request.POST.get("holiday_end")),
    }
    try:
        start = forms.parse_date(
            holiday_v["start"], label="ngày bắt đầu nghỉ", field="holiday_start"
        )
        end = forms.parse_date(
            holiday_v["end"] or holiday_v["start"], label="ngày kết thúc nghỉ", field="holiday_end"
        )
        actions.holiday_add(actor=actor, name=holiday_v["name"], start=start, end=end)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        y = actor.year
        values = {"name": y.name} if y else {}
        return _page(
            request,
            "organisation/setup/year.html",
            _year_context(actor, values)
            | {"holiday_v": holiday_v, "form": "holiday", "keep_saved": True},
            step="year",
            error=exc,
        )
    messages.success(request, f"Đã thêm ngày nghỉ “{holiday_v['name']}”.")
    return redirect("organisation:setup:year")


@login_required
@require_POST
def holiday_remove(request, holiday_id: int):
    actor = _preparer(request, "xóa ngày nghỉ")
    holiday = policies.access_holiday(actor, holiday_id)
    try:
        actions.holiday_remove(actor=actor, holiday=holiday)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã xóa ngày nghỉ “{holiday.name}”.")
    return redirect("organisation:setup:year")


# --- classes ----------------------------------------------------------------------------------


def _classes_context(actor, **extra) -> dict:
    return {"grades": selectors.classes_by_grade(actor), "add_v": {}, **extra}


@login_required
def classes(request):
    actor = _reader(request, "khối và lớp")
    return _page(
        request, "organisation/setup/classes.html", _classes_context(actor), step="classes"
    )


@login_required
@require_POST
def classes_add(request):
    actor = _preparer(request, "thêm lớp")
    mode = request.POST.get("mode", "names")
    add_v = {
        k: nfc(request.POST.get(k))
        for k in ("grade", "names", "prefix", "first", "count", "sessions_per_day")
    }
    add_v["mode"] = mode
    # One class name a line: split before normalising (nfc() folds line breaks into spaces).
    add_v["names"] = (request.POST.get("names") or "").strip()
    try:
        grade = _int(add_v["grade"])
        if mode == "series":
            first = forms.parse_int(
                add_v["first"] or "1", label="số bắt đầu", field="first", low=1, high=99
            )
            count = forms.parse_int(
                add_v["count"],
                label="số lớp",
                field="count",
                low=1,
                high=actions.MAX_CLASSES_AT_ONCE,
            )
            names = forms.series_names(add_v["prefix"], first, count)
        else:
            names = forms.typed_names(add_v["names"])
        created = actions.classes_add(
            actor=actor, grade_number=grade, names=names, sessions_per_day=add_v["sessions_per_day"]
        )
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        return _page(
            request,
            "organisation/setup/classes.html",
            _classes_context(actor, add_v=add_v, form=f"add-{mode}"),
            step="classes",
            error=exc,
        )
    messages.success(request, "Đã thêm lớp " + ", ".join(c.name for c in created) + ".")
    return redirect("organisation:setup:classes")


@login_required
@require_POST
def class_update(request, class_id: int):
    actor = _preparer(request, f"sửa lớp #{class_id}")
    school_class = policies.access_class(actor, class_id)
    edit_v = {
        "name": nfc(request.POST.get("name")),
        "sessions_per_day": nfc(request.POST.get("sessions_per_day")),
    }
    try:
        row = actions.class_update(
            actor=actor,
            school_class=school_class,
            name=edit_v["name"],
            sessions_per_day=edit_v["sessions_per_day"],
        )
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        return _page(
            request,
            "organisation/setup/classes.html",
            _classes_context(actor, edit_id=school_class.pk, edit_v=edit_v, form="edit"),
            step="classes",
            error=exc,
        )
    messages.success(request, f"Đã lưu lớp {row.name}.")
    return redirect("organisation:setup:classes")


@login_required
@require_POST
def class_delete(request, class_id: int):
    actor = _preparer(request, f"xóa lớp #{class_id}")
    school_class = policies.access_class(actor, class_id)
    try:
        actions.class_delete(actor=actor, school_class=school_class)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        return _page(
            request,
            "organisation/setup/classes.html",
            _classes_context(actor, edit_id=school_class.pk, form="delete"),
            step="classes",
            error=exc,
        )
    messages.success(request, f"Đã xóa lớp {school_class.name}.")
    return redirect("organisation:setup:classes")


# --- subjects ---------------------------------------------------------------------------------


def _chosen_grade(actor, value):
    grades = selectors.grades_of(actor.school)
    number = _int(value)
    return grades, next((g for g in grades if g.number == number), grades[0] if grades else None)


def _subjects_context(actor, grade_value, *, typed=None, own_v=None, error_field="", **extra):
    """The grade's page; ``typed``: the grade form as sent ({subject id: values}) after an
    error, shown instead of what is stored."""
    grades, grade = _chosen_grade(actor, grade_value)
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
    context = _subjects_context(actor, request.GET.get("khoi"))
    return _page(request, "organisation/setup/subjects.html", context, step="subjects")


def _subjects_error(request, actor, grade_number, exc, **extra):
    context = _subjects_context(actor, grade_number, error_field=exc.field or "", **extra)
    return _page(request, "organisation/setup/subjects.html", context, step="subjects", error=exc)


def _to_grade(number) -> str:
    return f"{reverse('organisation:setup:subjects')}?khoi={number}"


@login_required
@require_POST
def grade_save(request, number: int):
    actor = _preparer(request, f"môn học khối {number}")
    grade = policies.access_grade(actor, number)
    rows, rows_v = [], {}
    for subject_id in request.POST.getlist("subject"):
        sid = _int(subject_id)
        if sid is None:
            continue
        taught = request.POST.get(f"taught_{sid}") == "1"
        periods = nfc(request.POST.get(f"periods_{sid}"))
        midterm = request.POST.get(f"midterm_{sid}") == "1"
        rows.append(OfferingRow(sid, taught, periods, midterm))
        rows_v[sid] = {"taught": taught, "periods": periods, "midterm": midterm}
    try:
        actions.grade_catalogue_save(actor=actor, grade=grade, rows=rows)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        return _subjects_error(request, actor, number, exc, typed=rows_v, form="grade")
    messages.success(request, f"Đã lưu môn học khối {number}.")
    return redirect(_to_grade(number))


@login_required
@require_POST
def programme_apply(request, number: int):
    actor = _preparer(request, "nạp môn học theo chương trình")
    grade = policies.access_grade(actor, number)
    codes = request.POST.getlist("codes") if request.POST.get("which") == "chosen" else None
    try:
        created = actions.programme_apply(actor=actor, level=grade.level, codes=codes)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        return _subjects_error(request, actor, number, exc, form="programme")
    messages.success(request, f"Đã thêm {len(created)} môn học theo chương trình.")
    return redirect(_to_grade(number))


@login_required
@require_POST
def subject_add(request, number: int):
    actor = _preparer(request, "thêm môn học")
    grade = policies.access_grade(actor, number)
    own_v = {k: nfc(request.POST.get(k)) for k in ("code", "name", "assessment")}
    periods = {}
    for g in selectors.grades_of(actor.school):
        if g.level == grade.level:
            own_v[f"periods_{g.number}"] = periods[g.number] = nfc(
                request.POST.get(f"periods_{g.number}")
            )
    try:
        subject = actions.subject_create(
            actor=actor,
            level=grade.level,
            code=own_v["code"],
            name=own_v["name"],
            assessment=own_v["assessment"],
            periods=periods,
        )
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        return _subjects_error(request, actor, number, exc, own_v=own_v, form="own")
    messages.success(request, f"Đã thêm môn {subject.name}.")
    return redirect(_to_grade(number))


@login_required
def subject_edit(request, subject_id: int):
    actor = _reader(request, f"môn học #{subject_id}")
    subject = policies.access_subject(actor, subject_id)
    back = _int(request.GET.get("khoi") or request.POST.get("khoi"))
    values = {"name": subject.name, "assessment": subject.assessment}
    if request.method == "POST":
        _preparer(request, f"sửa môn {subject.name}")
        values = {
            "name": nfc(request.POST.get("name")),
            "assessment": nfc(request.POST.get("assessment")),
        }
        try:
            actions.subject_update(
                actor=actor, subject=subject, name=values["name"], assessment=values["assessment"]
            )
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            context = {
                "subject": subject,
                "v": values,
                "assessments": Subject.Assessment.choices,
                "back": back,
            }
            return _page(
                request, "organisation/setup/subject.html", context, step="subjects", error=exc
            )
        messages.success(request, f"Đã lưu môn {values['name']}.")
        return redirect(_to_grade(back) if back else "organisation:setup:subjects")
    context = {
        "subject": subject,
        "v": values,
        "assessments": Subject.Assessment.choices,
        "back": back,
    }
    return _page(request, "organisation/setup/subject.html", context, step="subjects")


@login_required
@require_POST
def subject_delete(request, subject_id: int):
    actor = _preparer(request, f"xóa môn #{subject_id}")
    subject = policies.access_subject(actor, subject_id)
    back = _int(request.POST.get("khoi"))
    try:
        actions.subject_delete(actor=actor, subject=subject)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        values = {"name": subject.name, "assessment": subject.assessment}
        context = {
            "subject": subject,
            "v": values,
            "assessments": Subject.Assessment.choices,
            "back": back,
        }
        return _page(
            request, "organisation/setup/subject.html", context, step="subjects", error=exc
        )
    messages.success(request, f"Đã xóa môn {subject.name}.")
    return redirect(_to_grade(back) if back else "organisation:setup:subjects")


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


@login_required
def departments(request):
    actor = _reader(request, "tổ chuyên môn")
    return _page(
        request,
        "organisation/setup/departments.html",
        _departments_context(actor),
        step="departments",
    )


@login_required
@require_POST
def department_add(request):
    actor = _preparer(request, "thêm tổ")
    add_v = _department_values(request.POST)
    try:
        department = actions.department_create(
            actor=actor,
            name=add_v["name"],
            kind=add_v["kind"],
            head_id=add_v["head"],
            deputy_id=add_v["deputy"],
        )
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        context = _departments_context(actor, add_v=add_v, form="add")
        return _page(
            request, "organisation/setup/departments.html", context, step="departments", error=exc
        )
    messages.success(request, f"Đã thêm {department.name}.")
    return redirect("organisation:setup:departments")


@login_required
@require_POST
def department_update(request, department_id: int):
    actor = _preparer(request, f"sửa tổ #{department_id}")
    department = policies.access_department(actor, department_id)
    edit_v = _department_values(request.POST)
    try:
        row = actions.department_update(
            actor=actor,
            department=department,
            name=edit_v["name"],
            kind=edit_v["kind"],
            head_id=edit_v["head"],
            deputy_id=edit_v["deputy"],
        )
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        context = _departments_context(actor, edit_id=department.pk, edit_v=edit_v, form="edit")
        return _page(
            request, "organisation/setup/departments.html", context, step="departments", error=exc
        )
    messages.success(request, f"Đã lưu {row.name}.")
    return redirect("organisation:setup:departments")


@login_required
@require_POST
def department_delete(request, department_id: int):
    actor = _preparer(request, f"xóa tổ #{department_id}")
    department = policies.access_department(actor, department_id)
    try:
        actions.department_delete(actor=actor, department=department)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        context = _departments_context(actor, edit_id=department.pk, form="delete")
        return _page(
            request, "organisation/setup/departments.html", context, step="departments", error=exc
        )
    messages.success(request, f"Đã xóa {department.name}.")
    return redirect("organisation:setup:departments")


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
    if request.method == "POST":
        _preparer(request, "chọn bộ quy tắc đánh giá")
        sent = {r.grade.number: nfc(request.POST.get(f"grade_{r.grade.number}")) for r in rows}
        sent = {n: c for n, c in sent.items() if c}
        try:
            actions.year_rulesets_set(actor=actor, choices=sent)
        except PermissionDeniedError:
            raise
        except DomainError as exc:
            context = _ruleset_context(rows, sent=sent, error_field=exc.field or "")
            return _page(
                request, "organisation/setup/rulesets.html", context, step="rulesets", error=exc
            )
        messages.success(request, "Đã lưu bộ quy tắc đánh giá theo khối.")
        return redirect("organisation:setup:rulesets")
    return _page(
        request, "organisation/setup/rulesets.html", _ruleset_context(rows), step="rulesets"
    )
