"""Search page (files found open through records:file, which checks the scope again). Thin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from hoso.accounts.policies import log_denied
from hoso.core.text import nfc
from hoso.records import search
from hoso.records.models import RecordType


def _int(raw: str, errors: list[str]) -> int | None:
    raw = nfc(raw)
    if not raw:
        return None
    if raw.isdigit():
        return int(raw)
    errors.append(f"Bộ lọc “{raw[:40]}” không hợp lệ; đã bỏ qua.")
    return None


@login_required
def search_page(request):
    from hoso.organisation.models import SchoolYear, Staff

    actor = request.actor
    if not search.can_search(actor):
        log_denied(actor, kind="forbidden", what="records search")
        raise PermissionDenied("Bạn không có quyền tìm kiếm hồ sơ.")
    errors: list[str] = []
    get = request.GET
    raw_year = get.get("nam", "")
    year_id = _int(raw_year, errors)
    if year_id is None and not raw_year and actor.year is not None:
        year_id = actor.year.pk
    query = search.SearchQuery(
        text=nfc(get.get("q", ""))[:200],
        record_type_id=_int(get.get("loai", ""), errors),
        owner_staff_id=_int(get.get("nguoi", ""), errors),
        period=nfc(get.get("ky", ""))[:60],
        year_id=year_id,
    )
    hits = search.records_search(actor, query)
    owners = Staff.objects.filter(
        pk__in=search.visible_obligations(actor)
        .filter(owner_staff__isnull=False)
        .values("owner_staff_id")
    ).order_by("sort_name")
    return render(
        request,
        "records/search_page.html",
        {
            "query": query,
            "hits": hits,
            "errors": errors,
            "searched": not query.is_empty,
            "limit": search.MAX_RESULTS,
            "types": RecordType.objects.filter(school=actor.school).order_by("order", "name"),
            "owners": owners,
            "years": SchoolYear.objects.filter(school=actor.school).order_by("-start_date"),
        },
    )
