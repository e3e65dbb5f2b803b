"""Vietnamese date display for the records screens (independent of the active locale)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from hoso.records.schedules import WEEKDAYS

register = template.Library()


@register.filter
def hanvn(value) -> str:
    """ "Thứ Sáu 28/08/2026 23:59" in Asia/Ho_Chi_Minh."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{WEEKDAYS[local.weekday()]} {local:%d/%m/%Y %H:%M}"
