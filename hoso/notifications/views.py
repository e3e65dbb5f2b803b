"""Thông báo: the person's own notifications, newest first; mark one or all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hoso.notifications import actions
from hoso.notifications.selectors import notifications_for, unread_count

PER_PAGE = 50


@login_required
def notification_list(request):
    actor = request.actor
    unread_only = request.GET.get("chua-doc") == "1"
    page = Paginator(notifications_for(actor, unread_only=unread_only), PER_PAGE).get_page(
        request.GET.get("trang")
    )
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only, "unread": unread_count(actor)},
    )


@login_required
@require_POST
def notification_read(request, notification_id: int):
    """Mark read, then open what it points to (an address inside HoSo only)."""
    notification = actions.notification_mark_read(
        actor=request.actor, notification_id=notification_id
    )
    safe = url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=False
    )
    if request.POST.get("open") and notification.url and safe:
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = actions.notifications_mark_all_read(actor=request.actor)
    messages.success(request, f"Đã đánh dấu {count} thông báo là đã đọc.")
    return redirect("notifications:list")
