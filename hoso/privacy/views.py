"""Personal data pages: the parent's consents and rights, the child's data and its download, the
school's notice (principal, administrator), paper consent forms (homeroom teacher, clerk), and the
register of requests (clerk, leaders). Thin: parse → policy → action/selector → render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hoso.accounts.boundary import errors_return_to, return_on_error
from hoso.accounts.policies import log_denied, not_found
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.privacy import actions, inventory, policies, selectors
from hoso.privacy.default_notice import DEFAULT_PROCESSORS, default_text
from hoso.privacy.models import DataRequest, PrivacyNotice, Purpose

CHANNEL_PURPOSES = (Purpose.CONTACT_BOOK, Purpose.SMS, Purpose.ZALO)


def _children(actor):
    from hoso.students.models import Student

    return list(
        Student.objects.filter(pk__in=actor.child_ids, school=actor.school).order_by("sort_name")
    )


@login_required
def mine_view(request):
    """The guardian's page: the notice, each purpose with one click to give or withdraw, each
    child's publication consent, links to each child's data."""
    actor = request.actor
    if not policies.is_guardian(actor):
        if policies.can_write_notice(actor) or policies.can_handle_requests(actor):
            return redirect("privacy:notice")
        raise not_found(actor, "trang dữ liệu cá nhân của phụ huynh")
    notice = selectors.current_notice(school_id=actor.school_id)
    live = selectors.consents_of(school_id=actor.school_id, user_id=actor.user.pk)
    today = clock.today()
    purposes = [
        {"value": p.value, "label": p.label, "consent": live.get((p.value, None))}
        for p in CHANNEL_PURPOSES
    ]
    children = [
        {
            "student": child,
            "consent": live.get((Purpose.PUBLICATION.value, child.pk)),
            "needs_child": actions.age_on(child.birth_date, today) >= actions.CHILD_AGE,
        }
        for child in _children(actor)
    ]
    return render(
        request,
        "privacy/mine.html",
        {
            "notice": notice,
            "purposes": purposes,
            "children": children,
            "publication_label": Purpose.PUBLICATION.label,
            "history": selectors.consent_history(school_id=actor.school_id, user_id=actor.user.pk),
            "settings": selectors.settings_of(actor.school),
        },
    )


@login_required
@require_POST
@errors_return_to("privacy:mine")
def consent_view(request):
    actor = request.actor
    purpose = request.POST.get("purpose", "")
    student_id = request.POST.get("student", "")
    student_id = int(student_id) if student_id.isdigit() else None
    if request.POST.get("answer") == "withdraw":
        consent = actions.consent_withdraw(actor=actor, purpose=purpose, student_id=student_id)
        messages.success(
            request, f"Đã rút lại sự đồng ý: {consent.get_purpose_display()}. Có hiệu lực ngay."
        )
    else:
        consent = actions.consent_give(
            actor=actor,
            purpose=purpose,
            student_id=student_id,
            child_agreed=request.POST.get("child_agreed") == "1",
        )
        messages.success(
            request,
            f"Đã ghi nhận đồng ý: {consent.get_purpose_display()} "
            f"(thông báo phiên bản {consent.notice.version}).",
        )
    return redirect("privacy:mine")


# --- the child's data -----------------------------------------------------------------------


@login_required
def child_view(request, student_id: int):
    """Everything the school holds about the child, who outside the staff read it, and the
    form to ask for a correction (keeps what was typed when refused)."""
    actor = request.actor
    student = policies.access_child(actor, student_id)
    values = {k: request.POST.get(k, "") for k in ("kind", "field", "what_is_wrong", "right_value")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            actions.request_create(
                actor=actor,
                student_id=student.pk,
                kind=values["kind"],
                field=values["field"],
                what_is_wrong=values["what_is_wrong"],
                right_value=values["right_value"],
            )
        except DomainError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            messages.success(
                request,
                "Đã gửi yêu cầu. Nhà trường trả lời trong "
                f"{selectors.settings_of(actor.school).request_hours} giờ.",
            )
            return redirect("privacy:child", student_id=student.pk)
    else:
        actions.child_data_viewed(actor=actor, student=student, what="Dữ liệu nhà trường lưu")
    sections = inventory.child_data(student, user_ids=[actor.user.pk])
    return render(
        request,
        "privacy/child.html",
        {
            "student": student,
            "sections": sections,
            "requests": selectors.requests_of_child(
                school_id=actor.school_id, student_id=student.pk
            ),
            "kinds": DataRequest.Kind.choices,
            "values": values,
            "errors": errors,
            "settings": selectors.settings_of(actor.school),
        },
        status=422 if errors else 200,
    )


@login_required
def child_download_view(request, student_id: int):
    actor = request.actor
    student = policies.access_child(actor, student_id)
    actions.child_data_viewed(actor=actor, student=student, what="Tải về dữ liệu (JSON)")
    data = inventory.child_data_json(student, user_ids=[actor.user.pk], generated_at=clock.now())
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    name = f"du-lieu-{student.student_code}-{clock.today():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- the school's notice ------------------------------------------------------------------


@login_required
@errors_return_to("privacy:notice")
def notice_view(request):
    """The principal or the administrator writes the next version (a draft), publishes it, and
    sets the deadline for requests; every member of staff reads the versions."""
    actor = request.actor
    if actor.staff is None and not policies.can_write_notice(actor):
        log_denied(actor, kind="forbidden", what="thông báo xử lý dữ liệu cá nhân")
        raise PermissionDenied("Bạn không có quyền xem trang này.")
    can_write = policies.can_write_notice(actor)
    versions = list(
        PrivacyNotice.objects.filter(school=actor.school).select_related("published_by")
    )
    draft = next((n for n in versions if n.published_at is None), None)
    published = [n for n in versions if n.published_at is not None]
    settings_row = selectors.settings_of(actor.school)
    if request.method == "POST" and can_write:
        what = request.POST.get("do", "")
        if what == "save":
            actions.notice_draft_save(
                actor=actor,
                text=request.POST.get("text", ""),
                processors=request.POST.get("processors", ""),
            )
            messages.success(request, "Đã lưu bản thảo.")
        elif what == "publish" and draft is not None:
            notice, lapsed = actions.notice_publish(
                actor=actor,
                notice_id=draft.pk,
                changed_purposes=request.POST.getlist("changed"),
            )
            extra = (
                f" {lapsed} sự đồng ý cũ hết hiệu lực (phụ huynh được hỏi lại)." if lapsed else ""
            )
            messages.success(request, f"Đã công bố phiên bản {notice.version}.{extra}")
        elif what == "settings":
            hours = request.POST.get("request_hours", "")
            actions.settings_save(
                actor=actor,
                request_hours=int(hours) if hours.isdigit() else 0,
                contact=request.POST.get("contact", ""),
            )
            messages.success(request, "Đã lưu cài đặt.")
        return redirect("privacy:notice")
    if draft is not None:
        text, processors = draft.text, draft.processors
    elif published:
        text, processors = published[0].text, published[0].processors
    else:
        text = default_text(actor.school.name, settings_row.contact)
        processors = DEFAULT_PROCESSORS
    return render(
        request,
        "privacy/notice.html",
        {
            "can_write": can_write,
            "draft": draft,
            "published": published,
            "text": text,
            "processors": processors,
            "is_default": draft is None and not published,
            "settings": settings_row,
            "purposes": Purpose.choices,
        },
    )


@login_required
def notice_version_view(request, version: int):
    """One version as published (parents and staff of the school)."""
    actor = request.actor
    notice = PrivacyNotice.objects.filter(
        school=actor.school, version=version, published_at__isnull=False
    ).first()
    if notice is None or actor.school is None:
        raise not_found(actor, f"thông báo dữ liệu cá nhân phiên bản {version}")
    return render(request, "privacy/notice_version.html", {"notice": notice})


# --- paper forms ----------------------------------------------------------------------------


@login_required
def paper_view(request):
    """A member of staff records a signed paper consent form for a guardian (search by name or
    phone within their scope)."""
    from hoso.accounts.invitations.selectors import guardians_for_slips

    actor = request.actor
    if not policies.can_record_paper(actor):
        log_denied(actor, kind="forbidden", what="phiếu đồng ý giấy")
        raise PermissionDenied("Bạn không có quyền ghi phiếu đồng ý.")
    q = request.GET.get("q", "")
    guardian = None
    gid = request.GET.get("g", request.POST.get("guardian", ""))
    if gid.isdigit():
        guardian = policies.access_paper_guardian(actor, int(gid))
    if request.method == "POST" and guardian is not None:
        return_on_error(request, reverse("privacy:paper") + f"?g={guardian.pk}")
        if request.POST.get("withdraw", "").isdigit():
            actions.consent_withdraw_paper(
                actor=actor,
                guardian_id=guardian.pk,
                consent_id=int(request.POST["withdraw"]),
                paper_note=request.POST.get("paper_note", ""),
            )
            messages.success(request, f"Đã ghi phiếu rút lại của {guardian.full_name}.")
            return redirect(reverse("privacy:paper") + f"?g={guardian.pk}")
        student = request.POST.get("student", "")
        actions.consent_record_paper(
            actor=actor,
            guardian_id=guardian.pk,
            purpose=request.POST.get("purpose", ""),
            student_id=int(student) if student.isdigit() else None,
            child_agreed=request.POST.get("child_agreed") == "1",
            paper_note=request.POST.get("paper_note", ""),
        )
        messages.success(request, f"Đã ghi phiếu đồng ý của {guardian.full_name}.")
        return redirect(reverse("privacy:paper") + f"?g={guardian.pk}")
    found = list(guardians_for_slips(actor, q=q)[:30]) if q and guardian is None else []
    live = (
        selectors.consents_of(school_id=actor.school_id, user_id=guardian.user_id)
        if guardian is not None and guardian.user_id
        else {}
    )
    return render(
        request,
        "privacy/paper.html",
        {
            "q": q,
            "found": found,
            "guardian": guardian,
            "children": [link.student for link in guardian.student_links.select_related("student")]
            if guardian
            else [],
            "live": sorted(live.values(), key=lambda c: c.purpose),
            "purposes": Purpose.choices,
            "notice": selectors.current_notice(school_id=actor.school_id),
        },
    )


# --- the register of requests -------------------------------------------------------------


@login_required
def requests_view(request):
    actor = request.actor
    if not policies.can_handle_requests(actor):
        log_denied(actor, kind="forbidden", what="sổ yêu cầu về dữ liệu cá nhân")
        raise PermissionDenied("Bạn không có quyền xem sổ yêu cầu.")
    state = "all" if request.GET.get("tat-ca") else "open"
    return render(
        request,
        "privacy/requests.html",
        {
            "rows": selectors.request_register(school_id=actor.school_id, state=state),
            "state": state,
            "now": clock.now(),
            "settings": selectors.settings_of(actor.school),
        },
    )


@login_required
@require_POST
@errors_return_to("privacy:requests")
def request_update_view(request, request_id: int):
    actions.request_update(
        actor=request.actor,
        request_id=request_id,
        state=request.POST.get("state", ""),
        answer=request.POST.get("answer", ""),
    )
    messages.success(request, "Đã cập nhật yêu cầu.")
    return redirect("privacy:requests")
