"""Doors of the records package: my records, obligation detail (upload, submit, decide),
inbox (preview, approve/return, bulk approve with htmx), folder browser, catalogue editing,
events, and the permission-checked file view. Thin: parse → access/require → action → render.
"""

from __future__ import annotations

import json
import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hoso.accounts.boundary import errors_return_to
from hoso.accounts.policies import log_denied, not_found
from hoso.core import clock
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.core.text import nfc
from hoso.records import actions, filetypes, schedules, selectors
from hoso.records.catalogue import EVENTS
from hoso.records.models import (
    Folder,
    ObligationState,
    OwnerKind,
    RecordType,
    ScheduleKind,
)
from hoso.records.policies import (
    access_obligation,
    access_submission,
    can_check,
    can_decide,
    can_edit_catalogue,
    can_record_event,
    can_sync,
    is_owner,
)
from hoso.records.timeliness import obligation_timeliness
from hoso.records.workflow import APPROVER_ROLES, SUBMIT_STATES, UPLOAD_STATES, chain_label


def _int(value) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        raise Http404("Không tìm thấy.") from None


def _school_required(actor) -> None:
    if actor.school is None or actor.year is None:
        raise Http404("Không tìm thấy.")


# --- my records -----------------------------------------------------------------------------


@login_required
def mine(request):
    actor = request.actor
    _school_required(actor)
    state = request.GET.get("state", "")
    if state not in ObligationState.values:
        state = ""
    when = request.GET.get("when", "open")
    if when not in ("open", "all"):
        when = "open"
    items = list(selectors.my_obligations(actor, state=state, when=when)[:500])
    latest = selectors.latest_versions(items)
    for ob in items:
        ob.latest = latest.get(ob.pk)
    return render(
        request,
        "records/mine.html",
        {
            "items": items,
            "state": state,
            "when": when,
            "states": ObligationState.choices,
            "now": clock.now(),
        },
    )


# --- one obligation -------------------------------------------------------------------------


def _detail_context(request, ob, **extra) -> dict:
    actor = request.actor
    versions = list(selectors.versions(ob))
    latest = versions[0] if versions else None
    owner = is_owner(actor, ob)
    return {
        "ob": ob,
        "versions": versions,
        "latest": latest,
        "history": list(selectors.history(ob)),
        "timeliness": obligation_timeliness(ob, clock.now()),
        "chain_text": chain_label(ob.chain or ob.record_type.chain),
        "chain_steps": [APPROVER_ROLES.get(c, c) for c in (ob.chain or ob.record_type.chain)],
        "can_upload": owner
        and ob.is_active
        and ob.state in UPLOAD_STATES
        and actor.can_write("records"),
        "can_submit": owner
        and ob.is_active
        and ob.state in SUBMIT_STATES
        and latest is not None
        and actor.can_write("records"),
        "can_withdraw": owner and ob.state == ObligationState.SUBMITTED and ob.current_step == 0,
        "can_decide": ob.state == ObligationState.SUBMITTED and can_decide(actor, ob, latest),
        "can_check": can_check(actor, ob),
        "accept": filetypes.ACCEPT,
        "max_mb": filetypes.max_bytes() // 1048576,
        "inline": latest is not None and latest.content_type in _INLINE,
        **extra,
    }


_INLINE = {"application/pdf", "image/png", "image/jpeg"}


@login_required
def obligation(request, obligation_id: int):
    ob = access_obligation(request.actor, obligation_id)
    return render(request, "records/obligation.html", _detail_context(request, ob))


@login_required
@require_POST
def upload(request, obligation_id: int):
    actor = request.actor
    ob = access_obligation(actor, obligation_id)
    note = nfc(request.POST.get("note", ""))
    try:
        actions.submission_upload(
            actor=actor,
            obligation_id=ob.pk,
            upload=request.FILES.get("file"),
            note=note,
            submit=bool(request.POST.get("submit")),
        )
    except PermissionDeniedError:
        raise  # 403, logged by the boundary (accounts/boundary.py)
    except DomainError as exc:
        ob.refresh_from_db()
        ctx = _detail_context(request, ob, upload_error=exc.message, note=note)
        return render(request, "records/obligation.html", ctx, status=400)
    messages.success(
        request, "Đã nộp hồ sơ." if request.POST.get("submit") else "Đã tải tệp lên (chưa nộp)."
    )
    return redirect("records:obligation", obligation_id=ob.pk)


@login_required
@require_POST
@errors_return_to("records:obligation", "obligation_id")
def submit(request, obligation_id: int):
    actor = request.actor
    ob = access_obligation(actor, obligation_id)
    if request.POST.get("withdraw"):
        actions.obligation_withdraw(actor=actor, obligation_id=ob.pk)
        messages.success(request, "Đã rút lại hồ sơ.")
    else:
        actions.obligation_submit(
            actor=actor, obligation_id=ob.pk, comment=request.POST.get("comment", "")
        )
        messages.success(request, "Đã nộp hồ sơ.")
    return redirect("records:obligation", obligation_id=ob.pk)


@login_required
@require_POST
@errors_return_to("records:obligation", "obligation_id")
def check(request, obligation_id: int):
    """Kiểm tra: a vice principal or the principal marks the record as checked."""
    actor = request.actor
    ob = access_obligation(actor, obligation_id)
    actions.obligation_check(
        actor=actor, obligation_id=ob.pk, comment=request.POST.get("comment", "")
    )
    messages.success(request, "Đã đánh dấu hồ sơ đã kiểm tra.")
    return redirect("records:obligation", obligation_id=ob.pk)


@login_required
@require_POST
def decide(request, obligation_id: int):
    """Approve or return one obligation (from its page or from the inbox, htmx)."""
    actor = request.actor
    ob = access_obligation(actor, obligation_id)
    decision = request.POST.get("decision")
    comment = nfc(request.POST.get("comment", ""))
    htmx = request.headers.get("HX-Request") == "true"
    try:
        if decision == "approve":
            actions.obligation_approve(actor=actor, obligation_id=ob.pk, comment=comment)
            text = "Đã duyệt."
        elif decision == "return":
            actions.obligation_return(actor=actor, obligation_id=ob.pk, comment=comment)
            text = "Đã trả lại hồ sơ kèm nhận xét."
        else:
            raise Http404("Không tìm thấy.")
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            log_denied(actor, kind="forbidden", what=f"records.decide {ob.pk} {exc.code}")
        if htmx:
            # 422 + HX-Retarget: nav.js swaps the preview in, with the message and the comment.
            ob.refresh_from_db()
            ctx = {"ob": ob, "error": exc.message, "comment": comment, **_preview_context(ob)}
            response = render(request, "records/_inbox_preview.html", ctx, status=422)
            response["HX-Retarget"] = "#preview"
            response["HX-Reswap"] = "innerHTML"
            return response
        if isinstance(exc, PermissionDenied):
            raise
        # The record's page again, the message above the form and the comment kept.
        ob.refresh_from_db()
        ctx = _detail_context(request, ob, decide_error=exc.message, comment=comment)
        return render(request, "records/obligation.html", ctx, status=422)
    if htmx:
        ob.refresh_from_db()
        return render(request, "records/_inbox_done.html", {"ob": ob, "text": text})
    messages.success(request, text)
    nxt = request.POST.get("next", "")
    if nxt == "inbox":
        return redirect("records:inbox")
    return redirect("records:obligation", obligation_id=ob.pk)


# --- inbox ----------------------------------------------------------------------------------


def _preview_context(ob) -> dict:
    latest = ob.submissions.order_by("-version").first()
    return {
        "latest": latest,
        "inline": latest is not None and latest.content_type in _INLINE,
        "history": list(selectors.history(ob)),
    }


@login_required
def inbox(request):
    actor = request.actor
    _school_required(actor)
    qs = selectors.inbox(actor)
    types = sorted(
        set(qs.order_by().values_list("record_type_id", "record_type__name")),
        key=lambda t: t[1],
    )
    type_id = request.GET.get("type", "")
    if type_id.isdigit():
        qs = qs.filter(record_type_id=int(type_id))
    items = list(qs[:300])
    latest = selectors.latest_versions(items)
    for ob in items:
        ob.latest = latest.get(ob.pk)
    return render(
        request,
        "records/inbox.html",
        {"items": items, "types": types, "type_id": type_id},
    )


@login_required
def inbox_preview(request, obligation_id: int):
    ob = access_obligation(request.actor, obligation_id)
    return render(request, "records/_inbox_preview.html", {"ob": ob, **_preview_context(ob)})


@login_required
@require_POST
def inbox_bulk(request):
    actor = request.actor
    _school_required(actor)
    ids = []
    for value in request.POST.getlist("ids"):
        try:
            ids.append(int(value))
        except ValueError:
            continue
    done, errors = actions.obligations_bulk_approve(
        actor=actor, obligation_ids=ids, comment=request.POST.get("comment", "")
    )
    items = list(selectors.inbox(actor)[:300])
    latest = selectors.latest_versions(items)
    for ob in items:
        ob.latest = latest.get(ob.pk)
    ctx = {"items": items, "done": len(done), "errors": errors}
    if request.headers.get("HX-Request") == "true":
        return render(request, "records/_inbox_list.html", ctx)
    if done:
        messages.success(request, f"Đã duyệt {len(done)} hồ sơ.")
    for message in dict.fromkeys(errors.values()):
        messages.error(request, message)
    return redirect("records:inbox")


# --- files ----------------------------------------------------------------------------------


@login_required
def file(request, submission_id: int):
    """Serve a stored version after the permission check (never a public media URL)."""
    sub = access_submission(request.actor, submission_id)
    inline = request.GET.get("inline") == "1" and sub.content_type in _INLINE
    try:
        handle = sub.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("Không tìm thấy tệp.") from None
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=sub.original_name,
        content_type=sub.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; object-src 'self'"
    )
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


# --- folders --------------------------------------------------------------------------------


@login_required
def folders(request, folder_id: int | None = None):
    actor = request.actor
    _school_required(actor)
    folder = None
    if folder_id is not None:
        folder = Folder.objects.filter(pk=folder_id, school=actor.school).first()
        if folder is None or not selectors.folder_visible(actor, folder):
            raise not_found(actor, f"records.folder {folder_id}")
        year = folder.year
    else:
        year = actor.year
        root = Folder.objects.filter(year=year, parent=None).first()
        if root is not None:
            folder = root
    trail = []
    node = folder
    while node is not None:
        trail.append(node)
        node = node.parent
    trail.reverse()
    children = selectors.folder_children(actor, folder, year) if folder else []
    obligations = []
    if folder is not None and folder.period_key:
        obligations = list(selectors.folder_obligations(actor, folder))
        latest = selectors.latest_versions(obligations)
        for ob in obligations:
            ob.latest = latest.get(ob.pk)
    elif folder is not None and folder.record_type_id:
        # A type folder: show its periods with their state in one table.
        obligations = list(selectors.folder_obligations_under(actor, folder).order_by("due_at"))
        latest = selectors.latest_versions(obligations)
        for ob in obligations:
            ob.latest = latest.get(ob.pk)
        children = []
    return render(
        request,
        "records/folders.html",
        {"folder": folder, "trail": trail, "children": children, "obligations": obligations},
    )


# --- catalogue ------------------------------------------------------------------------------


@login_required
def types(request):
    actor = request.actor
    _school_required(actor)
    items = list(selectors.catalogue(actor.school))
    for rt in items:
        rt.schedule_text = schedules.describe(rt.schedule_kind, rt.schedule)
        rt.chain_text = chain_label(rt.chain)
    return render(
        request,
        "records/types.html",
        {
            "items": items,
            "can_edit": can_edit_catalogue(actor),
            "can_sync": can_sync(actor) and actor.can_write("records"),
        },
    )


def _schedule_fields(kind: str, params: dict) -> dict:
    """The structured form's values (weekly and monthly schedules) from the stored parameters."""
    nth = params.get("nth_weekday") or [1, 0]
    day = params.get("day", -1)
    return {
        "weekday": str(params.get("weekday", 4)),
        "week_offset": str(params.get("week_offset", -1)),
        "time": params.get("time") or "23:59",
        "month_mode": "nth" if params.get("nth_weekday") else ("last" if day == -1 else "day"),
        "day": "" if day == -1 else str(day),
        "nth": str(nth[0]),
        "nth_weekday": str(nth[1]),
    }


def _type_form_values(rt: RecordType, post=None) -> dict:
    if post is None:
        chain = list(rt.chain) + [""] * (3 - len(rt.chain))
        return {
            "name": rt.name,
            "schedule_kind": rt.schedule_kind,
            "schedule": json.dumps(rt.schedule, ensure_ascii=False),
            "sched": _schedule_fields(rt.schedule_kind, rt.schedule or {}),
            "chain": chain[:3],
            "retention_years": "" if rt.retention_years is None else str(rt.retention_years),
            "signature_required": rt.signature_required,
            "is_active": rt.is_active,
        }
    return {
        "name": nfc(post.get("name", "")),
        "schedule_kind": post.get("schedule_kind", ""),
        "schedule": nfc(post.get("schedule", "")),
        "sched": {
            key: post.get(f"sched_{key}", "").strip()
            for key in ("weekday", "week_offset", "time", "month_mode", "day", "nth", "nth_weekday")
        },
        "sched_form": post.get("sched_form") == "1",
        "chain": [post.get(f"chain_{i}", "") for i in range(3)],
        "retention_years": post.get("retention_years", "").strip(),
        "signature_required": bool(post.get("signature_required")),
        "is_active": bool(post.get("is_active")),
    }


def _int_field(raw: str, low: int, high: int, message: str) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = low - 1
    if not low <= value <= high:
        raise DomainError("BAD_SCHEDULE", message, field="schedule")
    return value


def _schedule_from_form(values: dict) -> dict:
    """The schedule's parameters: the advanced JSON, overlaid by the structured fields of weekly
    and monthly schedules (so a principal never has to write JSON for the common cases; other
    keys of the JSON, e.g. skipped weeks, are kept)."""
    try:
        params = json.loads(values["schedule"] or "{}")
    except ValueError:
        raise DomainError(
            "BAD_SCHEDULE", "Tham số lịch không phải JSON hợp lệ.", field="schedule"
        ) from None
    if not isinstance(params, dict):
        raise DomainError("BAD_SCHEDULE", "Tham số lịch không hợp lệ.", field="schedule")
    if not values.get("sched_form"):
        return params
    f, kind = values["sched"], values["schedule_kind"]
    if kind == "weekly":
        params["weekday"] = _int_field(f["weekday"], 0, 6, "Chọn thứ trong tuần.")
        params["week_offset"] = _int_field(f["week_offset"], -1, 0, "Chọn tuần nộp.")
    elif kind == "monthly":
        params.pop("day", None)
        params.pop("nth_weekday", None)
        if f["month_mode"] == "nth":
            params["nth_weekday"] = [
                _int_field(f["nth"], -1, 4, "Chọn lần thứ mấy trong tháng."),
                _int_field(f["nth_weekday"], 0, 6, "Chọn thứ trong tuần."),
            ]
            if params["nth_weekday"][0] == 0:
                raise DomainError("BAD_SCHEDULE", "Chọn lần thứ mấy trong tháng.", field="schedule")
        elif f["month_mode"] == "last":
            params["day"] = -1
        else:
            params["day"] = _int_field(f["day"], 1, 31, "Ngày trong tháng là số từ 1 đến 31.")
    if kind in ("weekly", "monthly") or f.get("time"):
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", f.get("time") or ""):
            raise DomainError(
                "BAD_SCHEDULE", "Giờ hạn nộp dạng HH:MM, ví dụ 17:00.", field="schedule"
            )
        params["time"] = f["time"]
    return params


@login_required
def type_edit(request, type_id: int):
    actor = request.actor
    _school_required(actor)
    rt = RecordType.objects.filter(pk=type_id, school=actor.school).first()
    if rt is None:
        raise not_found(actor, f"records.type {type_id}")
    if not can_edit_catalogue(actor):
        log_denied(actor, kind="forbidden", what=f"records.type_edit {type_id}")
        raise PermissionDenied("Bạn không có quyền sửa danh mục hồ sơ.")
    error, field = "", ""
    if request.method == "POST":
        values = _type_form_values(rt, request.POST)
        try:
            schedule = _schedule_from_form(values)
            data = {**values, "schedule": schedule, "chain": [c for c in values["chain"] if c]}
            actions.record_type_update(actor=actor, record_type_id=rt.pk, data=data)
        except DomainError as exc:
            error, field = exc.message, exc.field or ""
        else:
            messages.success(request, "Đã lưu loại hồ sơ. Thư mục và hạn nộp đang được cập nhật.")
            return redirect("records:types")
    else:
        values = _type_form_values(rt)
    preview, upcoming = "", []
    try:
        params = _schedule_from_form(values) if request.method == "POST" else rt.schedule
        preview = schedules.describe(values["schedule_kind"], params)
        if actor.year is not None:
            now = clock.now()
            upcoming = [
                p
                for p in schedules.periods(
                    values["schedule_kind"], params, actor.year, list(actor.year.terms.all())
                )
                if p.due_at >= now
            ][:5]
    except (ValueError, DomainError):
        pass
    return render(
        request,
        "records/type_edit.html",
        {
            "rt": rt,
            "v": values,
            "error": error,
            "field": field,
            "kinds": ScheduleKind.choices,
            "weekdays": list(enumerate(schedules.WEEKDAYS)),
            "nths": [
                ("1", "thứ nhất"),
                ("2", "thứ hai"),
                ("3", "thứ ba"),
                ("4", "thứ tư"),
                ("-1", "cuối cùng"),
            ],
            "roles": list(APPROVER_ROLES.items()),
            "preview": preview,
            "upcoming": upcoming,
            "owner_label": OwnerKind(rt.owner_kind).label,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def sync(request):
    actor = request.actor
    _school_required(actor)
    if not can_sync(actor) or not actor.can_write("records"):
        log_denied(actor, kind="forbidden", what="records.sync")
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")
    from hoso.records.tasks import records_sync_task

    records_sync_task.enqueue(actor.year.pk)
    messages.success(request, "Đã yêu cầu cập nhật thư mục và nghĩa vụ nộp hồ sơ.")
    return redirect("records:types")


# --- events ---------------------------------------------------------------------------------


@login_required
def event_new(request):
    actor = request.actor
    _school_required(actor)
    if not can_record_event(actor):
        log_denied(actor, kind="forbidden", what="records.event_new")
        raise PermissionDenied("Bạn không có quyền ghi nhận sự kiện.")
    codes = {
        str(rt.schedule.get("event")): rt.name
        for rt in RecordType.objects.filter(
            school=actor.school, schedule_kind=ScheduleKind.EVENT, is_active=True
        )
    }
    choices = [(c, EVENTS.get(c, c), name) for c, name in codes.items()]
    values = {"event": "", "label": "", "occurred_on": ""}
    error = ""
    if request.method == "POST":
        values = {
            "event": request.POST.get("event", ""),
            "label": nfc(request.POST.get("label", "")),
            "occurred_on": request.POST.get("occurred_on", ""),
        }
        try:
            try:
                day = date.fromisoformat(values["occurred_on"])
            except ValueError:
                raise DomainError(
                    "BAD_EVENT", "Ngày diễn ra không hợp lệ.", field="occurred_on"
                ) from None
            actions.record_event_create(
                actor=actor, event=values["event"], label=values["label"], occurred_on=day
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "Đã ghi nhận sự kiện và tạo nghĩa vụ nộp hồ sơ.")
            return redirect("records:mine")
    events = actor.year.record_events.order_by("-occurred_on")
    return render(
        request,
        "records/event_new.html",
        {"choices": choices, "v": values, "error": error, "events": events},
        status=400 if error else 200,
    )
