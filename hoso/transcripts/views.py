"""Staff pages of học bạ số: the classes, a class's board with batch actions, one transcript
(PDF preview, history, signatures, revoke / re-issue / export) and the clerk's search.
Thin: parse → access_* → action/selector → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from hoso.accounts.boundary import errors_return_to, return_on_error
from hoso.accounts.policies import not_found
from hoso.core.errors import DomainError
from hoso.transcripts import actions, policies, selectors, verification
from hoso.transcripts.content import leaving_in_words, periods_in_words
from hoso.transcripts.models import Transcript, TranscriptRevision
from hoso.transcripts.workflow import Step, allowed

S = Transcript.State
STATE_BADGES = {
    S.DRAFT: "warn",
    S.HOMEROOM_SIGNED: "warn",
    S.CHECKED: "warn",
    S.PRINCIPAL_SIGNED: "warn",
    S.ISSUED: "ok",
    S.REVOKED: "err",
    S.SUPERSEDED: "",
}
EVENT_TEXT = {
    "drafted": "Lập bản nháp",
    "homeroom_signed": "Giáo viên chủ nhiệm ký",
    "checked": "Phó hiệu trưởng kiểm tra, đồng ý",
    "returned": "Phó hiệu trưởng trả lại",
    "principal_signed": "Hiệu trưởng ký duyệt",
    "issued": "Văn thư ký số của nhà trường, cấp học bạ",
    "revoked": "Thu hồi",
    "reissue_started": "Bắt đầu cấp lại",
    "superseded": "Bị thay thế do dữ liệu thay đổi",
    "data_changed": "Dữ liệu thay đổi sau khi cấp",
    "data_restored": "Dữ liệu trở lại như khi cấp",
    "exported": "Xuất cho học sinh",
}


def _actor(request):
    actor = request.actor
    if not policies.can_use(actor):
        raise not_found(actor, "học bạ số")
    return actor


def _verify_url() -> str:
    """The public page's address (mounted by hoso/urls.py at /xac-minh/)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("verify:index")
    except NoReverseMatch:
        return "/xac-minh/"


@login_required
def index(request):
    actor = _actor(request)
    return render(
        request,
        "transcripts/index.html",
        {
            "summaries": selectors.class_summaries(actor),
            "can_search": policies.sees_school(actor),
            "verify_url": _verify_url(),
            "badges": STATE_BADGES,
            "states": S,
        },
    )


@login_required
def search(request):
    actor = _actor(request)
    if not policies.sees_school(actor):
        raise not_found(actor, "tra cứu học bạ")
    query = request.GET.get("q", "").strip()
    results = selectors.search(actor, query) if query else []
    return render(
        request,
        "transcripts/search.html",
        {"query": query, "results": results, "badges": STATE_BADGES},
    )


def _class_context(actor, school_class, *, rows=None, **extra) -> dict:
    rows = selectors.class_board(school_class) if rows is None else rows
    live = [r.transcript for r in rows if r.transcript and r.transcript.is_live]
    states = {t.state for t in live}
    missing = sum(1 for r in rows if r.transcript is None or not r.transcript.is_live)
    # In a closed year only the re-issues of revoked transcripts go through the chain.
    reissue = not school_class.year.writable_for("transcripts") and any(
        t.supersedes_id for t in live
    )
    return {
        "school_class": school_class,
        "rows": rows,
        "badges": STATE_BADGES,
        "missing": missing,
        "count": {s: sum(1 for t in live if t.state == s) for s in S.values},
        "can_draft": policies.can_draft(actor, school_class),
        "can_homeroom_sign": policies.can_homeroom_sign(actor, school_class, reissue=reissue)
        and S.DRAFT in states,
        "can_check": policies.can_check(actor, school_class, reissue=reissue)
        and bool(states & {S.HOMEROOM_SIGNED, S.CHECKED}),
        "can_check_approve": policies.can_check(actor, school_class, reissue=reissue)
        and S.HOMEROOM_SIGNED in states,
        "can_principal_sign": policies.can_principal_sign(actor, school_class, reissue=reissue)
        and S.CHECKED in states,
        "can_issue": policies.can_issue(actor, school_class, reissue=reissue)
        and S.PRINCIPAL_SIGNED in states,
        "stale": [t for t in live if t.stale_since],
        "pending": periods_in_words(live),
        "leavers": [
            {"name": r.enrolment.student.full_name, **left}
            for r in rows
            if r.transcript is not None
            and r.transcript.is_live
            and (left := leaving_in_words((r.transcript.data or {}).get("content") or {}))
        ],
        **extra,
    }


@login_required
def class_page(request, class_id: int):
    actor = _actor(request)
    school_class = policies.access_class(actor, class_id)
    refreshed = None
    rows = selectors.class_board(school_class)
    if policies.can_refresh(actor, school_class):
        # The board compares the living version of each of its students with the grade book
        # (hash), the class's contents built at once; only the changed versions are written,
        # and the board is read again only then.
        living = []
        for row in rows:
            if row.transcript is not None and row.transcript.is_live:
                row.transcript.student = row.enrolment.student
                living.append(row.transcript)
        refreshed = actions.transcripts_refresh(
            year=school_class.year, living=living, actor_user=actor.user
        )
        if refreshed.written:
            rows = selectors.class_board(school_class)
    if refreshed and refreshed.superseded:
        messages.warning(
            request,
            f"Dữ liệu của {len(refreshed.superseded)} học bạ đã thay đổi: đã lập bản mới, "
            "người đã ký được thông báo để ký lại.",
        )
    return render(request, "transcripts/class.html", _class_context(actor, school_class, rows=rows))


def _class_error(request, actor, school_class, exc: DomainError, **typed):
    context = _class_context(actor, school_class, error=exc.message, error_code=exc.code, **typed)
    return render(request, "transcripts/class.html", context, status=400)


@require_POST
@login_required
def draft(request, class_id: int):
    actor = _actor(request)
    school_class = policies.access_class(actor, class_id)
    try:
        result = actions.transcripts_draft_class(actor=actor, school_class=school_class)
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _class_error(request, actor, school_class, exc)
    messages.success(
        request,
        f"Đã lập {len(result.created)} học bạ; {result.unchanged} học bạ không đổi"
        + (f"; {len(result.superseded)} bản được thay thế" if result.superseded else "")
        + ".",
    )
    return redirect("transcripts:class", class_id=class_id)


SIGNERS = {
    "ky-gvcn": (actions.transcripts_homeroom_sign, "Đã ký {n} học bạ (giáo viên chủ nhiệm)"),
    "ky-hieu-truong": (actions.transcripts_principal_sign, "Đã ký duyệt {n} học bạ"),
    "cap": (actions.transcripts_issue, "Đã ký số của nhà trường và cấp {n} học bạ"),
}


def _selected(request) -> list[int] | None:
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    return ids or None


@require_POST
@login_required
def sign(request, class_id: int, what: str):
    actor = _actor(request)
    school_class = policies.access_class(actor, class_id)
    if what not in SIGNERS:
        raise Http404
    action, done_text = SIGNERS[what]
    try:
        result = action(
            actor=actor,
            school_class=school_class,
            secret=request.POST.get("secret", ""),
            transcript_ids=_selected(request),
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _class_error(request, actor, school_class, exc, failed_action=what)
    text = done_text.format(n=len(result.signed)) + f" trong {result.seconds:.1f} giây."
    if result.skipped:
        text += f" {result.skipped} học bạ vừa được người khác thay đổi nên chưa ký."
    messages.success(request, text)
    return redirect("transcripts:class", class_id=class_id)


@require_POST
@login_required
def check(request, class_id: int):
    actor = _actor(request)
    school_class = policies.access_class(actor, class_id)
    approve = request.POST.get("decision") == "approve"
    comment = request.POST.get("comment", "")
    try:
        done = actions.transcripts_check(
            actor=actor,
            school_class=school_class,
            approve=approve,
            comment=comment,
            transcript_ids=_selected(request),
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _class_error(request, actor, school_class, exc, typed_comment=comment)
    if approve:
        messages.success(request, f"Đã kiểm tra, đồng ý {len(done)} học bạ.")
    else:
        messages.success(request, f"Đã trả lại {len(done)} học bạ cho giáo viên chủ nhiệm.")
    return redirect("transcripts:class", class_id=class_id)


def _detail_context(actor, t: Transcript, **extra) -> dict:
    revisions = list(t.revisions.order_by("seq"))
    current = next((r for r in reversed(revisions) if r.file.name == t.pdf.name), None)
    validation = None
    if current is not None and current.kind != TranscriptRevision.Kind.DRAFT:
        validation = verification.validation_for(current)
    versions = list(
        Transcript.objects.filter(student_id=t.student_id, year_id=t.year_id).order_by("-version")
    )
    return {
        "t": t,
        "revisions": revisions,
        "current": current,
        "validation": validation,
        "events": [(e, EVENT_TEXT.get(e.kind, e.kind)) for e in t.events.order_by("at", "pk")],
        "versions": versions,
        "badges": STATE_BADGES,
        "can_revoke": policies.can_revoke(actor, t) and allowed(Step.REVOKE, t.state),
        "can_reissue": policies.can_reissue(actor, t)
        and t.state == S.REVOKED
        and not t.replaced_by_id,
        "can_export": policies.can_export(actor, t) and t.state in (S.ISSUED, S.REVOKED),
        "public_url": actions.engines.public_url(t.code),
        **extra,
    }


@login_required
def detail(request, transcript_id: int):
    actor = _actor(request)
    t = policies.access_transcript(actor, transcript_id)
    return render(request, "transcripts/detail.html", _detail_context(actor, t))


@xframe_options_sameorigin  # previewed inline in the detail page
@login_required
def pdf(request, transcript_id: int, seq: int | None = None):
    actor = _actor(request)
    t = policies.access_transcript(actor, transcript_id)
    if seq is None:
        name = t.pdf.name
    else:
        revision = t.revisions.filter(seq=seq).first()
        if revision is None:
            raise Http404
        name = revision.file.name
    if not name:
        raise Http404
    from django.core.files.storage import default_storage

    response = FileResponse(default_storage.open(name, "rb"), content_type="application/pdf")
    suffix = f"-{seq}" if seq else ""
    response["Content-Disposition"] = (
        f'inline; filename="hoc-ba-{t.student.student_code}-v{t.version}{suffix}.pdf"'
    )
    return response


@require_POST
@login_required
def revoke(request, transcript_id: int):
    actor = _actor(request)
    t = policies.access_transcript(actor, transcript_id)
    reason = request.POST.get("reason", "")
    try:
        actions.transcript_revoke(actor=actor, transcript=t, reason=reason)
    except PermissionDenied:
        raise
    except DomainError as exc:
        context = _detail_context(actor, t, error=exc.message, typed_reason=reason)
        return render(request, "transcripts/detail.html", context, status=400)
    messages.success(request, "Đã thu hồi học bạ. Hãy cấp lại bản đã sửa.")
    return redirect("transcripts:detail", transcript_id=t.pk)


@require_POST
@login_required
@errors_return_to("transcripts:detail", "transcript_id")
def reissue(request, transcript_id: int):
    actor = _actor(request)
    t = policies.access_transcript(actor, transcript_id)
    fresh = actions.transcript_reissue(actor=actor, transcript=t)
    messages.success(
        request,
        f"Đã lập bản {fresh.version} (mã {fresh.code}) để cấp lại; bản này cần được ký lại "
        "theo đúng trình tự.",
    )
    return redirect("transcripts:detail", transcript_id=fresh.pk)


@login_required
@errors_return_to("transcripts:detail", "transcript_id")
def export(request, transcript_id: int):
    actor = _actor(request)
    t = policies.access_transcript(actor, transcript_id)
    name, blob = actions.transcript_export(actor=actor, transcript=t)
    response = HttpResponse(blob, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export_student(request, student_id: int):
    """All the student's issued transcripts (every school year) in one ZIP."""
    actor = _actor(request)
    found = policies.visible_transcripts(actor).filter(student_id=student_id).first()
    if found is None:
        raise not_found(actor, f"học bạ của học sinh #{student_id}")
    return_on_error(request, reverse("transcripts:detail", args=[found.pk]))
    name, blob = actions.transcripts_export_student(actor=actor, student=found.student)
    response = HttpResponse(blob, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@errors_return_to("transcripts:detail", "transcript_id")
def data_json(request, transcript_id: int):
    actor = _actor(request)
    t = policies.access_transcript(actor, transcript_id)
    blob = actions.transcript_json_download(actor=actor, transcript=t)
    response = HttpResponse(blob, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="hoc-ba-{t.student.student_code}-{t.year.name}-v{t.version}.json"'
    )
    return response
