"""Reminders of late incoming documents (NĐ 30/2020 Đ24: the head names someone to follow up
and chase): once a day per document and person, through ``notifications.notify``.

- handling past its deadline → the lead (chủ trì) and the supporting people (phối hợp);
- not yet presented past its presentation day → the clerks;
- presented, not yet directed past that day → the principal.
Run by ``manage.py send_correspondence_reminders`` (cron, daily) or the task in ``tasks.py``.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.correspondence.models import IncomingDocument, IncomingState
from hoso.notifications.actions import notify
from hoso.organisation.models import Position, School

S = IncomingState


def _position_users(school, position: str) -> list:
    """Active accounts of the school's staff holding ``position`` (main or further)."""
    from hoso.accounts.models import User

    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(staff_profiles__school=school, staff_profiles__position=position)
            | Q(
                staff_profiles__school=school,
                staff_profiles__extra_positions__position=position,
            )
        )
        .distinct()
    )


def late_incoming(school, today):
    return IncomingDocument.objects.filter(school=school).filter(
        Q(state=S.DIRECTED, deadline__lt=today)
        | Q(state__in=(S.REGISTERED, S.PRESENTED), present_due__lt=today)
    )


def incoming_reminders_send(*, today=None, schools=None) -> int:
    """Send today's reminders; returns how many notifications were created (0 on a rerun)."""
    today = today or clock.today()
    sent = 0
    for school in schools if schools is not None else School.objects.all():
        late = list(late_incoming(school, today).prefetch_related("assignees__user"))
        if not late:
            continue
        clerks = principals = None
        with transaction.atomic():
            count = 0
            for doc in late:
                url = reverse("correspondence:incoming_detail", args=[doc.pk])
                if doc.state == S.DIRECTED:
                    people = [a.user for a in doc.assignees.all()]
                    text = (
                        f"Văn bản đến số {doc.number} ({doc.summary[:80]}) đã quá hạn giải "
                        f"quyết ngày {doc.deadline:%d/%m/%Y}."
                    )
                elif doc.state == S.REGISTERED:
                    clerks = (
                        clerks if clerks is not None else _position_users(school, Position.CLERK)
                    )
                    people = clerks
                    text = f"Văn bản đến số {doc.number} chưa được trình (hạn {doc.present_due:%d/%m/%Y})."
                else:
                    if principals is None:
                        principals = _position_users(school, Position.PRINCIPAL)
                    people = principals
                    text = f"Văn bản đến số {doc.number} chờ ý kiến chỉ đạo từ {doc.present_due:%d/%m/%Y}."
                for user in people:
                    if notify(
                        user=user,
                        school=school,
                        kind="correspondence.late",
                        text=text,
                        dedupe_key=f"correspondence.late:{doc.pk}:{today.isoformat()}",
                        url=url,
                    ):
                        count += 1
            if count:
                audit_record(
                    event_type="correspondence.reminders_sent",
                    school_id=school.pk,
                    target=school,
                    after={"day": today.isoformat(), "notifications": count},
                )
        sent += count
    return sent
