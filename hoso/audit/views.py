from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date

from hoso.accounts.models import User
from hoso.accounts.policies import Perm, log_denied, require
from hoso.audit.actions import chain_key_for
from hoso.audit.anchors import read_anchor_file
from hoso.audit.errors import AuditErrorCode
from hoso.audit.policies import can_view_anchors
from hoso.audit.selectors import anchors_for_school, events_for_school
from hoso.core.errors import PermissionDeniedError


@login_required
def events(request):
    """Nhật ký truy vết for leaders: filter by person, object and date."""
    actor = request.actor
    require(actor, Perm.VIEW_AUDIT, what="nhật ký truy vết")
    g = request.GET
    actor_id = int(g["person"]) if g.get("person", "").isdigit() else None
    qs = events_for_school(
        school_id=actor.school_id,
        actor_id=actor_id,
        target_type=g.get("target_type", ""),
        target_id=g.get("target_id", ""),
        event_type=g.get("type", ""),
        since=parse_date(g.get("since", "") or "") if g.get("since") else None,
        until=parse_date(g.get("until", "") or "") if g.get("until") else None,
    )
    page = Paginator(qs, 50).get_page(g.get("page"))
    people = User.objects.filter(staff_profiles__school=actor.school).order_by("display_name")
    return render(
        request,
        "audit/events.html",
        {"page": page, "people": people, "filters": g, "person": actor_id},
    )


def _require_anchors(actor) -> None:
    if not can_view_anchors(actor):
        log_denied(actor, kind="forbidden", what="mốc neo nhật ký truy vết")
        raise PermissionDeniedError(
            AuditErrorCode.FORBIDDEN, "Bạn không có quyền xem mốc neo nhật ký."
        )


@login_required
def anchors(request):
    """Mốc neo nhật ký: the school's anchored heads and the file to send to the superior body."""
    actor = request.actor
    _require_anchors(actor)
    page = Paginator(anchors_for_school(school_id=actor.school_id), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "audit/anchors.html", {"page": page, "school": actor.school})


@login_required
def anchors_file(request):
    """The school's anchors file as written outside the database (JSON lines)."""
    actor = request.actor
    _require_anchors(actor)
    text = read_anchor_file(chain_key_for(actor.school_id)) or ""
    response = HttpResponse(text.encode("utf-8"), content_type="application/jsonl; charset=utf-8")
    filename = "moc-neo-nhat-ky-" + re.sub(r"[^A-Za-z0-9_.-]", "-", actor.school.code) + ".jsonl"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
