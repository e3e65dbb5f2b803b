from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.dateparse import parse_date

from hoso.accounts.models import User
from hoso.accounts.policies import Perm, require
from hoso.audit.selectors import events_for_school


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
