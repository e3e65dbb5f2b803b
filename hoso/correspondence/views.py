"""Doors of the document register: the outgoing register, a new draft, a document's page with
its steps (sign, number, keep the file copy, issue) and the permission-checked file.
Thin: parse → access/check → action → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hoso.accounts.policies import not_found
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.correspondence import actions, policies, selectors
from hoso.correspondence.models import Register
from hoso.records import filetypes


@login_required
def outgoing_index(request):
    actor = request.actor
    confidential = request.GET.get("so") == "mat"
    if confidential and not policies.can_see_confidential_register(actor):
        raise not_found(actor, "correspondence.outgoing_confidential")
    if not confidential and not policies.can_open_register(actor):
        raise not_found(actor, "correspondence.outgoing")
    register = Register.OUTGOING_CONFIDENTIAL if confidential else Register.OUTGOING
    try:
        year = int(request.GET.get("nam") or clock.today().year)
    except ValueError:
        year = clock.today().year
    q = request.GET.get("q", "")[:200]
    items = list(selectors.outgoing_list(actor, register=register, year=year, q=q)[:500])
    return render(
        request,
        "correspondence/outgoing_list.html",
        {
            "items": items,
            "year": year,
            "q": q,
            "confidential": confidential,
            "can_draft": policies.can_draft(actor),
            "can_see_confidential": policies.can_see_confidential_register(actor),
            "today": clock.today(),
        },
    )


@login_required
def outgoing_new(request):
    actor = request.actor
    if not policies.can_draft(actor):
        raise not_found(actor, "correspondence.outgoing_new")
    actions.office_setup(school=actor.school)
    form = {"summary": "", "recipients": "", "copies": "1", "doc_type": "", "confidential": ""}
    error = None
    if request.method == "POST":
        form = {key: request.POST.get(key, "") for key in form}
        try:
            doc = actions.outgoing_create(
                actor=actor,
                doc_type_id=int(form["doc_type"] or 0),
                summary=form["summary"],
                recipients=form["recipients"],
                copies=int(form["copies"] or 1) if form["copies"].isdigit() else 0,
                confidential=bool(form["confidential"]),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, "Đã lập dự thảo văn bản đi.")
            return redirect("correspondence:outgoing_detail", document_id=doc.pk)
    return render(
        request,
        "correspondence/outgoing_new.html",
        {
            "form": form,
            "error": error,
            "types": selectors.document_types(actor.school),
            "can_confidential": policies.can_draft_confidential(actor),
        },
        status=422 if error else 200,
    )


@login_required
def outgoing_detail(request, document_id: int):
    actor = request.actor
    doc = policies.access_outgoing(actor, document_id)
    return render(
        request,
        "correspondence/outgoing_detail.html",
        {
            "doc": doc,
            "can_sign": policies.can_sign(actor) and doc.state == "draft",
            "can_number": policies.can_keep_office(actor) and doc.state == "signed",
            "can_attach": policies.can_keep_office(actor) and doc.state != "issued",
            "can_issue": policies.can_keep_office(actor) and doc.state == "numbered",
            "late": bool(doc.issue_due and doc.state != "issued" and clock.today() > doc.issue_due),
            "max_mb": filetypes.max_bytes() // 1048576,
            "recipients_lines": doc.recipients.splitlines(),
        },
    )


def _step(request, document_id: int, action, done: str):
    actor = request.actor
    policies.access_outgoing(actor, document_id)
    try:
        action(actor=actor, document_id=document_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("correspondence:outgoing_detail", document_id=document_id)


@login_required
@require_POST
def outgoing_sign(request, document_id: int):
    return _step(request, document_id, actions.outgoing_sign, "Đã ký văn bản.")


@login_required
@require_POST
def outgoing_number(request, document_id: int):
    return _step(request, document_id, actions.outgoing_number, "Đã cấp số và ngày văn bản.")


@login_required
@require_POST
def outgoing_issue(request, document_id: int):
    return _step(
        request, document_id, actions.outgoing_issue, "Đã ký số cơ quan và phát hành văn bản."
    )


@login_required
@require_POST
def outgoing_attach(request, document_id: int):
    actor = request.actor
    policies.access_outgoing(actor, document_id)
    try:
        actions.outgoing_attach(
            actor=actor, document_id=document_id, upload=request.FILES.get("file")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã lưu bản PDF của văn bản.")
    return redirect("correspondence:outgoing_detail", document_id=document_id)


@login_required
def outgoing_file(request, document_id: int):
    """The kept PDF after the permission check (never a public media URL)."""
    doc = policies.access_outgoing(request.actor, document_id)
    if not doc.file:
        raise Http404("Không tìm thấy tệp.")
    try:
        handle = doc.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("Không tìm thấy tệp.") from None
    response = FileResponse(
        handle,
        as_attachment=request.GET.get("inline") != "1",
        filename=doc.file_name or "van-ban.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; object-src 'self'"
    return response
