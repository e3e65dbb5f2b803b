"""Doors of the document register: the outgoing register, a new draft, a document's page with
its steps (sign, number, keep the file copy, issue) and the permission-checked file.
Thin: parse → access/check → action → render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hoso.accounts.policies import not_found
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.correspondence import actions, policies, registers, selectors
from hoso.correspondence.errors import CorrespondenceError as E
from hoso.correspondence.models import AssigneeRole, IncomingState, Medium, Register, Urgency
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


# --- incoming -------------------------------------------------------------------------------


def _date(value: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError(E.BAD_DATE, "Ngày không hợp lệ.", field="date") from None


@login_required
def index(request):
    if policies.can_open_register(request.actor):
        return redirect("correspondence:outgoing")
    return redirect("correspondence:incoming")


@login_required
def incoming_index(request):
    actor = request.actor
    if actor.school is None or (actor.staff is None and not policies.can_open_register(actor)):
        raise not_found(actor, "correspondence.incoming")
    confidential = request.GET.get("so") == "mat"
    if confidential and not policies.can_see_confidential_register(actor):
        raise not_found(actor, "correspondence.incoming_confidential")
    register = Register.INCOMING_CONFIDENTIAL if confidential else Register.INCOMING
    try:
        year = int(request.GET.get("nam") or clock.today().year)
    except ValueError:
        year = clock.today().year
    q = request.GET.get("q", "")[:200]
    items = list(selectors.incoming_list(actor, register=register, year=year, q=q)[:500])
    return render(
        request,
        "correspondence/incoming_list.html",
        {
            "items": items,
            "year": year,
            "q": q,
            "confidential": confidential,
            "can_register": policies.can_keep_office(actor),
            "can_see_confidential": policies.can_see_confidential_register(actor),
            "sees_register": policies.can_open_register(actor),
            "today": clock.today(),
        },
    )


INCOMING_FIELDS = (
    "author",
    "their_symbol",
    "their_date",
    "type_name",
    "summary",
    "urgency",
    "medium",
    "confidential",
)


@login_required
def incoming_new(request):
    actor = request.actor
    if not policies.can_keep_office(actor):
        raise not_found(actor, "correspondence.incoming_new")
    form = dict.fromkeys(INCOMING_FIELDS, "")
    form.update(urgency=Urgency.NORMAL, medium=Medium.ELECTRONIC, type_name="Công văn")
    error = None
    if request.method == "POST":
        form = {key: request.POST.get(key, "") for key in INCOMING_FIELDS}
        try:
            doc = actions.incoming_register(
                actor=actor,
                author=form["author"],
                their_symbol=form["their_symbol"],
                their_date=_date(form["their_date"]),
                type_name=form["type_name"],
                summary=form["summary"],
                urgency=form["urgency"],
                medium=form["medium"],
                confidential=bool(form["confidential"]) and policies.can_draft_confidential(actor),
                upload=request.FILES.get("file"),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, f"Đã đăng ký văn bản đến số {doc.number}.")
            return redirect("correspondence:incoming_detail", document_id=doc.pk)
    return render(
        request,
        "correspondence/incoming_new.html",
        {
            "form": form,
            "error": error,
            "urgencies": Urgency.choices,
            "media": Medium.choices,
            "types": selectors.document_types(actor.school),
            "accept": filetypes.ACCEPT,
            "max_mb": filetypes.max_bytes() // 1048576,
        },
        status=422 if error else 200,
    )


@login_required
def incoming_detail(request, document_id: int):
    actor = request.actor
    doc = policies.access_incoming(actor, document_id)
    assignees = list(doc.assignees.select_related("user"))
    mine = next((a for a in assignees if a.user_id == actor.user.pk), None)
    is_lead = bool(mine and mine.role == AssigneeRole.LEAD)
    today = clock.today()
    replies = []
    if doc.state == IncomingState.DIRECTED and (is_lead or policies.can_keep_office(actor)):
        replies = list(
            selectors.outgoing_list(actor, year=None)
            .filter(number__isnull=False)
            .only("pk", "symbol", "summary", "doc_type__name")[:200]
        )
    return render(
        request,
        "correspondence/incoming_detail.html",
        {
            "doc": doc,
            "assignees": assignees,
            "progress": list(doc.progress.select_related("author")),
            "can_present": policies.can_keep_office(actor) and doc.state == "registered",
            "can_direct": policies.can_direct(actor) and doc.state in ("registered", "presented"),
            "can_ack": bool(mine and mine.acknowledged_at is None),
            "can_progress": bool(mine) and doc.state == IncomingState.DIRECTED,
            "can_done": (is_lead or policies.can_direct(actor))
            and doc.state == IncomingState.DIRECTED,
            "replies": replies,
            "candidates": selectors.routing_candidates(doc.school)
            if policies.can_direct(actor)
            else [],
            "present_late": doc.state == "registered" and today > doc.present_due,
            "late": bool(
                doc.deadline and doc.state == IncomingState.DIRECTED and today > doc.deadline
            ),
            "form": {},
            "error": None,
        },
    )


def _incoming_step(request, document_id: int, call, done: str):
    actor = request.actor
    policies.access_incoming(actor, document_id)
    try:
        call(actor)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("correspondence:incoming_detail", document_id=document_id)


@login_required
@require_POST
def incoming_present(request, document_id: int):
    return _incoming_step(
        request,
        document_id,
        lambda a: actions.incoming_present(actor=a, document_id=document_id),
        "Đã trình văn bản.",
    )


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


@login_required
@require_POST
def incoming_direct(request, document_id: int):
    post = request.POST

    def call(actor):
        actions.incoming_direct(
            actor=actor,
            document_id=document_id,
            lead_user_id=int(post.get("lead") or 0) if str(post.get("lead", "")).isdigit() else 0,
            support_user_ids=_ids(post.getlist("support")),
            deadline=_date(post.get("deadline", "")),
            directive=post.get("directive", ""),
        )

    return _incoming_step(request, document_id, call, "Đã cho ý kiến chỉ đạo và chuyển văn bản.")


@login_required
@require_POST
def incoming_acknowledge(request, document_id: int):
    return _incoming_step(
        request,
        document_id,
        lambda a: actions.incoming_acknowledge(actor=a, document_id=document_id),
        "Đã ký nhận văn bản.",
    )


@login_required
@require_POST
def incoming_progress(request, document_id: int):
    text = request.POST.get("progress", "")
    return _incoming_step(
        request,
        document_id,
        lambda a: actions.incoming_progress_add(actor=a, document_id=document_id, text=text),
        "Đã cập nhật tiến độ.",
    )


@login_required
@require_POST
def incoming_reply(request, document_id: int):
    reply = request.POST.get("reply", "")
    return _incoming_step(
        request,
        document_id,
        lambda a: actions.incoming_reply_link(
            actor=a, document_id=document_id, outgoing_id=int(reply) if reply.isdigit() else 0
        ),
        "Đã ghi văn bản trả lời.",
    )


@login_required
@require_POST
def incoming_done(request, document_id: int):
    return _incoming_step(
        request,
        document_id,
        lambda a: actions.incoming_done(actor=a, document_id=document_id),
        "Đã kết thúc giải quyết văn bản.",
    )


@login_required
def incoming_file(request, document_id: int):
    doc = policies.access_incoming(request.actor, document_id)
    if not doc.file:
        raise Http404("Không tìm thấy tệp.")
    try:
        handle = doc.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("Không tìm thấy tệp.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=doc.file_name or "van-ban-den",
        content_type=doc.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def overdue_board(request):
    """What is late: incoming not presented, not directed or not done in time; outgoing signed
    and not issued by the next working day (the clerk's and the principal's board)."""
    actor = request.actor
    if not policies.can_see_overdue_board(actor):
        raise not_found(actor, "correspondence.overdue")
    return render(
        request,
        "correspondence/overdue.html",
        {
            "incoming": list(selectors.incoming_overdue(actor)[:500]),
            "outgoing": list(selectors.outgoing_overdue(actor)[:500]),
            "today": clock.today(),
        },
    )


# --- printed registers ----------------------------------------------------------------------


def _register_book(request, book_key: str):
    actor = request.actor
    book = registers.BOOKS.get(book_key)
    confidential = request.GET.get("so") == "mat"
    allowed = (
        policies.can_see_confidential_register(actor)
        if confidential
        else policies.can_open_register(actor)
    )
    if book is None or not allowed:
        raise not_found(actor, f"correspondence.register {book_key}")
    try:
        year = int(request.GET.get("nam") or clock.today().year)
    except ValueError:
        year = clock.today().year
    data = registers.register_data(
        school=actor.school, book=book, year=year, confidential=confidential
    )
    suffix = "-mat" if confidential else ""
    return data, f"so-van-ban-{book.key}{suffix}-{year}"


@login_required
def register_pdf(request, book_key: str):
    """The register printed (A4 landscape, every Appendix IV column) for binding."""
    data, name = _register_book(request, book_key)
    try:
        pdf = registers.render_register(data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("correspondence:index")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def register_xlsx(request, book_key: str):
    data, name = _register_book(request, book_key)
    response = HttpResponse(
        registers.register_excel(data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
