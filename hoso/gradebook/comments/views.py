"""Pages of comments: a sheet's subject comments (nhận xét môn học) and the school's comment bank
(ngân hàng nhận xét)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hoso.accounts.policies import log_denied, not_found
from hoso.accounts.roles import Role
from hoso.core.errors import DomainError
from hoso.core.http import redirect_back
from hoso.gradebook.comments import actions as comments_mod
from hoso.gradebook.comments.models import CommentBankEntry
from hoso.gradebook.comments.policies import (
    can_manage_bank,
    can_write_subject_comments,
    managed_subject_ids,
)
from hoso.gradebook.entry.policies import access_sheet
from hoso.gradebook.results.compute import (
    YEAR,
    class_rules,
    offerings_by_grade,
    results_outdated,
    subject_cell,
    subject_level,
)
from hoso.gradebook.results.models import StudentResult
from hoso.gradebook.results.policies import can_read_results
from hoso.organisation.models import Subject
from hoso.students.models import Enrolment


@login_required
def subject_comments(request, class_id: int, subject_id: int, term_id: int):
    """Nhận xét môn học: the subject teacher writes; readers of the sheet read."""
    actor = request.actor
    school_class, subject, term = access_sheet(actor, class_id, subject_id, term_id)
    can_write = can_write_subject_comments(actor, school_class, subject, term)
    rules = class_rules(school_class)
    period = f"term{term.number}"
    data_period = period if period in rules.periods else YEAR
    enrolments = list(
        Enrolment.objects.studying()
        .filter(school_class=school_class)
        .select_related("student")
        .order_by("student__sort_name", "student__student_code")
    )
    results = dict(
        StudentResult.objects.filter(
            class_result__school_class=school_class, class_result__period=data_period
        ).values_list("student_id", "data")
    )
    stored = comments_mod.subject_comments(school_class, subject, term)
    submitted: dict[int, str] = {}
    if request.method == "POST":
        if not can_write:
            log_denied(actor, kind="forbidden", what=f"nhận xét {subject.code} lớp #{class_id}")
            raise PermissionDenied("Chỉ giáo viên dạy môn này ở lớp này mới viết nhận xét.")
        for e in enrolments:
            key = f"c-{e.student_id}"
            if key in request.POST:
                text = request.POST[key]
                pick = request.POST.get(f"pick-{e.student_id}", "")
                if pick and not text.strip():
                    text = pick
                submitted[e.student_id] = text
        try:
            changed = comments_mod.subject_comments_save(
                actor=actor, school_class=school_class, subject=subject, term=term, texts=submitted
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"Đã lưu {changed} nhận xét." if changed else "Không có thay đổi."
            )
            return redirect(
                "gradebook:results_subject_comments",
                class_id=class_id,
                subject_id=subject_id,
                term_id=term_id,
            )
    bank = comments_mod.bank_by_level(actor.school, subject=subject)
    offering = next(
        (
            s
            for s in offerings_by_grade([school_class.grade_id]).get(school_class.grade_id, [])
            if s.id == subject.pk
        ),
        None,
    )
    assessment = offering.assessment if offering else subject.assessment
    rows = []
    texts = {}
    for e in enrolments:
        data = results.get(e.student_id) or {}
        level = subject_level(data, subject.code, data_period, assessment, rules.by_checkpoints)
        text = submitted.get(
            e.student_id, stored[e.student_id].text if e.student_id in stored else ""
        )
        texts[e.student_id] = text
        rows.append(
            {
                "student": e.student,
                "sid": e.student_id,
                "result": subject_cell(data, subject.code, data_period, rules.by_checkpoints),
                "level": level,
                "level_name": comments_mod.level_name(level, subject) if level else "",
                "text": text,
                "suggestions": bank.get(level, [])
                if level
                else [t for v in bank.values() for t in v],
            }
        )
    duplicates = comments_mod.near_duplicates(texts)
    names = {e.student_id: e.student.full_name for e in enrolments}
    return render(
        request,
        "gradebook/results_subject_comments.html",
        {
            "outdated": results_outdated(school_class),
            "can_recompute": can_read_results(actor, school_class),
            "school_class": school_class,
            "subject": subject,
            "term": term,
            "rows": rows,
            "can_write": can_write,
            "duplicates": duplicates,
            "duplicate_groups": [[names[s] for s in g] for g in duplicates.groups]
            if duplicates
            else [],
        },
    )


def _bank_form_values(request) -> tuple[object, str, str, str]:
    actor = request.actor
    subject_raw = request.POST.get("subject", "")
    subject = None
    if subject_raw:
        subject = (
            Subject.objects.filter(pk=subject_raw, school=actor.school).first()
            if subject_raw.isdigit()
            else None
        )
        if subject is None:
            raise DomainError("BAD_INPUT", "Môn học không hợp lệ.", field="subject")
    return subject, request.POST.get("level", ""), request.POST.get("text", ""), subject_raw


@login_required
def comment_bank(request):
    """Ngân hàng nhận xét: read by teachers, edited by leaders and department heads."""
    actor = request.actor
    if actor.staff is None and not actor.has(Role.ADMINISTRATOR):
        raise not_found(actor, "ngân hàng nhận xét")
    comments_mod.bank_ensure(actor.school)
    subjects = list(Subject.objects.filter(school=actor.school).order_by("level", "order", "name"))
    managed = managed_subject_ids(actor)
    editable_subjects = [s for s in subjects if managed is None or s.pk in managed]
    selected = request.GET.get("mon", "")
    form = {"subject": selected if selected != "chung" else "", "level": "", "text": ""}
    form_error = None
    if request.method == "POST":
        try:
            subject, level, text, raw = _bank_form_values(request)
            form = {"subject": raw, "level": level, "text": text}
            comments_mod.bank_entry_save(actor=actor, subject=subject, level=level, text=text)
        except PermissionDenied:
            log_denied(actor, kind="forbidden", what="sửa ngân hàng nhận xét")
            raise
        except DomainError as exc:
            form_error = exc.message
        else:
            messages.success(request, "Đã thêm nhận xét vào ngân hàng.")
            return redirect(
                f"{reverse('gradebook:results_comment_bank')}?mon={form['subject'] or 'chung'}"
            )
    entries = comments_mod.bank_entries(actor.school)
    if selected == "chung":
        entries = entries.filter(subject__isnull=True)
    elif selected.isdigit():
        entries = entries.filter(subject_id=int(selected))
    groups: dict[tuple, list] = {}
    for entry in entries.order_by(
        "subject__level", "subject__order", "subject__name", "level", "pk"
    ):
        key = (entry.subject.name if entry.subject else "Nhận xét chung (GVCN)", entry.level)
        groups.setdefault(key, []).append(
            {
                "entry": entry,
                "editable": managed is None
                or (entry.subject_id is not None and entry.subject_id in managed),
                "level_name": comments_mod.level_name(entry.level, entry.subject, actor.school),
            }
        )
    return render(
        request,
        "gradebook/results_comment_bank.html",
        {
            "groups": [(k[0], k[1], v) for k, v in groups.items()],
            "subjects": subjects,
            "editable_subjects": editable_subjects,
            "can_general": managed is None,
            "can_edit": managed is None or bool(managed),
            "selected": selected,
            "form": form,
            "form_error": form_error,
            "level_choices": _level_choices(actor.school),
        },
    )


def _level_choices(school) -> list[tuple[str, str]]:
    codes = list(dict.fromkeys(comments_mod.SECONDARY_LEVELS + comments_mod.PRIMARY_LEVELS))
    return [(c, comments_mod.level_name(c, None, school)) for c in codes]


def _bank_entry(actor, entry_id: int) -> CommentBankEntry:
    """A comment-bank entry of the actor's school; 404 otherwise."""
    entry = (
        CommentBankEntry.objects.filter(pk=entry_id, school=actor.school)
        .select_related("subject")
        .first()
    )
    if entry is None:
        raise not_found(actor, f"nhận xét #{entry_id}")
    return entry


@login_required
def comment_bank_edit(request, entry_id: int):
    actor = request.actor
    entry = _bank_entry(actor, entry_id)
    if not can_manage_bank(actor, entry.subject):
        log_denied(actor, kind="forbidden", what=f"sửa nhận xét #{entry_id}")
        raise PermissionDenied("Bạn không có quyền sửa nhận xét này.")
    managed = managed_subject_ids(actor)
    subjects = [
        s
        for s in Subject.objects.filter(school=actor.school).order_by("level", "order", "name")
        if managed is None or s.pk in managed
    ]
    form = {"subject": str(entry.subject_id or ""), "level": entry.level, "text": entry.text}
    form_error = None
    if request.method == "POST":
        try:
            subject, level, text, raw = _bank_form_values(request)
            form = {"subject": raw, "level": level, "text": text}
            comments_mod.bank_entry_save(
                actor=actor, subject=subject, level=level, text=text, entry=entry
            )
        except PermissionDenied:
            log_denied(actor, kind="forbidden", what=f"sửa nhận xét #{entry_id}")
            raise
        except DomainError as exc:
            form_error = exc.message
        else:
            messages.success(request, "Đã sửa nhận xét.")
            return redirect("gradebook:results_comment_bank")
    return render(
        request,
        "gradebook/results_comment_bank_edit.html",
        {
            "entry": entry,
            "subjects": subjects,
            "can_general": managed is None,
            "form": form,
            "form_error": form_error,
            "level_choices": _level_choices(actor.school),
        },
    )


@require_POST
@login_required
def comment_bank_delete(request, entry_id: int):
    actor = request.actor
    entry = _bank_entry(actor, entry_id)
    try:
        comments_mod.bank_entry_delete(actor=actor, entry=entry)
    except PermissionDenied:
        log_denied(actor, kind="forbidden", what=f"xóa nhận xét #{entry_id}")
        raise
    messages.success(request, "Đã xóa nhận xét.")
    return redirect_back(request, "gradebook:results_comment_bank")
