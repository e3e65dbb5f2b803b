"""Late steps of open transfers: the next actor is notified, at most once per step per day."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import transaction
from django.urls import reverse

from hoso.audit.actions import audit_record
from hoso.core import clock
from hoso.core.text import in_sentence
from hoso.notifications.actions import notify
from hoso.organisation.models import Position, Staff
from hoso.transfers import rules
from hoso.transfers.models import Transfer, TransferStep

POSITIONS = {rules.PRINCIPAL: [Position.PRINCIPAL], rules.CLERK: [Position.CLERK]}
OPEN_STATES = (Transfer.State.OPEN, Transfer.State.ACCEPTED, Transfer.State.LEFT)


@dataclass
class RemindRun:
    late_steps: int = 0
    notified: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _actors(school_id: int, role: str):
    return [
        s.user
        for s in Staff.objects.filter(
            school_id=school_id,
            is_active=True,
            position__in=POSITIONS.get(role, [Position.PRINCIPAL]),
            user__isnull=False,
        ).select_related("user")
    ]


def transfers_remind(*, now: datetime | None = None, schools=None) -> RemindRun:
    """Notify the actor of every late step (due before today, not done) of an open transfer;
    a step already reminded today is skipped, so running twice a day sends nothing twice."""
    today = now.astimezone(clock.VN_TZ).date() if now else clock.today()
    run = RemindRun()
    steps = (
        TransferStep.objects.filter(
            done_on__isnull=True,
            due_on__lt=today,
            transfer__state__in=OPEN_STATES,
        )
        .exclude(last_reminded_on=today)
        .select_related("transfer__school")
        .order_by("transfer_id", "seq")
    )
    if schools is not None:
        steps = steps.filter(transfer__school__in=schools)
    for step in steps:
        transfer = step.transfer
        procedure = rules.procedure_for(transfer.procedure)
        rule = procedure.step(transfer.direction, step.code)
        run.late_steps += 1
        with transaction.atomic():
            claimed = (
                TransferStep.objects.filter(pk=step.pk)
                .exclude(last_reminded_on=today)
                .update(last_reminded_on=today)
            )
            if not claimed:  # another run took it
                continue
            url = reverse("transfers:detail", kwargs={"transfer_id": transfer.pk})
            for user in _actors(transfer.school_id, rule.actor):
                created = notify(
                    user=user,
                    school=transfer.school,
                    kind="transfer_late",
                    text=(
                        f"Quá hạn ({step.due_on:%d/%m/%Y}): {rule.label} — "
                        f"{in_sentence(transfer.get_direction_display())} {transfer.full_name}."
                    ),
                    dedupe_key=f"transfer:{transfer.pk}:{step.code}:{today.isoformat()}",
                    url=url,
                    email_subject="Hồ sơ chuyển trường quá hạn",
                )
                run.notified += created is not None
            audit_record(
                event_type="transfer.reminded",
                actor=None,
                school_id=transfer.school_id,
                target=transfer,
                after={"step": step.code, "due_on": step.due_on.isoformat(), "on": str(today)},
            )
    return run
