"""Reminders about records (nhắc nộp hồ sơ): before each deadline and after a miss.

``record_reminders_send`` looks at the active obligations of open years that nobody has submitted:
- **before**: due within the next ``HOSO_RECORD_REMINDER_DAYS`` days (default 2);
- **after**: due in the last ``HOSO_RECORD_REMINDER_MISSED_DAYS`` days (default 14) and still
  missing (older misses are on the compliance board, not re-announced).

Each reminder goes to the person who must submit (a team's records: the team's head) as an in-app
notification, and by e-mail when the person has an address and mail is configured
(``notifications.notify``). Every reminder has a ``dedupe_key`` per (obligation, phase, deadline):
the Notification row is the record of what was sent, so running again sends nothing twice, and a
deadline that moves gets its own new reminder. Records owned by the school itself (no person or
team) are not reminded: they show on the leaders' board.

Run hourly: ``manage.py send_record_reminders`` (cron) or the task ``send_record_reminders``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hoso.core import clock
from hoso.records.models import Obligation, ObligationState

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]
BEFORE, AFTER = "before", "after"
KEY_PREFIX = "records:"


def days_before() -> int:
    return int(getattr(settings, "HOSO_RECORD_REMINDER_DAYS", 2))


def missed_window_days() -> int:
    return int(getattr(settings, "HOSO_RECORD_REMINDER_MISSED_DAYS", 14))


def deadline_text(due_at: datetime) -> str:
    local = timezone.localtime(due_at, LOCAL_TZ)
    return f"{local:%H:%M} {WEEKDAYS[local.weekday()]} {local:%d/%m/%Y}"


@dataclass(frozen=True)
class Reminder:
    obligation_id: int
    user_id: int
    phase: str
    dedupe_key: str
    text: str


@dataclass
class ReminderRun:
    schools: int = 0
    considered: int = 0
    created: int = 0
    before: int = 0
    after: int = 0
    reminders: list[Reminder] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "schools": self.schools,
            "considered": self.considered,
            "created": self.created,
            "before": self.before,
            "after": self.after,
        }


def recipient_of(ob: Obligation):
    """The user who must act: the owner, or the head of the owning team; None otherwise."""
    if ob.owner_staff_id:
        return ob.owner_staff.user
    if ob.owner_department_id and ob.owner_department.head_id:
        return ob.owner_department.head.user
    return None


def reminder_text(ob: Obligation, phase: str, now: datetime) -> str:
    what = f"“{ob.record_type.name} — {ob.period_label}”"
    if ob.owner_department_id and not ob.owner_staff_id:
        what += f" của {ob.owner_department.name}"
    if phase == BEFORE:
        hours = (ob.due_at - now).total_seconds() / 3600
        left = f"còn {int(hours)} giờ" if hours < 24 else f"còn {int(hours // 24)} ngày"
        return f"Nhắc nộp hồ sơ {what}: hạn {deadline_text(ob.due_at)} ({left})."
    return (
        f"Quá hạn nộp hồ sơ {what}: hạn {deadline_text(ob.due_at)} đã qua mà chưa có bản nộp. "
        "Hãy nộp ngay; hồ sơ nộp sau hạn được ghi là nộp muộn."
    )


def due_reminders(school, now: datetime) -> tuple[list[tuple[Obligation, str]], int]:
    """(obligation, phase) pairs to remind now in ``school`` (one query), and how many were
    considered."""
    soon = now + timedelta(days=days_before())
    since = now - timedelta(days=missed_window_days())
    rows = list(
        Obligation.objects.filter(
            school=school,
            year__is_closed=False,
            is_active=True,
            first_submitted_at__isnull=True,
            state__in=[ObligationState.PENDING, ObligationState.DRAFT],
            due_at__gt=since,
            due_at__lte=soon,
        )
        .select_related("record_type", "owner_staff__user", "owner_department__head__user")
        .order_by("due_at", "pk")
    )
    return [(ob, BEFORE if ob.due_at > now else AFTER) for ob in rows], len(rows)


def record_reminders_send(*, now: datetime | None = None, schools=None) -> ReminderRun:
    """Send every reminder due now, once. Idempotent (see the module docstring)."""
    from hoso.notifications.actions import notify
    from hoso.notifications.models import Notification
    from hoso.organisation.models import School

    now = now or clock.now()
    run = ReminderRun()
    for school in schools if schools is not None else School.objects.all():
        pairs, considered = due_reminders(school, now)
        if not pairs:
            continue
        run.schools += 1
        run.considered += considered
        prefix = f"{KEY_PREFIX}{school.pk}:"
        seen = set(
            Notification.objects.filter(school=school, dedupe_key__startswith=prefix).values_list(
                "user_id", "dedupe_key"
            )
        )
        for ob, phase in pairs:
            user = recipient_of(ob)
            if user is None or not user.is_active:
                continue
            key = f"{prefix}{ob.pk}:{phase}:{int(ob.due_at.timestamp())}"
            if (user.pk, key) in seen:
                continue
            text = reminder_text(ob, phase, now)
            made = notify(
                user=user,
                school=school,
                kind=f"records_reminder_{phase}",
                text=text,
                url=reverse("records:obligation", args=[ob.pk]),
                dedupe_key=key,
                email_subject="Nhắc nộp hồ sơ" if phase == BEFORE else "Quá hạn nộp hồ sơ",
            )
            if made is None:
                continue
            seen.add((user.pk, key))
            run.created += 1
            if phase == BEFORE:
                run.before += 1
            else:
                run.after += 1
            run.reminders.append(
                Reminder(
                    obligation_id=ob.pk, user_id=user.pk, phase=phase, dedupe_key=key, text=text
                )
            )
    return run
