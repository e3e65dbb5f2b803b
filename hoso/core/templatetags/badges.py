"""``{% load badges %}{% state_badge "imports.batch" batch %}`` — the one state badge.

The first argument names a registered badge set (``hoso.core.badges.register``); the second is a
state value, or an object whose state (and, where registered, detail and tone) is read."""

from django import template
from django.utils.html import format_html

from hoso.core.badges import badge_for

register = template.Library()


@register.simple_tag
def state_badge(name: str, value_or_obj) -> str:
    badge = badge_for(name, value_or_obj)
    return format_html(
        '<span class="badge{}"{}>{}{}</span>',
        f" {badge.tone}" if badge.tone else "",
        format_html(' data-state="{}"', badge.value) if badge.data_state else "",
        badge.label,
        f" {badge.detail}" if badge.detail else "",
    )
