"""Reads of transfers, always scoped by the actor's school (policies.visible_transfers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from hoso.accounts.actor import Actor
from hoso.core import clock
from hoso.transfers import policies, rules
from hoso.transfers.models import PriorRecord, Transfer, TransferStep


@dataclass
class StepView:
    code: str
    label: str
    actor_label: str
    days: int | None
    counted_from: str
    basis: str
    confirmed: bool
    due_on: date | None
    done_on: date | None
    done_by: str
    late: bool


def steps_of(transfer: Transfer, *, today: date | None = None) -> list[StepView]:
    from hoso.transfers.actions import step_days

    today = today or clock.today()
    procedure = rules.procedure_for(transfer.procedure)
    out = []
    open_ = transfer.is_open
    for step in transfer.steps.all():
        rule = procedure.step(transfer.direction, step.code)
        done_by = ""
        if step.done_by_id:
            done_by = step.done_by.get_full_name() or step.done_by.get_username()
        out.append(
            StepView(
                code=step.code,
                label=rule.label,
                actor_label=rule.actor_label,
                days=step_days(transfer, step.code) if step.code != rules.LEAVE else None,
                counted_from=rule.counted_from,
                basis=rule.basis,
                confirmed=rule.confirmed,
                due_on=step.due_on,
                done_on=step.done_on,
                done_by=done_by,
                late=open_ and step.done_on is None and bool(step.due_on and step.due_on < today),
            )
        )
    return out


@dataclass
class Row:
    transfer: Transfer
    next_step: str
    next_due: date | None
    late: bool


def transfer_rows(actor: Actor, *, direction: str = "") -> list[Row]:
    """The school's transfers, newest first, with the next step and whether it is late
    (two queries whatever the number of rows)."""
    today = clock.today()
    qs = visible = policies.visible_transfers(actor)
    if direction in ("in", "out"):
        qs = visible.filter(direction=direction)
    qs = qs.select_related("placed_class").prefetch_related(
        Prefetch("steps", queryset=TransferStep.objects.order_by("seq"))
    )
    rows = []
    for t in qs:
        pending = [s for s in t.steps.all() if s.done_on is None] if t.is_open else []
        first = pending[0] if pending else None
        label = ""
        if first is not None:
            label = rules.procedure_for(t.procedure).step(t.direction, first.code).label
        late = any(s.due_on and s.due_on < today for s in pending)
        rows.append(Row(t, label, first.due_on if first else None, late))
    return rows


def documents_of(transfer: Transfer) -> list[dict]:
    procedure = rules.procedure_for(transfer.procedure)
    return [
        {"code": d.code, "label": d.label, "required": d.required,
         "received": bool(transfer.documents.get(d.code))}
        for d in procedure.documents_for(other_province=transfer.from_other_province)
    ]  # fmt: skip


def prior_records(transfer: Transfer) -> list[PriorRecord]:
    return list(transfer.prior_records.order_by("year_name", "pk"))


def student_prior_records(student) -> list[PriorRecord]:
    """A student's years at other schools (imported from verified transcripts)."""
    return list(
        PriorRecord.objects.filter(school_id=student.school_id, student=student).order_by(
            "year_name", "pk"
        )
    )
