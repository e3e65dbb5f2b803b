"""Transfers (chuyển trường) over JSON. Same actions and policies as the pages: out of scope →
404, out of role → 403, a refused step → 400 with the Vietnamese message.

* ``GET /transfers?direction=&state=`` — the school's transfers;
* ``GET /transfers/{id}`` — one, with its steps (due dates in working days), documents and the
  prior records imported from a verified transcript;
* ``POST /transfers/out`` · ``POST /transfers/in`` — record one;
* ``POST /transfers/{id}/decide`` — the receiving principal's answer;
* ``POST /transfers/{id}/place`` — placement in a class (transfer in)."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from hoso.api.auth import api_actor
from hoso.api.schemas import ERRORS, WRITE_ERRORS
from hoso.organisation.models import SchoolClass
from hoso.students.models import Student
from hoso.transfers import actions, policies, selectors
from hoso.transfers.models import Transfer


class StepOut(Schema):
    code: str
    label: str
    actor: str
    days: int | None = Field(description="Thời hạn (ngày làm việc); null: không quy định.")
    due_on: date | None
    done_on: date | None
    late: bool


class DocumentOut(Schema):
    code: str
    label: str
    required: bool
    received: bool


class PriorRecordOut(Schema):
    year: str
    class_name: str
    school_name: str
    transcript_code: str
    data_hash: str
    summary: dict


class TransferBriefOut(Schema):
    id: int
    direction: str
    state: str
    state_label: str
    student_id: int | None
    student_code: str
    full_name: str
    grade: int
    other_school_name: str
    other_school_code: str
    filed_on: date
    effective_on: date | None
    late: bool


class TransferOut(TransferBriefOut):
    procedure: str
    from_other_province: bool
    reason: str
    decision_reason: str
    placed_class: str | None
    transcript_code: str | None = Field(description="Học bạ số đã cấp khi chuyển đi.")
    steps: list[StepOut]
    documents: list[DocumentOut]
    prior_records: list[PriorRecordOut]


class OutIn(Schema):
    student_id: int
    filed_on: date
    leaving_on: date
    other_school_name: str
    other_school_code: str = ""
    other_province: str = ""
    reason: str = ""


class InIn(Schema):
    student_code: str
    personal_id: str = ""
    family_name: str
    middle_name: str = ""
    given_name: str
    gender: str = Field(description="M hoặc F")
    birth_date: date
    grade: int
    other_school_name: str
    other_school_code: str = ""
    other_province: str = ""
    filed_on: date
    reason: str = ""
    documents: list[str] = []


class DecideIn(Schema):
    accept: bool
    reason: str = ""


class PlaceIn(Schema):
    class_id: int
    start_date: date


def _brief(t: Transfer, late: bool) -> dict:
    return {
        "id": t.pk,
        "direction": t.direction,
        "state": t.state,
        "state_label": t.get_state_display(),
        "student_id": t.student_id,
        "student_code": t.student_code,
        "full_name": t.full_name,
        "grade": t.grade,
        "other_school_name": t.other_school_name,
        "other_school_code": t.other_school_code,
        "filed_on": t.filed_on,
        "effective_on": t.effective_on,
        "late": late,
    }


def _full(t: Transfer) -> dict:
    steps = selectors.steps_of(t)
    return {
        **_brief(t, any(s.late for s in steps)),
        "procedure": t.procedure,
        "from_other_province": t.from_other_province,
        "reason": t.reason,
        "decision_reason": t.decision_reason,
        "placed_class": t.placed_class.name if t.placed_class_id else None,
        "transcript_code": t.transcript.code if t.transcript_id else None,
        "steps": [
            {
                "code": s.code,
                "label": s.label,
                "actor": s.actor_label,
                "days": s.days,
                "due_on": s.due_on,
                "done_on": s.done_on,
                "late": s.late,
            }
            for s in steps
        ],  # fmt: skip
        "documents": selectors.documents_of(t),
        "prior_records": [
            {
                "year": r.year_name,
                "class_name": r.class_name,
                "school_name": r.school_name,
                "transcript_code": r.transcript_code,
                "data_hash": r.data_hash,
                "summary": r.summary,
            }
            for r in selectors.prior_records(t)
        ],  # fmt: skip
    }


def build_router() -> Router:
    router = Router(tags=["transfers"])

    def _visible(request):
        actor = api_actor(request)
        if not policies.can_view(actor):
            raise Http404
        return actor

    @router.get("", response={200: list[TransferBriefOut], **ERRORS}, summary="Hồ sơ chuyển trường")
    def transfer_list(
        request: HttpRequest,
        direction: str = Query("", description="in | out"),
        state: str = Query("", description="open, accepted, refused, left, completed"),
    ):
        actor = _visible(request)
        rows = selectors.transfer_rows(actor, direction=direction)
        return [_brief(r.transfer, r.late) for r in rows if not state or r.transfer.state == state]

    @router.get("/{int:transfer_id}", response={200: TransferOut, **ERRORS}, summary="Một hồ sơ")
    def transfer_detail(request: HttpRequest, transfer_id: int):
        actor = _visible(request)
        return _full(policies.access_transfer(actor, transfer_id))

    @router.post("/out", response={201: TransferOut, **WRITE_ERRORS}, summary="Ghi nhận chuyển đi")
    def transfer_out(request: HttpRequest, payload: OutIn):
        actor = _visible(request)
        student = Student.objects.filter(school=actor.school, pk=payload.student_id).first()
        if student is None:
            raise Http404
        data = payload.dict()
        data.pop("student_id")
        transfer = actions.transfer_out_create(actor=actor, student=student, **data)
        return Status(201, _full(transfer))

    @router.post("/in", response={201: TransferOut, **WRITE_ERRORS}, summary="Ghi nhận chuyển đến")
    def transfer_in(request: HttpRequest, payload: InIn):
        actor = _visible(request)
        transfer = actions.transfer_in_create(actor=actor, **payload.dict())
        return Status(201, _full(transfer))

    @router.post(
        "/{int:transfer_id}/decide",
        response={200: TransferOut, **WRITE_ERRORS},
        summary="Quyết định",
    )
    def transfer_decide(request: HttpRequest, transfer_id: int, payload: DecideIn):
        actor = _visible(request)
        transfer = policies.access_transfer(actor, transfer_id)
        transfer = actions.transfer_decide(
            actor=actor, transfer=transfer, accept=payload.accept, reason=payload.reason
        )
        return _full(transfer)

    @router.post(
        "/{int:transfer_id}/place", response={200: TransferOut, **WRITE_ERRORS}, summary="Xếp lớp"
    )
    def transfer_place(request: HttpRequest, transfer_id: int, payload: PlaceIn):
        actor = _visible(request)
        transfer = policies.access_transfer(actor, transfer_id)
        school_class = (
            SchoolClass.objects.filter(pk=payload.class_id, year__school=actor.school)
            .select_related("grade", "year")
            .first()
        )
        if school_class is None:
            raise Http404
        transfer = actions.transfer_place(
            actor=actor, transfer=transfer, school_class=school_class, start_date=payload.start_date
        )
        return _full(transfer)

    return router
