"""Thông báo: the person's own notifications (mark read), their channel preferences and push
devices, the service worker and web app manifest, and the administrator's delivery log."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from hoso.core.errors import DomainError
from hoso.notifications import actions
from hoso.notifications.channels.registry import provider_for
from hoso.notifications.forms import PreferencesForm, SchoolSettingsForm
from hoso.notifications.models import Channel, Delivery
from hoso.notifications.outbox import school_settings
from hoso.notifications.policies import can_see_deliveries, require_deliveries
from hoso.notifications.selectors import (
    deliveries_for,
    delivery_counts,
    notifications_for,
    preferences_of,
    unread_count,
)

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
        {
            "page": page,
            "unread_only": unread_only,
            "unread": unread_count(actor),
            "can_see_deliveries": can_see_deliveries(actor),
        },
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


def _vapid_public_key() -> str:
    if provider_for(Channel.PUSH) is None:
        return ""
    from hoso.notifications.channels.push import public_key_b64

    return public_key_b64(settings.HOSO_VAPID_PRIVATE_KEY)


@login_required
def preferences(request):
    """Cài đặt nhận thông báo: channels, addresses, quiet hours, weekly digest, push devices."""
    actor = request.actor
    prefs = preferences_of(actor.user)
    fields = ("email", "email_address", "push", "sms", "zalo", "phone", "weekly_digest")
    initial = {f: getattr(prefs, f) for f in fields}
    initial.update(quiet_start=prefs.quiet_start, quiet_end=prefs.quiet_end)
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.preferences_update(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, "Đã lưu cài đặt nhận thông báo.")
            return redirect("notifications:preferences")
    school_quiet = school_settings(actor.school.pk) if actor.school else None
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "devices": list(actor.user.push_subscriptions.all()),
            "vapid_public_key": _vapid_public_key(),
            "school_quiet": school_quiet,
            "configured": {
                c: provider_for(c) is not None for c in ("email", "push", "sms", "zalo")
            },
        },
    )


def _json_body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@login_required
@require_POST
def push_subscribe(request):
    """The page's script registers this device (the browser's PushSubscription as JSON)."""
    data = _json_body(request)
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    try:
        actions.push_subscribe(
            actor=request.actor,
            endpoint=str(data.get("endpoint", "")),
            p256dh=str(keys.get("p256dh", "")),
            auth=str(keys.get("auth", "")),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except DomainError as exc:
        return JsonResponse({"ok": False, "message": exc.message, "code": exc.code}, status=422)
    return JsonResponse({"ok": True, "message": "Đã bật thông báo đẩy trên thiết bị này."})


@login_required
@require_POST
def push_unsubscribe(request):
    if request.content_type == "application/json":
        endpoint = str(_json_body(request).get("endpoint", ""))
    else:
        endpoint = request.POST.get("endpoint", "")
    count = actions.push_unsubscribe(actor=request.actor, endpoint=endpoint)
    if request.content_type == "application/json":
        return JsonResponse({"ok": True, "removed": count})
    messages.success(request, "Đã tắt thông báo đẩy trên thiết bị đó.")
    return redirect("notifications:preferences")


@require_GET
@cache_control(max_age=0, no_cache=True)
def service_worker(request):
    """The service worker at the site's root (its scope is the whole site): shows pushes,
    opens their link, and lets the web app be installed on Android and iOS home screens."""
    from django.contrib.staticfiles import finders

    path = finders.find("hoso/sw.js")
    with open(path, encoding="utf-8") as fh:
        body = fh.read()
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=3600)
def manifest(request):
    data = {
        "name": "HoSo — Sổ liên lạc điện tử",
        "short_name": "HoSo",
        "lang": "vi",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4ed8",
        "icons": [
            {"src": static("hoso/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("hoso/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("hoso/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(
        data,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
def deliveries(request):
    """Nhật ký gửi tin: the school's deliveries per channel and state (administrators)."""
    actor = request.actor
    require_deliveries(actor)
    channel = request.GET.get("kenh", "")
    state = request.GET.get("trang-thai", "")
    channel = channel if channel in Channel.values else ""
    state = state if state in Delivery.State.values else ""
    page = Paginator(deliveries_for(actor, channel=channel, state=state), PER_PAGE).get_page(
        request.GET.get("trang")
    )
    counts = delivery_counts(actor)
    channels = [c for c in Channel.choices if c[0] != Channel.IN_APP]
    table = [
        (label, [counts.get((value, s), 0) for s, _ in Delivery.State.choices])
        for value, label in channels
    ]
    return render(
        request,
        "notifications/deliveries.html",
        {
            "page": page,
            "channel": channel,
            "state": state,
            "channels": channels,
            "states": Delivery.State.choices,
            "table": table,
        },
    )


@login_required
@require_POST
def delivery_retry(request, delivery_id: int):
    try:
        actions.delivery_retry(actor=request.actor, delivery_id=delivery_id)
    except DomainError as exc:
        if exc.code.startswith("notifications_"):
            messages.error(request, exc.message)
            return redirect("notifications:deliveries")
        raise
    messages.success(request, "Đã đưa tin vào hàng đợi gửi lại.")
    return redirect("notifications:deliveries")


@login_required
def school_settings_page(request):
    """Cài đặt gửi tin của trường: quiet hours and the weekly digest's day (school leaders)."""
    from hoso.accounts.policies import Perm, require

    actor = request.actor
    require(actor, Perm.MANAGE_ORGANISATION, what="cài đặt gửi tin của trường")
    if actor.school is None:
        return redirect("notifications:list")
    row = school_settings(actor.school.pk)
    initial = {
        "quiet_start": row.quiet_start,
        "quiet_end": row.quiet_end,
        "digest_weekday": row.digest_weekday,
        "digest_hour": row.digest_hour,
    }
    form = SchoolSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.school_notification_settings_update(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Đã lưu cài đặt gửi tin của trường.")
            return redirect("notifications:school_settings")
    return render(request, "notifications/school_settings.html", {"form": form})
