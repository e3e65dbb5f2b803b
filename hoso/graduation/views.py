"""Pages of completion and graduation: parse → access → action/selector → render.

Domain errors of the POST views come back as a flash message on the page they came from
(``errors_return_to``); the diploma-book form keeps what was typed."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from hoso.accounts.boundary import errors_return_to, return_on_error
from hoso.accounts.policies import not_found
from hoso.core.errors import DomainError, PermissionDeniedError
from hoso.graduation import actions, conditions, documents, policies, selectors
from hoso.graduation.errors import GraduationError
from hoso.graduation.models import Candidate, CouncilMember, DiplomaEntry, GraduationRound
from hoso.organisation.models import Staff
from hoso.students.models import Student

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(content: bytes, name: str, mime: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = content_disposition_header(not inline, name)
    return response


def _date(raw: str | None, label: str, field: str) -> date:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        raise DomainError(
            GraduationError.BAD_INPUT, f"{label}: hãy nhập một ngày hợp lệ.", field=field
        ) from None


def _use(request):
    actor = request.actor
    if not policies.can_use(actor) or actor.year is None:
        raise not_found(actor, "tốt nghiệp")
    return actor


def _index_page(request, *, form=None, error: str = "", status: int = 200):
    actor = _use(request)
    year = actor.year
    return render(
        request,
        "graduation/index.html",
        {
            "year": year,
            "rounds": selectors.year_rounds(year),
            "can_manage": policies.can_manage(actor),
            "reads_school": policies.reads_school(actor),
            "completion_list": selectors.offers_primary(actor.school),
            "lower_secondary": selectors.offers_lower_secondary(actor.school),
            "authority": selectors.authority_title(actor.school),
            "max_rounds": conditions.max_rounds_general(),
            "form": form or {},
            "error": error,
        },
        status=status,
    )


@login_required
def index(request):
    return _index_page(request)


@login_required
def primary(request, fmt: str = ""):
    actor = _use(request)
    if fmt not in ("", "pdf", "xlsx") or not selectors.offers_primary(actor.school):
        raise not_found(actor, f"danh sách hoàn thành tiểu học {fmt}")
    listing = selectors.primary_completion(actor, actor.year)
    if fmt:
        rows = len(listing.completed) + len(listing.not_completed)
        actions.export_logged(
            actor=actor,
            what=f"Danh sách hoàn thành chương trình tiểu học ({fmt})",
            year=actor.year,
            rows=rows,
        )
        name = f"hoan-thanh-tieu-hoc-{actor.year.name}"
        if fmt == "pdf":
            return _file(
                documents.primary_completion_pdf(listing),
                f"{name}.pdf",
                "application/pdf",
                inline=True,
            )
        return _file(documents.primary_completion_xlsx(listing), f"{name}.xlsx", XLSX)
    return render(request, "graduation/primary.html", {"listing": listing, "year": actor.year})


@login_required
@require_POST
@errors_return_to("graduation:index", refusals=True)
def round_create(request):
    actor = _use(request)
    try:
        rnd = actions.round_create(
            actor=actor,
            year=actor.year,
            review_date=_date(request.POST.get("review_date"), "Ngày họp xét", "review_date"),
            council_decision=request.POST.get("council_decision", ""),
        )
    except DomainError as exc:
        if isinstance(exc, PermissionDeniedError):
            raise
        return _index_page(request, form=request.POST, error=exc.message, status=400)
    messages.success(request, f"Đã mở đợt xét {rnd.number}.")
    return redirect("graduation:round", round_id=rnd.pk)


def _round_page(request, rnd: GraduationRound, *, form=None, error: str = "", status=200):
    actor = request.actor
    lists = selectors.round_lists(actor, rnd)
    manage = policies.can_manage(actor)
    editable = manage and rnd.state in (GraduationRound.State.DRAFT, GraduationRound.State.REVIEWED)
    return render(
        request,
        "graduation/round.html",
        {
            "rnd": rnd,
            "lists": lists,
            "members": list(selectors.council(rnd)) if policies.reads_school(actor) else [],
            "problems": actions.council_problems(rnd) if editable else [],
            "warnings": actions.council_warnings(rnd) if editable else [],
            "can_manage": manage,
            "reads_school": policies.reads_school(actor),
            "editable": editable,
            "staff": Staff.objects.filter(school=actor.school, is_active=True).order_by("sort_name")
            if editable
            else [],
            "roles": CouncilMember.Role.choices,
            "kinds": CouncilMember.Kind.choices,
            "items": conditions.dossier_items(),
            "authority": rnd.authority or selectors.authority_title(rnd.school),
            "labels": conditions.CONDITION_LABELS,
            "form": form or {},
            "error": error,
        },
        status=status,
    )


@login_required
def round_detail(request, round_id: int):
    return _round_page(request, policies.access_round(request.actor, round_id))


# The forms whose typed text is shown again with the error (the others are a click or a tick).
TYPED_FORMS = frozenset({"ket-luan", "de-nghi", "quyet-dinh"})


@login_required
@require_POST
def round_act(request, round_id: int, what: str):
    actor = request.actor
    rnd = policies.access_round(actor, round_id)
    return_on_error(request, reverse("graduation:round", args=[rnd.pk]), refusals=True)
    try:
        done = _round_step(request, actor, rnd, what)
    except DomainError as exc:
        if what not in TYPED_FORMS or isinstance(exc, PermissionDeniedError):
            raise
        rnd.refresh_from_db()
        return _round_page(request, rnd, form=request.POST, error=exc.message, status=400)
    messages.success(request, done)
    return redirect("graduation:round", round_id=rnd.pk)


def _round_step(request, actor, rnd: GraduationRound, what: str) -> str:
    post = request.POST
    if what == "thanh-vien":
        staff = Staff.objects.filter(pk=post.get("staff") or 0, school=actor.school).first()
        if staff is None:
            raise DomainError(GraduationError.MEMBER_NOT_STAFF, "Hãy chọn một cán bộ của trường.")
        actions.council_member_add(
            actor=actor, rnd=rnd, staff=staff, role=post.get("role", ""), kind=post.get("kind", "")
        )
        done = f"Đã thêm {staff.full_name} vào hội đồng."
    elif what == "bo-thanh-vien":
        member = rnd.members.filter(pk=post.get("member") or 0).select_related("staff").first()
        if member is None:
            raise not_found(actor, f"thành viên hội đồng {post.get('member')}")
        actions.council_member_remove(actor=actor, member=member)
        done = "Đã bỏ thành viên khỏi hội đồng."
    elif what == "xet":
        actions.round_review(actor=actor, rnd=rnd)
        done = "Hội đồng đã xét: danh sách 1 và danh sách 2 đã lập."
    elif what == "ho-so":
        cand = Candidate.objects.filter(round=rnd, pk=post.get("candidate") or 0).first()
        if cand is None or cand.school_class_id not in policies.visible_class_ids(
            actor, {cand.school_class_id}
        ):
            raise not_found(actor, f"học sinh dự xét {post.get('candidate')}")
        actions.candidate_update(
            actor=actor,
            candidate=cand,
            dossier={i.code: post.get(f"item-{i.code}") == "1" for i in conditions.dossier_items()},
            has_priority=post.get("has_priority") == "1",
            age_exception=post.get("age_exception", ""),
        )
        done = "Đã lưu hồ sơ dự xét và xét lại học sinh."
    elif what == "ket-luan":
        actions.round_minutes_note_set(actor=actor, rnd=rnd, note=post.get("note", ""))
        done = "Đã lưu ý kiến, kết luận của hội đồng."
    elif what == "de-nghi":
        actions.round_propose(
            actor=actor,
            rnd=rnd,
            proposal_number=post.get("proposal_number", ""),
            proposal_date=_date(post.get("proposal_date"), "Ngày tờ trình", "proposal_date"),
        )
        done = "Đã ghi nhận tờ trình đề nghị công nhận tốt nghiệp."
    elif what == "quyet-dinh":
        left_out = [int(v) for v in post.getlist("left_out") if v.isdigit()]
        actions.round_record_decision(
            actor=actor,
            rnd=rnd,
            decision_number=post.get("decision_number", ""),
            decision_date=_date(post.get("decision_date"), "Ngày quyết định", "decision_date"),
            signer=post.get("signer", ""),
            not_recognised=left_out,
        )
        done = "Đã ghi nhận quyết định công nhận tốt nghiệp."
    else:
        raise not_found(actor, f"thao tác {what}")
    return done


DOCUMENTS = {
    "danh-sach.pdf": "Danh sách 1, danh sách 2 (PDF)",
    "danh-sach.xlsx": "Danh sách 1, danh sách 2 (Excel)",
    "bien-ban.pdf": "Biên bản họp hội đồng",
    "to-trinh.pdf": "Tờ trình đề nghị công nhận",
}


@login_required
def round_document(request, round_id: int, name: str):
    actor = request.actor
    rnd = policies.access_round(actor, round_id)
    if name not in DOCUMENTS:
        raise not_found(actor, f"tài liệu {name}")
    if name in ("bien-ban.pdf", "to-trinh.pdf") and not policies.reads_school(actor):
        raise not_found(actor, f"tài liệu {name} của đợt {rnd.pk}")
    lists = selectors.round_lists(actor, rnd)
    actions.export_logged(
        actor=actor,
        what=f"{DOCUMENTS[name]}, đợt {rnd.number}",
        year=rnd.year,
        rows=len(lists.eligible) + len(lists.not_eligible),
    )
    base = f"tot-nghiep-{rnd.year.name}-dot-{rnd.number}"
    if name == "danh-sach.xlsx":
        return _file(documents.round_lists_xlsx(lists), f"{base}-danh-sach.xlsx", XLSX)
    render_doc = {
        "danh-sach.pdf": documents.round_lists_pdf,
        "bien-ban.pdf": documents.minutes_pdf,
        "to-trinh.pdf": documents.proposal_pdf,
    }[name]
    return _file(render_doc(rnd, lists), f"{base}-{name}", "application/pdf", inline=True)


# ------------------------------------------------------------------------ diploma-issue book


def _book_context(actor, form=None, error=None) -> dict:
    book = selectors.diploma_book(actor.year)
    entries = selectors.book_entries(book)
    return {
        "year": actor.year,
        "book": book,
        "entries": entries,
        "classes": selectors.student_classes(actor.year, [e.student_id for e in entries]),
        "waiting": selectors.recognised_without_entry(actor.year)
        if policies.can_manage(actor)
        else [],
        "can_manage": policies.can_manage(actor),
        "form": form or {},
        "error": error,
        "receivers": DiplomaEntry.Receiver.choices,
    }


def _book_reader(request):
    actor = request.actor
    if not policies.reads_school(actor) or actor.year is None:
        raise not_found(actor, "sổ cấp phát văn bằng")
    return actor


@login_required
def book(request):
    actor = _book_reader(request)
    return render(request, "graduation/book.html", _book_context(actor))


@login_required
def book_pdf(request):
    actor = _book_reader(request)
    book = selectors.diploma_book(actor.year)
    if book is None:
        raise not_found(actor, f"sổ cấp phát văn bằng {actor.year.name}")
    entries = selectors.book_entries(book)
    actions.export_logged(
        actor=actor,
        what=f"Sổ cấp phát văn bằng quyển {book.number}",
        year=actor.year,
        rows=len(entries),
    )
    classes = selectors.student_classes(actor.year, [e.student_id for e in entries])
    return _file(
        documents.diploma_book_pdf(book, entries, classes),
        f"so-cap-phat-van-bang-{actor.year.name}.pdf",
        "application/pdf",
        inline=True,
    )


def _entry_values(post) -> dict:
    raw = (post.get("received_on") or "").strip()
    return {
        "serial_number": post.get("serial_number", ""),
        "register_number": post.get("register_number", ""),
        "received_on": _date(raw, "Ngày nhận", "received_on") if raw else None,
        "receiver": post.get("receiver", "self"),
        "authorised_name": post.get("authorised_name", ""),
        "authorised_id_number": post.get("authorised_id_number", ""),
        "note": post.get("note", ""),
    }


@login_required
@require_POST
def book_add(request):
    actor = _book_reader(request)
    student = Student.objects.filter(
        pk=request.POST.get("student") or 0, school=actor.school
    ).first()
    try:
        if student is None:
            raise DomainError(GraduationError.BAD_INPUT, "Hãy chọn học sinh.", field="student")
        entry = actions.diploma_entry_add(
            actor=actor, year=actor.year, student=student, values=_entry_values(request.POST)
        )
    except DomainError as exc:
        if exc.code == GraduationError.FORBIDDEN:
            raise
        ctx = _book_context(actor, form=request.POST, error=exc.message)
        return render(request, "graduation/book.html", ctx, status=400)
    messages.success(request, f"Đã ghi số {entry.entry_number} vào sổ.")
    return redirect("graduation:book")


@login_required
@require_POST
@errors_return_to("graduation:book", refusals=True)
def entry_act(request, entry_id: int, what: str):
    actor = request.actor
    entry = policies.access_entry(actor, entry_id)
    if what == "sua":
        actions.diploma_entry_correct(
            actor=actor,
            entry=entry,
            values=_entry_values(request.POST),
            reason=request.POST.get("reason", ""),
        )
        messages.success(request, f"Đã sửa dòng số {entry.entry_number}.")
    elif what == "huy":
        actions.diploma_entry_void(actor=actor, entry=entry, reason=request.POST.get("reason", ""))
        messages.success(request, f"Đã hủy dòng số {entry.entry_number} (số không dùng lại).")
    else:
        raise not_found(actor, f"thao tác {what}")
    return redirect("graduation:book")
