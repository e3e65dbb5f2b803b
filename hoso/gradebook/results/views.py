"""Pages of the results area: class results per period (with the rule set's explanations), the
homeroom teacher's inputs, confirmations and approvals, the principal's lists, sign-off of sheets
and classes, subject comments and the comment bank. Thin: parse → access → action/selector →
render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hoso.accounts.boundary import errors_return_to, return_on_error
from hoso.accounts.policies import log_denied, not_found
from hoso.accounts.roles import Role
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.http import back_url, redirect_back
from hoso.core.text import in_sentence
from hoso.gradebook.comments import actions as comments_mod
from hoso.gradebook.entry.policies import GRADEBOOK_READERS
from hoso.gradebook.results import actions as results_actions
from hoso.gradebook.results.absences import ABSENCE_FIELDS, from_attendance, pk_split
from hoso.gradebook.results.compute import (
    CHECKPOINT_LABELS,
    DECISION_LABELS,
    FINAL,
    LEVEL_LABELS,
    LIST_KEYS,
    OVERALL_LABELS,
    PERIOD_LABELS,
    QUALITIES_MISSING,
    TERM1,
    TERM2,
    TRAIT_CHECKPOINTS,
    TRAIT_CODES,
    TRAIT_KINDS,
    TRAIT_LEVEL_LABELS,
    TRAIT_LEVEL_SHORT,
    TRAIT_NAMES,
    YEAR,
    available_periods,
    class_results,
    class_rules,
    class_ruleset,
    is_homeroom_of,
    offerings_by_grade,
    period_in_progress,
    period_label,
    periods_for,
    results_outdated,
    school_lists,
    subject_cell,
    title_label,
)
from hoso.gradebook.results.forms import (
    TRAINING_CHOICES,
    TRAIT_CHOICES,
    HomeroomInputsForm,
    HomeroomRowForm,
    trait_name,
)
from hoso.gradebook.results.models import ClassResult, HomeroomInput, StudentResult
from hoso.gradebook.results.policies import access_results_class, can_approve_results
from hoso.gradebook.signoff.actions import CHANGED, class_signoff, class_signoff_status, my_sheets
from hoso.organisation.assignments.selectors import reference_day, teaching_on
from hoso.organisation.models import Subject
from hoso.organisation.policies import visible_classes
from hoso.students.models import Enrolment


def _forbidden(actor, what: str) -> None:
    log_denied(actor, kind="forbidden", what=what)


# ------------------------------------------------------------------------------ index


@login_required
def index(request):
    """Kết quả: the homeroom class, the teacher's sheets to confirm, and for readers every class."""
    actor = request.actor
    classes = list(visible_classes(actor).select_related("year").order_by("grade__number", "name"))
    if actor.has(*GRADEBOOK_READERS):
        readable = classes
    else:
        taught_by_department = set(
            teaching_on(reference_day(actor.year))
            .filter(
                school_class__in=[c.pk for c in classes],
                teacher__department_id__in=actor.department_ids,
            )
            .values_list("school_class_id", flat=True)
        )
        readable = [
            c for c in classes if c.pk in actor.homeroom_class_ids or c.pk in taught_by_department
        ]
    states = {}
    for cid, period, state in ClassResult.objects.filter(
        school_class__in=[c.pk for c in readable]
    ).values_list("school_class_id", "period", "state"):
        states.setdefault(cid, {})[period] = state
    entries = []
    for c in readable:
        code = class_ruleset(c)
        periods = [p for p in (TERM1, TERM2, YEAR, FINAL) if p in _periods_shown(c, code, states)]
        entries.append(
            {
                "school_class": c,
                "homeroom": is_homeroom_of(actor, c),
                "periods": [
                    (p, period_label(p, code), states.get(c.pk, {}).get(p)) for p in periods
                ],
            }
        )
    sheets = my_sheets(actor)
    return render(
        request,
        "gradebook/results_index.html",
        {
            "entries": entries,
            "sheets": sheets,
            "changed_text": CHANGED,
            "can_lists": actor.has(*GRADEBOOK_READERS),
            "can_bank": actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.DEPARTMENT_HEAD),
        },
    )


def _periods_shown(school_class, code: str, states: dict) -> list[str]:
    periods = list(periods_for(code))
    if FINAL in states.get(school_class.pk, {}):
        periods.append(FINAL)
    return periods


# ------------------------------------------------------------------------------ class results


def _row_view(row, view) -> dict:
    d = row.data
    by_checkpoints = view.rules.by_checkpoints
    period = view.period
    cells = [subject_cell(d, s.code, period, by_checkpoints) for s in view.subjects]
    out = {
        "student": row.student,
        "cells": cells,
        "errors": row.errors,
        "warnings": row.warnings,
        "explanation": row.explanation,
        "absences": d.get("absences"),
    }
    if by_checkpoints:
        out["overall"] = OVERALL_LABELS.get(d.get("overall") or "", "")
        out["title"] = title_label(d.get("title"), view.ruleset)
        out["qualities_missing"] = bool(d.get("qualities_missing"))
        out["traits"] = _traits_summary(d)
        out["recognised"] = bool(d.get("class_recognised"))
        completed = d.get("completed")
        out["completed"] = (
            "Hoàn thành chương trình lớp học"
            if completed
            else ("Đánh giá bổ sung" if completed is False else "")
        )
        return out
    key = period if period in (TERM1, TERM2) else YEAR
    learning = (d.get("learning") or {}).get(key)
    out["learning"] = LEVEL_LABELS.get(learning or "", "")
    if period in (TERM1, TERM2):
        out["training"] = LEVEL_LABELS.get((d.get("training") or {}).get(period) or "", "")
    else:
        out["training"] = LEVEL_LABELS.get((d.get("training") or {}).get("year") or "", "")
        after = (d.get("learning") or {}).get("year_after_retest")
        summer = (d.get("training") or {}).get("year_after_summer")
        out["after"] = ", ".join(
            x
            for x in (
                f"HT sau KTL: {LEVEL_LABELS[after]}" if after else "",
                f"RL sau hè: {LEVEL_LABELS[summer]}" if summer else "",
            )
            if x
        )
        out["title"] = title_label(d.get("title"), view.ruleset)
        out["decision"] = DECISION_LABELS.get(d.get("decision") or "", "")
        out["final_decision"] = DECISION_LABELS.get(d.get("final_decision") or "", "")
        names = {s.code: s.name for s in view.subjects}
        out["retest_subjects"] = [names.get(c, c) for c in d.get("retest_subjects") or []]
    return out


def _traits_summary(data: dict) -> str:
    """ "PC: 5T · NL: 8T, 2Đ" — the levels of the period's checkpoint, counted."""
    parts = []
    for kind, short in (("qualities", "PC"), ("competencies", "NL")):
        levels = list((data.get(kind) or {}).values())
        if not levels:
            continue
        counts = ", ".join(
            f"{levels.count(code)}{TRAIT_LEVEL_SHORT[code]}"
            for code in TRAIT_LEVEL_SHORT
            if code in levels
        )
        parts.append(f"{short}: {counts}")
    return " · ".join(parts)


@login_required
def class_page(request, class_id: int, period: str = ""):
    actor = request.actor
    school_class = access_results_class(actor, class_id)
    periods = available_periods(school_class)
    year_terms = list(school_class.year.terms.all())
    period = period or period_in_progress(school_class, periods, terms=year_terms)
    if period not in periods:
        raise not_found(actor, f"kết quả lớp #{class_id} giai đoạn {period}")
    view = class_results(school_class, period, periods=periods)
    rows = [_row_view(r, view) for r in view.rows]
    inputs = {
        hi.student_id: hi
        for hi in HomeroomInput.objects.filter(
            year=school_class.year_id, student_id__in=[r["student"].pk for r in rows]
        )
    }
    term_number = {TERM1: 1, TERM2: 2}.get(period)
    for r in rows:  # P / K of the absences (from the rolls)
        r["absences_split"] = pk_split(inputs.get(r["student"].pk), term_number)
    terms = {t.number: t for t in year_terms}
    signoffs = []
    wanted = {TERM1: [1], TERM2: [2], YEAR: [1, 2]}.get(period, [])
    for number in wanted:
        signoffs.append(class_signoff_status(school_class, terms[number], subjects=view.subjects))
    by_student = {rv["student"].pk: rv for rv in rows}
    lists = {
        name: [by_student[r.student.pk] for r in items] for name, items in view.lists().items()
    }
    cr = view.class_result
    homeroom = is_homeroom_of(actor, school_class) and school_class.year.writable_for("results")
    return render(
        request,
        "gradebook/results_class.html",
        {
            "school_class": school_class,
            "view": view,
            "rows": rows,
            "period": period,
            "period_name": period_label(period, view.ruleset),
            "tabs": [(p, period_label(p, view.ruleset)) for p in periods],
            "cr": cr,
            "signoffs": signoffs,
            "changed_text": CHANGED,
            "lists": lists,
            "is_homeroom": homeroom,
            "can_approve": can_approve_results(actor),
            "results_writable": school_class.year.writable_for("results"),
            "outdated": results_outdated(school_class),
            "can_recompute": False,  # the toolbar has "Tính lại"
            "reopen_reason_draft": request.session.pop("reopen_reason_draft", ""),
            "qualities_missing_text": QUALITIES_MISSING,
            "qualities_missing_count": sum(1 for r in rows if r.get("qualities_missing")),
            "term_period": period in (TERM1, TERM2),
            "year_period": period in (YEAR, FINAL),
        },
    )


@require_POST
@login_required
def recompute(request, class_id: int):
    actor = request.actor
    school_class = access_results_class(actor, class_id)
    return_on_error(request, back_url(request, "gradebook:results_class", class_id=class_id))
    try:
        summary = results_actions.class_results_recompute(actor=actor, school_class=school_class)
    except PermissionDenied:
        _forbidden(actor, f"tính lại kết quả lớp #{class_id}")
        raise
    messages.success(
        request,
        f"Đã tính lại: {summary.created + summary.updated} kết quả thay đổi"
        + (f", {summary.frozen} kết quả đã phê duyệt giữ nguyên." if summary.frozen else "."),
    )
    return redirect_back(request, "gradebook:results_class", class_id=class_id)


@require_POST
@login_required
@errors_return_to("gradebook:results_class_period", "class_id", "period")
def confirm(request, class_id: int, period: str):
    """GVCN xác nhận: signs the class off for the term(s) when every sheet is confirmed, then
    confirms the class result."""
    actor = request.actor
    school_class = access_results_class(actor, class_id)
    try:
        if period in (TERM1, TERM2, YEAR) and is_homeroom_of(actor, school_class):
            terms = {t.number: t for t in school_class.year.terms.all()}
            numbers = {TERM1: [1], TERM2: [2], YEAR: [1, 2]}[period]
            for number in numbers:
                status = class_signoff_status(school_class, terms[number])
                if not status.ok and status.sheets_ok:
                    class_signoff(actor=actor, school_class=school_class, term=terms[number])
        results_actions.class_result_confirm(actor=actor, school_class=school_class, period=period)
    except PermissionDenied:
        _forbidden(actor, f"xác nhận kết quả lớp #{class_id}")
        raise
    messages.success(request, f"Đã xác nhận kết quả {in_sentence(period_label(period))}.")
    return redirect("gradebook:results_class_period", class_id=class_id, period=period)


@require_POST
@login_required
@errors_return_to("gradebook:results_class_period", "class_id", "period")
def unconfirm(request, class_id: int, period: str):
    actor = request.actor
    school_class = access_results_class(actor, class_id)
    try:
        results_actions.class_result_unconfirm(
            actor=actor, school_class=school_class, period=period
        )
    except PermissionDenied:
        _forbidden(actor, f"hủy xác nhận lớp #{class_id}")
        raise
    messages.success(request, "Đã hủy xác nhận.")
    return redirect("gradebook:results_class_period", class_id=class_id, period=period)


@require_POST
@login_required
def approve(request, class_id: int, period: str):
    actor = request.actor
    school_class = access_results_class(actor, class_id)
    return_on_error(
        request,
        back_url(request, "gradebook:results_class_period", class_id=class_id, period=period),
    )
    try:
        results_actions.class_result_approve(actor=actor, school_class=school_class, period=period)
    except PermissionDenied:
        _forbidden(actor, f"phê duyệt kết quả lớp #{class_id}")
        raise
    messages.success(request, f"Đã phê duyệt kết quả lớp {school_class.name}.")
    return redirect_back(
        request, "gradebook:results_class_period", class_id=class_id, period=period
    )


@require_POST
@login_required
def reopen(request, class_id: int, period: str):
    """Hiệu trưởng mở lại kết quả đã phê duyệt (with a reason) so that it can be corrected."""
    actor = request.actor
    school_class = access_results_class(actor, class_id)
    try:
        reopened = results_actions.class_result_reopen(
            actor=actor,
            school_class=school_class,
            period=period,
            reason=request.POST.get("reason", ""),
        )
    except PermissionDenied:
        _forbidden(actor, f"mở lại kết quả lớp #{class_id}")
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        request.session["reopen_reason_draft"] = request.POST.get("reason", "")
    else:
        request.session.pop("reopen_reason_draft", None)
        names = ", ".join(in_sentence(period_label(p)) for p in reopened)
        messages.success(
            request,
            f"Đã mở lại kết quả lớp {school_class.name} ({names}): giáo viên chủ nhiệm điều "
            "chỉnh, xác nhận lại, rồi hiệu trưởng phê duyệt lại.",
        )
    return redirect("gradebook:results_class_period", class_id=class_id, period=period)


# ------------------------------------------------------------------------------ homeroom inputs


def _inputs_rows(school_class):
    enrolments = list(
        Enrolment.objects.studying()
        .filter(school_class=school_class)
        .select_related("student")
        .order_by("student__sort_name", "student__student_code")
    )
    ids = [e.student_id for e in enrolments]
    inputs = {
        hi.student_id: hi
        for hi in HomeroomInput.objects.filter(year=school_class.year_id, student_id__in=ids)
    }
    year_data = dict(
        StudentResult.objects.filter(
            class_result__school_class=school_class, class_result__period=YEAR, student_id__in=ids
        ).values_list("student_id", "data")
    )
    return enrolments, inputs, year_data


def _retest_codes(hi, data) -> list[str]:
    """The re-tests shown for a student: the year's re-test subjects, then any stored."""
    codes = list((data or {}).get("retest_subjects") or [])
    codes += [code for code in (hi.retest if hi and hi.retest else {}) if code not in codes]
    return codes


def _value(hi, name):
    if hi is None:
        return ""
    value = getattr(hi, name)
    return "" if value is None else value


# Column headings of the qualities and competencies grid (the full names are in the tooltips).
TRAIT_HEADINGS = {
    "yeu_nuoc": "Yêu nước",
    "nhan_ai": "Nhân ái",
    "cham_chi": "Chăm chỉ",
    "trung_thuc": "Trung thực",
    "trach_nhiem": "Trách nhiệm",
    "tu_chu_tu_hoc": "Tự chủ, tự học",
    "giao_tiep_hop_tac": "Giao tiếp, hợp tác",
    "giai_quyet_van_de_sang_tao": "GQVĐ, sáng tạo",
    "ngon_ngu": "Ngôn ngữ",
    "tinh_toan": "Tính toán",
    "khoa_hoc": "Khoa học",
    "cong_nghe": "Công nghệ",
    "tin_hoc": "Tin học",
    "tham_mi": "Thẩm mĩ",
    "the_chat": "Thể chất",
}
TRAIT_KIND_LABELS = {"qualities": "Phẩm chất", "competencies": "Năng lực"}


def _default_checkpoint(school_class) -> str:
    """The checkpoint being assessed now: the last one whose date is at most two weeks away
    (the school's calendar), else by the terms' dates."""
    from datetime import timedelta

    today = clock.today()
    dates = dict(school_class.year.checkpoints.values_list("kind", "date"))
    due = [kind for kind in TRAIT_CHECKPOINTS if kind in dates]
    if due:
        passed = [k for k in due if dates[k] <= today + timedelta(days=14)]
        return passed[-1] if passed else due[0]
    term1 = school_class.year.terms.filter(number=1).first()
    return "end1" if term1 is not None and today <= term1.end_date else "end2"


def _trait_columns() -> list[dict]:
    return [
        {
            "kind": kind,
            "code": code,
            "key": f"{kind}-{code}",
            "heading": TRAIT_HEADINGS.get(code, code),
            "title": f"{TRAIT_KIND_LABELS[kind]} {TRAIT_NAMES[kind][code]}",
            "first": i == 0,
        }
        for kind in TRAIT_KINDS
        for i, code in enumerate(TRAIT_CODES[kind])
    ]


def _trait_cells(form: HomeroomRowForm, hi, sub, checkpoint, columns, locked) -> list[dict]:
    cells = []
    for col in columns:
        kind, code = col["kind"], col["code"]
        field = results_actions.trait_field(kind, checkpoint)
        stored = ((getattr(hi, kind, None) or {}).get(checkpoint) or {}) if hi else {}
        typed = ((sub.get(kind) or {}).get(checkpoint) or {}).get(code)
        value = typed if typed is not None else stored.get(code, "")
        cells.append(
            {
                "name": form[trait_name(kind, checkpoint, code)].html_name,
                "key": col["key"],
                "title": col["title"],
                "value": value,
                "known": value in TRAIT_LEVEL_LABELS or value == "",
                "error": form.error(trait_name(kind, checkpoint, code)),
                "locked": field in locked,
            }
        )
    return cells


@login_required
def inputs(request, class_id: int):
    """Nhập rèn luyện, số buổi nghỉ, nhận xét (và sau hè: rèn luyện hè, kiểm tra lại); ở tiểu
    học: phẩm chất, năng lực theo từng mốc và công nhận của tập thể lớp."""
    actor = request.actor
    school_class = access_results_class(actor, class_id)
    if not is_homeroom_of(actor, school_class):
        log_denied(actor, kind="forbidden", what=f"nhập kết quả GVCN lớp #{class_id}")
        raise PermissionDenied("Chỉ giáo viên chủ nhiệm của lớp mới nhập các kết quả này.")
    rules = class_rules(school_class)
    traits = bool(rules.trait_checkpoints)
    checkpoint = request.POST.get("moc") or request.GET.get("moc") or ""
    if traits and checkpoint not in rules.trait_checkpoints:
        checkpoint = _default_checkpoint(school_class)
    enrolments, stored, year_data = _inputs_rows(school_class)
    subjects = {
        s.code: s
        for s in offerings_by_grade([school_class.grade_id]).get(school_class.grade_id, [])
    }
    locked = results_actions.locked_fields(school_class)
    daily = from_attendance(school_class.year.school_id)
    if daily:  # the totals come from the rolls: shown, never typed
        locked = locked | set(ABSENCE_FIELDS)
    general_bank = comments_mod.bank_by_level(actor.school)
    form = HomeroomInputsForm(
        request.POST if request.method == "POST" else None,
        student_ids=[e.student_id for e in enrolments],
        rules=rules,
        checkpoint=checkpoint if traits else "",
        locked=locked,
        retest_codes={
            e.student_id: _retest_codes(stored.get(e.student_id), year_data.get(e.student_id))
            for e in enrolments
        },
    )
    submitted = form.submitted()
    if form.is_bound:
        try:
            saved = results_actions.homeroom_inputs_save(
                actor=actor, school_class=school_class, rows=submitted
            )
        except results_actions.InputsInvalid as exc:
            form.attach_errors(exc.errors)
            messages.error(request, exc.message)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"Đã lưu {saved.changed} học sinh và tính lại kết quả của lớp."
                if saved.changed
                else "Không có thay đổi.",
            )
            url = _url("gradebook:results_inputs", class_id=class_id)
            return redirect(f"{url}?moc={checkpoint}" if traits else url)
        enrolments, stored, year_data = _inputs_rows(school_class)
    trait_columns = _trait_columns() if traits else []
    texts = {}
    rows = []
    for e in enrolments:
        sid = e.student_id
        hi = stored.get(sid)
        sub = submitted.get(sid, {})
        data = year_data.get(sid) or {}

        def val(name, sub=sub, hi=hi):
            return sub[name] if name in sub else _value(hi, name)

        row_form = form.forms.get(sid) or HomeroomRowForm(
            student_id=sid, rules=rules, checkpoint=checkpoint if traits else "", locked=locked
        )
        decision = data.get("decision")
        retest_stored = dict(hi.retest) if hi and hi.retest else {}
        retest = [
            {
                "code": code,
                "name": subjects[code].name if code in subjects else code,
                "value": (sub.get("retest") or {}).get(code, retest_stored.get(code, "")),
                "error": row_form.error(f"retest-{code}"),
                "comment": code in subjects and subjects[code].assessment == "comment",
            }
            for code in _retest_codes(hi, data)
        ]
        levels = comments_mod.general_levels(data, rules.by_checkpoints)
        suggestions = [t for lv in levels for t in general_bank.get(lv, [])]
        comment = val("general_comment")
        texts[sid] = comment
        if "class_recognised" in sub:  # as sent: "1" when ticked
            recognised = str(sub["class_recognised"]) not in ("", "0")
        else:
            recognised = bool(hi and hi.class_recognised)
        rows.append(
            {
                "student": e.student,
                "sid": sid,
                "fields": {
                    name: {
                        "value": val(name),
                        "error": row_form.error(name),
                        "locked": name in locked,
                    }
                    for name in (
                        "training_term1",
                        "training_term2",
                        "absences_term1",
                        "absences_term2",
                        "training_summer",
                    )
                },
                "split": [pk_split(hi, n) if daily else "" for n in (1, 2)],
                "comment": comment,
                "comment_error": row_form.error("general_comment"),
                "suggestions": suggestions,
                "levels": [LEVEL_LABELS.get(lv, lv) for lv in levels],
                "summer_needed": decision in ("REN_LUYEN_HE", "REN_LUYEN_HE_VA_KIEM_TRA_LAI")
                or bool(val("training_summer")),
                "retest": retest,
                "decision": DECISION_LABELS.get(decision or "", ""),
                "traits": _trait_cells(row_form, hi, sub, checkpoint, trait_columns, locked)
                if traits
                else [],
                "recognised": {
                    "value": recognised,
                    "error": row_form.error("class_recognised"),
                    "locked": "class_recognised" in locked,
                },
                "overall": OVERALL_LABELS.get(data.get("overall") or "", ""),
                "overall_code": data.get("overall") or "",
            }
        )
    duplicates = comments_mod.near_duplicates(texts)
    names = {e.student_id: e.student.full_name for e in enrolments}
    return render(
        request,
        "gradebook/results_inputs.html",
        {
            "outdated": results_outdated(school_class),
            "can_recompute": True,
            "school_class": school_class,
            "rows": rows,
            "rules": rules,
            "training_choices": TRAINING_CHOICES,
            "trait_choices": TRAIT_CHOICES,
            "trait_columns": trait_columns,
            "quality_count": len(TRAIT_CODES["qualities"]),
            "competency_count": len(TRAIT_CODES["competencies"]),
            "checkpoint": checkpoint,
            "checkpoint_name": CHECKPOINT_LABELS.get(checkpoint, ""),
            "checkpoint_tabs": [(cp, CHECKPOINT_LABELS[cp]) for cp in rules.trait_checkpoints],
            "checkpoint_locked": traits
            and results_actions.trait_field("qualities", checkpoint) in locked,
            "locked": locked,
            "from_attendance": daily,
            "duplicates": duplicates,
            "duplicate_groups": [[names[s] for s in g] for g in duplicates.groups]
            if duplicates
            else [],
            "after_summer": any(r["summer_needed"] or r["retest"] for r in rows),
            "readonly": not school_class.year.writable_for("results"),
        },
    )


# ------------------------------------------------------------------------------ lists


@login_required
def lists(request):
    """Danh sách cho hiệu trưởng: lên lớp, kiểm tra lại, rèn luyện hè, ở lại lớp, danh hiệu —
    per class and school-wide, with approve buttons."""
    actor = request.actor
    if not actor.has(*GRADEBOOK_READERS):
        log_denied(actor, kind="forbidden", what="danh sách kết quả toàn trường")
        raise PermissionDenied("Chỉ lãnh đạo nhà trường xem danh sách toàn trường.")
    period = request.GET.get("ky") or YEAR
    if period not in (TERM1, TERM2, YEAR, FINAL):
        period = YEAR
    # Only the keys the lists and this page read (the whole results: ≈ 3/4 of the page's time).
    entries = school_lists(actor.year, period, keys=(*LIST_KEYS, "retest_subjects", "overall"))
    totals = dict.fromkeys(("promotion", "retest", "summer", "repeat", "titles", "pending"), 0)
    for entry in entries:
        for name, items in entry.lists.items():
            totals[name] += len(items)
    subject_names = dict(Subject.objects.filter(school=actor.school).values_list("code", "name"))
    detail: dict[str, list[dict]] = {name: [] for name in totals}
    for entry in entries:
        for name, items in entry.lists.items():
            for row in items:
                d = row.data
                extra = ""
                if name == "retest":
                    extra = ", ".join(
                        subject_names.get(c, c) for c in d.get("retest_subjects") or []
                    )
                elif name == "titles":
                    extra = title_label(d.get("title"), entry.ruleset)
                elif name == "repeat":
                    extra = DECISION_LABELS.get(d.get("decision") or "", "")
                    if entry.rules.by_checkpoints:
                        extra = OVERALL_LABELS.get(d.get("overall") or "", "")
                detail[name].append(
                    {"class": entry.school_class.name, "student": row.student, "extra": extra}
                )
    return render(
        request,
        "gradebook/results_lists.html",
        {
            "period": period,
            "period_name": PERIOD_LABELS[period],
            "tabs": [(p, PERIOD_LABELS[p]) for p in (TERM1, TERM2, YEAR, FINAL)],
            "entries": entries,
            "totals": totals,
            "sections": [
                (title, detail[key])
                for key, title in (
                    ("retest", "Danh sách kiểm tra lại"),
                    ("summer", "Danh sách rèn luyện trong hè"),
                    ("repeat", "Danh sách ở lại lớp / chưa hoàn thành chương trình"),
                    ("titles", "Danh sách danh hiệu, khen thưởng"),
                    ("pending", "Chờ kết quả kiểm tra lại, rèn luyện hè"),
                    ("promotion", "Danh sách lên lớp / hoàn thành chương trình lớp học"),
                )
                if period in (YEAR, FINAL) and (key != "pending" or detail[key])
            ],
            "year_period": period in (YEAR, FINAL),
            "can_approve": can_approve_results(actor),
            "can_recompute": actor.has(Role.PRINCIPAL, Role.VICE_PRINCIPAL)
            and actor.can_write("results"),
            "confirmed": sum(
                1
                for e in entries
                if e.class_result and e.class_result.state == ClassResult.State.CONFIRMED
            ),
        },
    )


@require_POST
@login_required
def approve_all(request):
    actor = request.actor
    period = request.POST.get("ky") or YEAR
    return_on_error(request, f"{_url('gradebook:results_lists')}?ky={period}")
    try:
        done = results_actions.class_results_approve_confirmed(
            actor=actor, year=actor.year, period=period
        )
    except PermissionDenied:
        _forbidden(actor, "phê duyệt kết quả toàn trường")
        raise
    if done:
        messages.success(request, "Đã phê duyệt: " + ", ".join(done) + ".")
    else:
        messages.warning(request, "Không có lớp nào đã được xác nhận để phê duyệt.")
    return redirect(f"{_url('gradebook:results_lists')}?ky={period}")


@require_POST
@login_required
def recompute_school_view(request):
    actor = request.actor
    return_on_error(
        request, f"{_url('gradebook:results_lists')}?ky={request.POST.get('ky') or YEAR}"
    )
    try:
        count = results_actions.school_results_recompute(actor=actor, year=actor.year)
    except PermissionDenied:
        _forbidden(actor, "tính lại kết quả toàn trường")
        raise
    messages.success(request, f"Đã tính lại kết quả của {count} học sinh toàn trường.")
    return redirect(f"{_url('gradebook:results_lists')}?ky={request.POST.get('ky') or YEAR}")


def _url(name: str, **kwargs) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs or None)
