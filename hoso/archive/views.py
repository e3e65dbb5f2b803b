"""Archive pages: exports (with htmx progress), downloads, share links, retention periods, and
the public read-only pages a share link opens. Thin: parse → policy → action/selector → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hoso.accounts.boundary import errors_return_to
from hoso.archive import actions, policies, selectors
from hoso.archive.models import ArchiveExport, ExportState, ShareLink
from hoso.core import clock
from hoso.core.errors import DomainError
from hoso.core.text import nfc
from hoso.records.models import Folder, Submission

ZIP = "application/zip"


def _folder_choices(actor) -> list[tuple[int, str]]:
    """The year's top two folder levels (year → owner), enough to export or share a person's
    or a team's records; deeper folders are reachable by id."""
    roots = list(
        Folder.objects.filter(year=actor.year, parent__isnull=True)
        .order_by("name")
        .values_list("pk", "name")
    )
    children = list(
        Folder.objects.filter(parent_id__in=[pk for pk, _ in roots])
        .order_by("parent_id", "name")
        .values_list("pk", "parent_id", "name")
    )
    out: list[tuple[int, str]] = []
    for pk, name in roots:
        out.append((pk, name))
        out.extend((c, f"{name} / {cname}") for c, parent, cname in children if parent == pk)
    return out


def _index_context(actor, **extra) -> dict:
    exports = list(
        ArchiveExport.objects.filter(school=actor.school)
        .select_related("year", "folder", "requested_by")
        .order_by("-created_at", "-id")[:30]
    )
    links = list(
        ShareLink.objects.filter(school=actor.school)
        .select_related("export", "folder", "created_by")
        .order_by("-created_at", "-id")[:50]
    )
    folders = _folder_choices(actor)
    scopes = [
        (f"xuat:{e.pk}", f"Bản lưu trữ: {e.title} ({timezone.localtime(e.created_at):%d/%m/%Y})")
        for e in exports
        if e.state == ExportState.DONE
    ] + [(f"thu-muc:{pk}", f"Thư mục: {name}") for pk, name in folders]
    return {
        "exports": exports,
        "share_scopes": scopes,
        "links": links,
        "folders": folders,
        "now": clock.now(),
        "min_days": actions.MIN_DAYS,
        "max_days": actions.MAX_DAYS,
        "form": {"days": actions.DEFAULT_DAYS, "recipient": "", "scope": ""},
        **extra,
    }


def _int_or_none(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


@login_required
def index(request):
    actor = request.actor
    policies.require_archivist(actor, what="index")
    return render(request, "archive/index.html", _index_context(actor))


@login_required
@require_POST
@errors_return_to("archive:index", refusals=True)
def export_create(request):
    actor = request.actor
    folder_id = _int_or_none(request.POST.get("thu-muc"))
    export = actions.archive_export_request(actor=actor, folder_id=folder_id)
    return redirect("archive:export_detail", export.pk)


@login_required
def export_detail(request, export_id: int):
    export = policies.access_export(request.actor, export_id)
    return render(request, "archive/export_detail.html", {"export": export})


@login_required
@require_POST
@errors_return_to("archive:export_detail", "export_id", refusals=True)
def export_cancel(request, export_id: int):
    export = policies.access_export(request.actor, export_id)
    actions.archive_export_cancel(actor=request.actor, export=export)
    messages.success(request, "Đã hủy yêu cầu tạo bản lưu trữ.")
    return redirect("archive:export_detail", export_id)


@login_required
@require_POST
@errors_return_to("archive:export_detail", "export_id", refusals=True)
def export_retry(request, export_id: int):
    export = policies.access_export(request.actor, export_id)
    actions.archive_export_retry(actor=request.actor, export=export)
    messages.success(request, "Đã đưa bản lưu trữ vào hàng đợi để tạo lại.")
    return redirect("archive:export_detail", export_id)


@login_required
def export_progress(request, export_id: int):
    """The progress fragment, polled by htmx every second until the export is finished."""
    export = policies.access_export(request.actor, export_id)
    return render(request, "archive/export_progress.html", {"export": export})


@login_required
@errors_return_to("archive:export_detail", "export_id", refusals=True)
def export_download(request, export_id: int):
    export = policies.access_export(request.actor, export_id)
    actions.archive_export_download_logged(actor=request.actor, export=export)
    return _stream_export(export)


def _stream_export(export: ArchiveExport):
    try:
        stream = export.file.open("rb")
    except (OSError, ValueError):
        raise Http404("Tệp lưu trữ không còn trong kho.")
    name = export.file.name.rsplit("/", 1)[-1]
    return FileResponse(stream, as_attachment=True, filename=name, content_type=ZIP)


@login_required
@require_POST
@never_cache
def share_create(request):
    actor = request.actor
    post = request.POST
    scope = nfc(post.get("pham-vi", ""))
    form = {
        "recipient": nfc(post.get("nguoi-nhan", ""))[:200],
        "days": post.get("so-ngay", ""),
        "scope": scope,
    }
    kind, _, raw_id = scope.partition(":")
    days = _int_or_none(form["days"])
    try:
        link, token = actions.share_link_create(
            actor=actor,
            recipient=form["recipient"],
            days=days if days is not None else -1,
            export_id=_int_or_none(raw_id) if kind == "xuat" else None,
            folder_id=_int_or_none(raw_id) if kind == "thu-muc" else None,
        )
    except DomainError as exc:
        context = _index_context(actor, form=form, share_error=exc.message)
        return render(request, "archive/index.html", context, status=400)
    url = request.build_absolute_uri(reverse("archive:shared", args=[token]))
    response = render(request, "archive/share_created.html", {"link": link, "url": url})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
@errors_return_to("archive:index", refusals=True)
def share_revoke(request, link_id: int):
    actions.share_link_revoke(actor=request.actor, link_id=link_id)
    messages.success(request, "Đã thu hồi đường link.")
    return redirect("archive:index")


@login_required
def retention(request):
    actor = request.actor
    policies.require_archivist(actor, what="retention")
    return render(
        request,
        "archive/retention.html",
        {"rows": selectors.retention_rows(actor.school, actor.year), "year": actor.year},
    )


# --- public pages of a share link (no login; every use audited with the IP) ----------------------


def _private(response):
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def _open(token: str, what: str) -> ShareLink:
    link = actions.share_link_open(token=token, what=what)
    if link is None:
        raise Http404("Đường link không tồn tại, đã hết hạn hoặc đã bị thu hồi.")
    return link


def shared(request, token: str):
    link = _open(token, "trang chia sẻ")
    files = []
    if link.folder_id:
        folder = Folder.objects.select_related("year").get(pk=link.folder_id)
        files = list(
            selectors.export_submissions(school=link.school, year=folder.year, folder=folder)[:2000]
        )
    context = {"link": link, "files": files, "token": token}
    if link.export_id:
        context["export"] = ArchiveExport.objects.select_related("year").get(pk=link.export_id)
    return _private(render(request, "archive/shared.html", context))


def shared_export(request, token: str):
    link = _open(token, "tải bản lưu trữ")
    if not link.export_id:
        raise Http404("Không tìm thấy.")
    export = ArchiveExport.objects.get(pk=link.export_id)
    return _private(_stream_export(export))


def shared_file(request, token: str, submission_id: int):
    link = _open(token, f"tệp #{submission_id}")
    if not link.folder_id:
        raise Http404("Không tìm thấy.")
    folder = Folder.objects.get(pk=link.folder_id)
    sub = Submission.objects.filter(
        pk=submission_id,
        obligation__school_id=link.school_id,
        obligation__folder_id__in=selectors.folder_subtree_ids(folder),
    ).first()
    if sub is None:
        raise Http404("Không tìm thấy.")
    try:
        stream = sub.file.open("rb")
    except (OSError, ValueError):
        raise Http404("Tệp không còn trong kho lưu trữ.")
    return _private(
        FileResponse(
            stream,
            as_attachment=True,
            filename=sub.original_name,
            content_type=sub.content_type or "application/octet-stream",
        )
    )
