"""Doors of the assignment editor (Phân công chuyên môn). Thin: parse → access/require → action
or selector → render. The table edits one cell at a time with htmx (each change saved at once)
and, without JavaScript, the whole table with one form; both go through the same actions."""

from __future__ import annotations

import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from hoso.accounts.boundary import errors_return_to, return_on_error
from hoso.accounts.policies import log_denied, not_found
from hoso.core.errors import DomainError
from hoso.core.text import nfc
from hoso.organisation.assignments import actions, selectors
from hoso.organisation.assignments.errors import AssignmentError
from hoso.organisation.assignments.policies import (
    access_teacher,
    can_approve_assignments,
    can_manage_assignments,
    can_view_assignments,
)
from hoso.organisation.models import (
    AssignmentApproval,
    Department,
    SchoolClass,
    Staff,
    Subject,
    Term,
)
from hoso.organisation.policies import access_class

BOTH_TERMS = "ca-nam"
CELL_KEY = re.compile(r"^t-(\d+)-(\d+)$")
HOMEROOM_KEY = re.compile(r"^h-(\d+)$")


# --- parsing -----------------------------------------------------------------------------------


def _require_view(actor) -> None:
    if not can_view_assignments(actor):
        log_denied(actor, kind="forbidden", what="phân công chuyên môn")
        raise PermissionDenied("Bạn không có quyền xem bảng phân công chuyên môn.")


def _require_manage(actor) -> None:
    if not can_manage_assignments(actor):
        log_denied(actor, kind="forbidden", what="sửa phân công chuyên môn")
        raise PermissionDenied("Bạn không có quyền sửa phân công chuyên môn.")


def _int(value) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _date(raw: str | None) -> date | None:
    """An ISO date from a form, or None; ValueError when present and not a date."""
    raw = (raw or "").strip()
    if not raw:
        return None
    return date.fromisoformat(raw)


def _view_day(request, year, errors: list[str]) -> date:
    try:
        day = _date(request.GET.get("ngay") or request.POST.get("ngay"))
    except ValueError:
        errors.append("Ngày không hợp lệ: đang xem bảng của hôm nay.")
        day = None
    if day is not None and not year.start_date <= day <= year.end_date:
        errors.append(
            f"Ngày {day:%d/%m/%Y} nằm ngoài năm học {year.name}: đang xem bảng của hôm nay."
        )
        day = None
    return day or selectors.reference_day(year)


def _terms(request, year) -> tuple[list[Term], str]:
    terms = list(Term.objects.filter(year=year).order_by("number"))
    if not terms:
        raise Http404("Năm học chưa có học kỳ.")
    raw = request.GET.get("ky") or request.POST.get("ky") or ""
    if raw == BOTH_TERMS:
        return terms, BOTH_TERMS
    chosen = next((t for t in terms if str(t.pk) == raw), None)
    if chosen is None:
        today = selectors.reference_day(year)
        chosen = next((t for t in terms if t.start_date <= today <= t.end_date), terms[0])
    return [chosen], str(chosen.pk)


def _teacher(actor, raw) -> Staff | None:
    """A staff member of the actor's school chosen in a form (None: nobody). Unknown: 404."""
    if raw in (None, ""):
        return None
    found = Staff.objects.filter(pk=_int(raw) or 0, school=actor.school).first()
    if found is None:
        raise not_found(actor, f"cán bộ #{raw}")
    return found


def _class(actor, class_id) -> SchoolClass:
    found = (
        SchoolClass.objects.filter(pk=_int(class_id) or 0, year=actor.year)
        .select_related("year", "grade")
        .first()
    )
    if found is None:
        raise not_found(actor, f"lớp #{class_id}")
    return found


def _subject(actor, subject_id) -> Subject:
    found = Subject.objects.filter(pk=_int(subject_id) or 0, school=actor.school).first()
    if found is None:
        raise not_found(actor, f"môn #{subject_id}")
    return found


def _with_states(rows, day: date):
    """Mark each history row current / future / past on ``day`` (for the badges)."""
    for r in rows:
        if r.is_in_force(day):
            r.state = "current"
        elif r.starts_on and r.starts_on > day:
            r.state = "future"
        else:
            r.state = "past"
    return rows


def _options(groups: list[tuple[str, list[Staff]]]) -> str:
    """The ``<option>`` list of a teacher select: nobody, then each (label, teachers) group.
    Built once per subject for the table (a hundred and more selects of forty teachers)."""
    out = ['<option value="">— chưa phân công —</option>']
    for label, teachers in groups:
        if not teachers:
            continue
        out.append(f'<optgroup label="{escape(label)}">' if label else "<optgroup>")
        out += [f'<option value="{t.pk}">{escape(t.full_name)}</option>' for t in teachers]
        out.append("</optgroup>")
    return "".join(out)


def _selected(options: str, pk) -> str:
    """``options`` with ``pk`` selected (the page's HTML is built here, its names escaped)."""
    if pk:
        options = options.replace(f'<option value="{pk}">', f'<option value="{pk}" selected>', 1)
    return mark_safe(options)  # noqa: S308 - built by _options from escaped names


def _table_url(mode: str, day: date, grade=None) -> str:
    url = f"{reverse('organisation:assignments')}?ky={mode}&ngay={day.isoformat()}"
    return url + (f"&khoi={grade}" if grade else "")


# --- the table ---------------------------------------------------------------------------------


def _table_context(actor, *, terms, mode, day, grade, errors=(), cell_errors=None, chosen=None):
    year = actor.year
    table = selectors.assignment_table(year, terms=terms, day=day, grade=grade)
    approval = AssignmentApproval.objects.filter(year=year).select_related("approved_by").first()
    changed_since = approval is not None and approval.digest != actions.table_digest(year)[0]
    open_terms = [t for t in terms if t.end_date >= day]
    grades = sorted(
        set(SchoolClass.objects.filter(year=year).values_list("grade__number", flat=True))
    )
    cell_errors, chosen = cell_errors or {}, chosen or {}
    by_subject = {}
    for subject in table.subjects:
        first, others = table.options(subject)
        by_subject[subject.pk] = _options(
            [(f"Dạy {subject.name}", first), ("Giáo viên khác", others)]
        )
    busy = {r.homeroom.teacher_id for r in table.rows if r.homeroom is not None}
    homeroom_options = _options(
        [
            ("Chưa chủ nhiệm lớp nào", [t for t in table.teachers if t.pk not in busy]),
            ("Đang chủ nhiệm lớp khác", [t for t in table.teachers if t.pk in busy]),
        ]
    )
    for row in table.rows:
        key = str(row.school_class.pk)
        row.error = cell_errors.get(key, "")
        selected = chosen[key] if key in chosen else getattr(row.homeroom, "teacher_id", None)
        row.options = _selected(homeroom_options, selected)
        for c in row.cells:
            if c is not None:
                c.error = cell_errors.get(c.key, "")
                selected = chosen[c.key] if c.key in chosen else getattr(c.teacher, "pk", None)
                c.options = _selected(by_subject[c.subject.pk], selected)
    return {
        "weeks": selectors.WEEKS_PER_YEAR,
        "table": table,
        "mode": mode,
        "both": BOTH_TERMS,
        "day": day,
        "grade": grade,
        "grades": grades,
        "errors": list(errors),
        "can_edit": can_manage_assignments(actor),
        "can_approve": can_approve_assignments(actor),
        "approval": approval,
        "changed_since": changed_since,
        "closed_terms": [t for t in terms if t not in open_terms],
        "reason": "",
    }


@login_required
def table(request):
    """Bảng phân công chuyên môn: classes × subjects with the teacher of each cell on a day."""
    actor = request.actor
    _require_view(actor)
    errors: list[str] = []
    year = actor.year
    terms, mode = _terms(request, year)
    day = _view_day(request, year, errors)
    grade = _int(request.GET.get("khoi"))
    context = _table_context(actor, terms=terms, mode=mode, day=day, grade=grade, errors=errors)
    return render(request, "organisation/assignments/table.html", context)


def _edits_for_cell(actor, key: str, request, terms, day) -> list[actions.CellEdit]:
    """The edits one cell of the form asks for (teaching: one per open term shown)."""
    post = request.POST
    teacher = _teacher(actor, post.get(key))
    expected = (post.get(f"e{key[1:]}") or "").split(",")
    match = CELL_KEY.match(key)
    if match:
        school_class = _class(actor, match.group(1))
        subject = _subject(actor, match.group(2))
        edits = []
        for index, term in enumerate(terms):
            if term.end_date < day:
                continue  # a term over before the change stays with who taught it
            seen = expected[index] if index < len(expected) else ""
            edits.append(
                actions.CellEdit(
                    school_class=school_class,
                    teacher=teacher,
                    subject=subject,
                    term=term,
                    expected=seen or None,
                )
            )
        return edits
    school_class = _class(actor, HOMEROOM_KEY.match(key).group(1))
    return [
        actions.CellEdit(school_class=school_class, teacher=teacher, expected=expected[0] or None)
    ]


def _apply(actor, edits, *, day, reason):
    if not edits:
        raise DomainError(
            AssignmentError.NOTHING_TO_DO,
            "Các học kỳ đang xem đã kết thúc trước ngày này: không đổi phân công của học kỳ đã qua.",
        )
    return actions.assignments_apply(actor=actor, edits=edits, starts_on=day, reason=reason)


def _table_post(request):
    """What every post of the table carries: (actor, terms, mode, day, grade, reason)."""
    actor = request.actor
    _require_manage(actor)
    terms, mode = _terms(request, actor.year)
    errors: list[str] = []
    day = _view_day(request, actor.year, errors)
    if errors:  # never apply a change from another day than the one the page showed
        raise BadRequest(errors[0])
    return actor, terms, mode, day, _int(request.POST.get("khoi")), request.POST.get("ly_do", "")


@login_required
@require_POST
def cell_save(request):
    """Save one cell of the table (htmx: answers the cell again, and the load table)."""
    actor, terms, mode, day, grade, reason = _table_post(request)
    keys = [k for k in request.POST if CELL_KEY.match(k) or HOMEROOM_KEY.match(k)]
    if len(keys) != 1:
        raise Http404("Không tìm thấy.")
    key = keys[0]
    cell_errors = {}
    try:
        _apply(actor, _edits_for_cell(actor, key, request, terms, day), day=day, reason=reason)
    except DomainError as exc:
        cell_errors[key[2:]] = exc.message
    if not request.htmx:
        if cell_errors:
            messages.error(request, next(iter(cell_errors.values())))
        else:
            messages.success(request, "Đã lưu phân công.")
        return redirect(_table_url(mode, day, grade))
    context = _table_context(
        actor,
        terms=terms,
        mode=mode,
        day=day,
        grade=grade,
        cell_errors=cell_errors,
        chosen={key[2:]: _int(request.POST.get(key))} if cell_errors else {},
    )
    context["saved"] = not cell_errors
    context["reason"] = nfc(reason)
    class_id = int(key[2:].split("-")[0])
    row = next((r for r in context["table"].rows if r.school_class.pk == class_id), None)
    if row is None:
        raise Http404("Không tìm thấy.")
    context["row"] = row
    if key.startswith("t-"):
        subject_id = int(key[2:].split("-")[1])
        context["cell"] = next(
            (c for c in row.cells if c is not None and c.subject.pk == subject_id), None
        )
        if context["cell"] is None:
            raise Http404("Không tìm thấy.")
    return render(request, "organisation/assignments/_cell_response.html", context)


@login_required
@require_POST
def table_save(request):
    """The whole table in one form (without JavaScript): every changed cell, all or nothing."""
    actor, terms, mode, day, grade, reason = _table_post(request)
    edits, keys = [], []
    for key in request.POST:
        if not (CELL_KEY.match(key) or HOMEROOM_KEY.match(key)):
            continue
        if (request.POST.get(key) or "") == (request.POST.get(f"c{key[1:]}") or ""):
            continue  # unchanged
        for edit in _edits_for_cell(actor, key, request, terms, day):
            edits.append(edit)
            keys.append(key)
    if not edits:
        messages.info(request, "Không có ô nào thay đổi.")
        return redirect(_table_url(mode, day, grade))
    try:
        changes = actions.assignments_apply(actor=actor, edits=edits, starts_on=day, reason=reason)
    except actions.BatchError as exc:
        cell_errors = {keys[i][2:]: e.message for i, e in exc.errors}
        chosen = {k[2:]: _int(request.POST.get(k)) for k in set(keys)}
        context = _table_context(
            actor,
            terms=terms,
            mode=mode,
            day=day,
            grade=grade,
            errors=[exc.message],
            cell_errors=cell_errors,
            chosen=chosen,
        )
        context["reason"] = nfc(reason)
        return render(request, "organisation/assignments/table.html", context, status=400)
    messages.success(request, f"Đã lưu {len(changes)} thay đổi phân công.")
    return redirect(_table_url(mode, day, grade))


@login_required
@require_POST
def copy_term(request):
    """Sao chép phân công học kỳ I sang học kỳ II (cells of term II never assigned)."""
    actor = request.actor
    _require_manage(actor)
    terms = list(Term.objects.filter(year=actor.year).order_by("number"))
    if len(terms) < 2:
        raise Http404("Năm học chưa có hai học kỳ.")
    back = f"{reverse('organisation:assignments')}?ky={terms[1].pk}"
    return_on_error(request, back, refusals=True)
    changes = actions.assignments_copy_term(
        actor=actor, year=actor.year, source=terms[0], target=terms[1]
    )
    messages.success(request, f"Đã sao chép {len(changes)} ô sang {terms[1]}.")
    return redirect(back)


@login_required
@require_POST
@errors_return_to("organisation:assignments")
def approve(request):
    """Hiệu trưởng duyệt bảng phân công chuyên môn (a refusal: 403, logged by the boundary)."""
    actor = request.actor
    actions.assignment_table_approve(
        actor=actor, year=actor.year, note=request.POST.get("ghi_chu", "")
    )
    messages.success(request, "Đã duyệt bảng phân công chuyên môn.")
    return redirect("organisation:assignments")


# --- one cell, one homeroom, one teacher: history and "replace from a date" ---------------------


def _period(values: dict, errors: dict) -> tuple[date | None, date | None]:
    """The form's "from" (required) and "until" (optional) dates; errors by field."""
    starts_on = ends_on = None
    try:
        starts_on = _date(values["starts_on"])
    except ValueError:
        errors["starts_on"] = "Ngày không hợp lệ."
    if starts_on is None and "starts_on" not in errors:
        errors["starts_on"] = "Hãy chọn ngày bắt đầu có hiệu lực."
    try:
        ends_on = _date(values["ends_on"])
    except ValueError:
        errors["ends_on"] = "Ngày không hợp lệ."
    return starts_on, ends_on


def _period_change(request, actor, apply):
    """The history pages' form "from a date (until a date), this teacher, because": on GET the
    empty form; on POST ``apply(teacher=, starts_on=, ends_on=, reason=)`` (an action), then a
    redirect, or the form again with what was typed and the errors by field.
    Returns (response or None, values, errors, status)."""
    values = {"starts_on": selectors.reference_day(actor.year).isoformat()}
    errors: dict[str, str] = {}
    if request.method != "POST":
        return None, values, errors, 200
    _require_manage(actor)
    post = request.POST
    values = {k: nfc(post.get(k, "")) for k in ("teacher", "starts_on", "ends_on", "reason")}
    starts_on, ends_on = _period(values, errors)
    teacher = _teacher(actor, values["teacher"])
    if not errors:
        try:
            change = apply(
                teacher=teacher, starts_on=starts_on, ends_on=ends_on, reason=values["reason"]
            )
            messages.success(
                request, "Đã lưu thay đổi." if change.changed else "Không có gì thay đổi."
            )
            return redirect(request.path), values, errors, 302
        except DomainError as exc:
            _form_error(errors, exc)
    return None, values, errors, 400


FORM_FIELDS = {"teacher", "replacement", "starts_on", "ends_on", "reason"}


def _form_error(errors: dict, exc: DomainError) -> None:
    """Show an action's error beside its field, or above the form for the others."""
    errors[exc.field if exc.field in FORM_FIELDS else "form"] = exc.message


def _cell_terms(actor, term_id) -> Term:
    term = Term.objects.filter(pk=_int(term_id) or 0, year=actor.year).first()
    if term is None:
        raise not_found(actor, f"học kỳ #{term_id}")
    return term


@login_required
def cell(request, class_id: int, subject_id: int, term_id: int):
    """Lịch sử phân công of one grade-book column, and "thay giáo viên từ ngày"."""
    actor = request.actor
    _require_view(actor)
    school_class = access_class(actor, class_id)
    subject = _subject(actor, subject_id)
    term = _cell_terms(actor, term_id)
    response, values, errors, status = _period_change(
        request,
        actor,
        lambda **period: actions.assignment_set(
            actor=actor, school_class=school_class, subject=subject, term=term, **period
        ),
    )
    if response is not None:
        return response
    day = selectors.reference_day(actor.year)
    return render(
        request,
        "organisation/assignments/cell.html",
        {
            "school_class": school_class,
            "subject": subject,
            "term": term,
            "rows": _with_states(
                selectors.cell_history(school_class=school_class, subject=subject, term=term),
                day,
            ),
            "current": selectors.teacher_of(
                school_class=school_class, subject=subject, term=term, on=day
            ),
            "day": day,
            "options": _teacher_options(actor, _int(values.get("teacher")), subject),
            "values": values,
            "errors": errors,
            "can_edit": can_manage_assignments(actor),
        },
        status=status,
    )


def _teacher_options(actor, selected, subject=None) -> str:
    """The options of a form's teacher select; for a subject, those who teach it first."""
    teachers = selectors.assignable_teachers(actor.year)
    if subject is None:
        return _selected(_options([("", teachers)]), selected)
    first = selectors.subject_teachers(actor.year, [subject], teachers)[subject.pk]
    groups = [
        (f"Dạy {subject.name}", [t for t in teachers if t.pk in first]),
        ("Giáo viên khác", [t for t in teachers if t.pk not in first]),
    ]
    return _selected(_options(groups), selected)


@login_required
def homeroom(request, class_id: int):
    """Lịch sử giáo viên chủ nhiệm of a class, and a new homeroom teacher from a date."""
    actor = request.actor
    _require_view(actor)
    school_class = access_class(actor, class_id)
    response, values, errors, status = _period_change(
        request,
        actor,
        lambda **period: actions.homeroom_set(actor=actor, school_class=school_class, **period),
    )
    if response is not None:
        return response
    return render(
        request,
        "organisation/assignments/homeroom.html",
        {
            "school_class": school_class,
            "rows": _with_states(
                selectors.homeroom_history(school_class), selectors.reference_day(actor.year)
            ),
            "current": selectors.homeroom_teacher_of(school_class),
            "options": _teacher_options(actor, _int(values.get("teacher"))),
            "values": values,
            "errors": errors,
            "can_edit": can_manage_assignments(actor),
        },
        status=status,
    )


@login_required
def teacher(request, staff_id: int):
    """One person's assignments of the year: history and load."""
    actor = request.actor
    staff = access_teacher(actor, staff_id)
    teaching, homerooms = selectors.teacher_history(staff, actor.year)
    day = selectors.reference_day(actor.year)
    terms = list(Term.objects.filter(year=actor.year).order_by("number"))
    load = None
    if terms:
        table = selectors.assignment_table(actor.year, terms=terms[:1], day=day)
        load = next((x for x in table.load if x.teacher.pk == staff.pk), None)
    return render(
        request,
        "organisation/assignments/teacher.html",
        {
            "staff": staff,
            "teaching": _with_states(teaching, day),
            "homerooms": _with_states(homerooms, day),
            "day": day,
            "load": load,
            "can_edit": can_manage_assignments(actor),
            "can_view_table": can_view_assignments(actor),
        },
    )


@login_required
def replace(request):
    """Thay giáo viên từ ngày: a teacher's cells (those ticked) go to another from a date,
    for good or until a date (a temporary replacement, after which the teacher resumes)."""
    actor = request.actor
    _require_manage(actor)
    year = actor.year
    source = request.POST.get("teacher") or request.GET.get("giao-vien") or ""
    day = selectors.reference_day(year)
    values = {
        "teacher": source,
        "replacement": request.POST.get("replacement", ""),
        "starts_on": request.POST.get("starts_on", day.isoformat()),
        "ends_on": request.POST.get("ends_on", ""),
        "reason": nfc(request.POST.get("reason", "")),
    }
    errors: dict[str, str] = {}
    teacher_obj = _teacher(actor, source) if source else None
    rows = []
    if teacher_obj is not None:
        teaching, homerooms = selectors.teacher_history(teacher_obj, year)
        rows = [r for r in teaching if r.ends_on is None or r.ends_on >= day]
        for r in rows:
            r.key = f"{r.school_class_id}-{r.subject_id}-{r.term_id}"
            r.term_over = r.term.end_date < day  # not ticked unless asked: the term is over
        homerooms = [h for h in homerooms if h.ends_on is None or h.ends_on >= day]
    else:
        homerooms = []
    ticked = set(request.POST.getlist("cell")) | (
        {"homeroom"} if "homeroom" in request.POST else set()
    )
    status = 200
    if request.method == "POST" and request.POST.get("apply"):
        starts_on, ends_on = _period(values, errors)
        replacement = _teacher(actor, values["replacement"])
        if replacement is None:
            errors["replacement"] = "Hãy chọn giáo viên dạy thay."
        if teacher_obj is None:
            errors["teacher"] = "Hãy chọn giáo viên được thay."
        cells = [
            tuple(int(x) for x in c.split("-")) for c in ticked if re.fullmatch(r"\d+-\d+-\d+", c)
        ]
        if not cells and "homeroom" not in request.POST:
            errors["form"] = "Hãy chọn ít nhất một lớp (hoặc lớp chủ nhiệm) cần thay."
        if not errors:
            try:
                changes = actions.teacher_replace(
                    actor=actor,
                    teacher=teacher_obj,
                    replacement=replacement,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    reason=values["reason"],
                    year=year,
                    cells=cells,
                    include_homeroom="homeroom" in request.POST,
                )
                messages.success(
                    request,
                    f"Đã chuyển {len(changes)} phân công của {teacher_obj.full_name} "
                    f"cho {replacement.full_name}.",
                )
                return redirect("organisation:assignment_teacher", staff_id=teacher_obj.pk)
            except DomainError as exc:
                _form_error(errors, exc)
        status = 400
    return render(
        request,
        "organisation/assignments/replace.html",
        {
            "teachers": selectors.assignable_teachers(year),
            "teacher": teacher_obj,
            "rows": rows,
            "homerooms": homerooms,
            "ticked": ticked if request.method == "POST" else None,
            "values": values,
            "errors": errors,
        },
        status=status,
    )


@login_required
@errors_return_to("organisation:assignment_departments", refusals=True)
def departments(request):
    """Tổ chuyên môn: which department each teacher belongs to."""
    actor = request.actor
    _require_view(actor)
    can_edit = can_manage_assignments(actor)
    all_departments = list(Department.objects.filter(school=actor.school).order_by("kind", "name"))
    staff = list(
        Staff.objects.filter(school=actor.school, is_active=True)
        .select_related("department")
        .order_by("sort_name")
    )
    if request.method == "POST":
        _require_manage(actor)
        person = _teacher(actor, request.POST.get("staff"))
        raw = request.POST.get("department", "")
        department = next((d for d in all_departments if str(d.pk) == raw), None)
        if person is None or (raw and department is None):
            raise not_found(actor, f"tổ #{raw}")
        actions.staff_department_set(actor=actor, staff=person, department=department)
        messages.success(
            request,
            f"{person.full_name}: "
            + (f"thuộc {department.name}." if department else "không thuộc tổ nào."),
        )
        return redirect("organisation:assignment_departments")
    return render(
        request,
        "organisation/assignments/departments.html",
        {"staff": staff, "departments": all_departments, "can_edit": can_edit},
    )
